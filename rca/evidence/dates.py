"""Dates and times in exports: detecting a column's format and reading its cells.

UK first (DD/MM/YYYY, 24-hour), also ISO 8601, "3 Mar 2026", "03-Mar-26", "Tue 3 Mar 2026",
12-hour times with am/pm, Excel serial numbers (1900 system) and typed workbook cells.

Rules worth knowing:
- A column's format is decided over the WHOLE column. A numeric date column whose every value has
  both of its first two parts <= 12 (03/04/2026) is ambiguous: it gets order None and is asked
  about, never guessed. A first part > 12 makes it DMY, a second part > 12 MDY (if values
  disagree, the majority wins, ties go to DMY, and the minority rows fail to parse).
- Two-digit years: 00-68 are 20xx, 69-99 are 19xx (the POSIX strptime %y pivot).
- "24:00" is read as 00:00 of the next day in a date-time, and as 00:00 by parse_time_cell, which
  is right for a shift end (``london_time.shift_span`` rolls an end <= start into the next day).
- Clock changes: see ``rca.evidence.london_time``, which turns the wall-clock readings into UTC.
"""

from __future__ import annotations

import calendar
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any, Literal

EXCEL_EPOCH = date(1899, 12, 30)  # 1900 system, absorbing Excel's phantom 29/02/1900
# Serial numbers read as dates only in a plausible range: 1 Jan 1920 to 31 Dec 2099.
SERIAL_MIN, SERIAL_MAX = 7306, 73050

_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS |= {name.lower(): i for i, name in enumerate(calendar.month_abbr) if name}
_MONTHS["sept"] = 9
_WEEKDAYS = [d.lower() for d in calendar.day_name]

_TIME = (
    r"(?P<h>\d{1,2})(?::(?P<mi>\d{2})(?::(?P<s>\d{2})(?:[.,]\d+)?)?)?"
    r"\s*(?P<ampm>[ap]\.?\s?m\.?)?"
)
_NUMERIC = re.compile(
    rf"(?P<a>\d{{1,2}})(?P<sep>[/.\-])(?P<b>\d{{1,2}})(?P=sep)(?P<y>\d{{4}}|\d{{2}})"
    rf"(?:(?:\s+|T|,\s*){_TIME})?",
    re.I,
)
_YMD = re.compile(
    rf"(?P<y>\d{{4}})(?P<sep>[/.\-])(?P<b>\d{{1,2}})(?P=sep)(?P<c>\d{{1,2}})"
    rf"(?:(?P<t>\s+|T){_TIME}\s*(?P<tz>Z|[+-]\d{{2}}(?::?\d{{2}})?)?)?",
    re.I,
)
_NAMED = re.compile(
    rf"(?:(?P<wd>[a-z]{{3,9}})\.?,?\s+)?(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?P<sep>[\s\-]+)"
    rf"(?P<mon>[a-z]{{3,9}})\.?[\s\-,]+(?P<y>\d{{4}}|\d{{2}})(?:(?:\s+|,\s*|T){_TIME})?",
    re.I,
)
_NAMED_US = re.compile(
    rf"(?:(?P<wd>[a-z]{{3,9}})\.?,?\s+)?(?P<mon>[a-z]{{3,9}})\.?\s+(?P<d>\d{{1,2}})"
    rf"(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})(?:(?:\s+|,\s*){_TIME})?",
    re.I,
)
_TIME_ONLY = re.compile(_TIME, re.I)
_SERIAL = re.compile(r"\d{4,5}(?:\.\d+)?")


@dataclass(frozen=True)
class ColumnFormat:
    kind: Literal["date", "datetime", "time", "excel-serial"]
    order: Literal["dmy", "mdy", "ymd"] | None
    ambiguous: bool  # True when every value could be read both DD/MM and MM/DD
    description: str  # e.g. "DD/MM/YYYY HH:MM" for messages and the mapping screen


# --- detection ---------------------------------------------------------------------------------


def detect_column(values: Sequence[Any]) -> ColumnFormat | None:
    """The format of a column of cells, judged over all of it (blanks ignored). None when more
    than half of the non-blank cells are not dates/times. Typed workbook cells always parse;
    the order only concerns numeric text dates."""
    families: Counter[str] = Counter()
    styles: Counter[tuple[str, str]] = Counter()
    dmy_votes = mdy_votes = numeric = 0
    with_time = False
    total = 0
    # A column repeats a few hundred distinct cells: classify each once, weighted by its count.
    # bool/int/float cells of equal value (True == 1 == 1.0) must not share a count.
    if set(map(type, values)) <= {str}:
        counts = Counter(values)
    else:
        counts = Counter(v if type(v) is str else (type(v), v) for v in values)
    for key, n in counts.items():
        value = key if type(key) is str else key[1]
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        total += n
        family, style, parts, timed = _classify(value)
        if family is None:
            continue
        families[family] += n
        styles[(family, style)] += n
        with_time = with_time or timed
        if parts is not None:
            numeric += n
            if parts[0] > 12 >= parts[1]:
                dmy_votes += n
            elif parts[1] > 12 >= parts[0]:
                mdy_votes += n
    if not total:
        return None
    dated = sum(families[f] for f in ("typed-date", "numeric", "ymd", "named"))
    serial = families["serial"]
    kind: Literal["date", "datetime"] = "datetime" if with_time else "date"
    if dated and (dated + serial) * 2 > total:
        order: Literal["dmy", "mdy", "ymd"] | None = None
        if numeric:
            if not dmy_votes and not mdy_votes:
                return ColumnFormat(kind, None, True, _describe_numeric(styles, None))
            order = "dmy" if dmy_votes >= mdy_votes else "mdy"
            return ColumnFormat(kind, order, False, _describe_numeric(styles, order))
        top = max(("ymd", "named", "typed-date"), key=lambda f: families[f])
        order = {"ymd": "ymd", "named": "dmy"}.get(top)  # type: ignore[assignment]
        return ColumnFormat(kind, order, False, _top_style(styles, top))
    if serial * 2 > total:
        return ColumnFormat("excel-serial", None, False, "Excel serial number")
    if families["time"] * 2 > total:
        return ColumnFormat("time", None, False, _top_style(styles, "time"))
    return None


def _classify(value: Any) -> tuple[str | None, str, tuple[int, int] | None, bool]:
    """(family, style for the description, numeric (first, second) parts, has a time)."""
    if isinstance(value, datetime):
        return "typed-date", "Excel date-and-time cells", None, True
    if isinstance(value, date):
        return "typed-date", "Excel date cells", None, False
    if isinstance(value, time):
        return "time", "Excel time cells", None, False
    if isinstance(value, bool):
        return None, "", None, False
    if isinstance(value, int | float):
        return ("serial" if SERIAL_MIN <= value <= SERIAL_MAX else None), "", None, False
    if not isinstance(value, str):
        return None, "", None, False
    text = value.strip()
    m = _NUMERIC.fullmatch(text)
    if m and _time_complete(m):
        a, b = m["a"], m["b"]
        style = f"{'D' * len(a)}|{'D' * len(b)}|{m['sep']}|{'Y' * len(m['y'])}{_time_style(m)}"
        return "numeric", style, (int(a), int(b)), m["h"] is not None
    m = _YMD.fullmatch(text)
    if m and _time_complete(m):
        sep = m["sep"]
        style = f"YYYY{sep}MM{sep}DD"
        if m["h"] is not None:
            style += ("T" if m["t"] == "T" else " ") + _time_style(m).strip()
            style += "±HH:MM" if m["tz"] and m["tz"] != "Z" else ("Z" if m["tz"] else "")
        return "ymd", style, None, m["h"] is not None
    for pattern in (_NAMED, _NAMED_US):
        m = pattern.fullmatch(text)
        if m and m["mon"].lower() in _MONTHS and _time_complete(m):
            day = "DD" if len(m["d"]) == 2 else "D"
            mon = "Mon" if len(m["mon"]) <= 4 else "Month"
            year = "Y" * len(m["y"])
            if pattern is _NAMED:
                gap = "-" if "-" in m["sep"] else " "
                style = f"{day}{gap}{mon}{gap}{year}"
            else:
                style = f"{mon} {day}, {year}"
            style = ("Ddd " if m["wd"] else "") + style + _time_style(m)
            return "named", style, None, m["h"] is not None
    m = _TIME_ONLY.fullmatch(text)
    if m and _time_complete(m):
        return "time", _time_style(m).strip(), None, False
    if _SERIAL.fullmatch(text) and SERIAL_MIN <= float(text) <= SERIAL_MAX:
        return "serial", "", None, False
    return None, "", None, False


def _time_complete(m: re.Match[str]) -> bool:
    # "14" alone is not a time; "2 pm" is.
    return m["h"] is None or m["mi"] is not None or bool(m["ampm"])


def _time_style(m: re.Match[str]) -> str:
    if m["h"] is None:
        return ""
    if m["ampm"]:
        return " h:mm am/pm"
    return " HH:MM:SS" if m["s"] else " HH:MM"


def _describe_numeric(styles: Counter[tuple[str, str]], order: str | None) -> str:
    first, second, sep, rest = _top_style(styles, "numeric").split("|")
    if order == "mdy":
        return f"{second.replace('D', 'M')}{sep}{first}{sep}{rest}"
    dmy = f"{first}{sep}{second.replace('D', 'M')}{sep}{rest}"
    if order is None:
        return f"{dmy} or {second.replace('D', 'M')}{sep}{first}{sep}{rest}"
    return dmy


def _top_style(styles: Counter[tuple[str, str]], family: str) -> str:
    return max((n, s) for (f, s), n in styles.items() if f == family)[1]


# --- parsing -----------------------------------------------------------------------------------


def parse_date_cell(value: Any, fmt: ColumnFormat) -> date | datetime:
    """One cell of a date column: a datetime when the cell has a time, else a date. Naive
    values are London wall-clock (see ``london_time.london_to_utc``); an ISO value with Z or an
    offset comes back as an aware UTC datetime. ValueError with a reason that names the value."""
    if isinstance(value, datetime):
        return value.astimezone(UTC) if value.tzinfo else value
    if isinstance(value, date):
        return value
    if isinstance(value, time):
        raise ValueError(f"{value.strftime('%H:%M')} is a time with no date")
    if isinstance(value, bool) or value is None:
        raise ValueError("the cell is blank" if value is None else f"{value} is not a date")
    if isinstance(value, int | float):
        return _from_serial(value, str(value))
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a date")
    text = value.strip()
    if not text:
        raise ValueError("the cell is blank")
    if m := _NUMERIC.fullmatch(text):
        a, b, y = int(m["a"]), int(m["b"]), _year(m["y"])
        order = fmt.order if fmt.order in ("dmy", "mdy") else None
        if order is None:
            if a > 12 >= b:
                order = "dmy"
            elif b > 12 >= a:
                order = "mdy"
            else:
                raise ValueError(
                    f"{text} could be day/month or month/day: choose the column's date order"
                )
        day, month = (a, b) if order == "dmy" else (b, a)
        return _combine(_make_date(y, month, day, text), m, text)
    if m := _YMD.fullmatch(text):
        found = _combine(_make_date(int(m["y"]), int(m["b"]), int(m["c"]), text), m, text)
        if m["tz"] and isinstance(found, datetime):
            found = found.replace(tzinfo=_offset(m["tz"])).astimezone(UTC)
        return found
    for pattern in (_NAMED, _NAMED_US):
        m = pattern.fullmatch(text)
        if m and m["mon"].lower() in _MONTHS:
            found_day = _make_date(_year(m["y"]), _MONTHS[m["mon"].lower()], int(m["d"]), text)
            _check_weekday(m["wd"], found_day, text)
            return _combine(found_day, m, text)
    if _SERIAL.fullmatch(text) and fmt.kind == "excel-serial":
        return _from_serial(float(text), text)
    raise ValueError(f"{text} is not a date in the form {fmt.description}")


def parse_time_cell(value: Any) -> time:
    """A clock time: "14:30", "14:30:15", "2:30 pm", "0800", "14.30", typed time cells, a day
    fraction (0.5 = 12:00). "24:00" reads as 00:00. ValueError with a reason naming the value."""
    if isinstance(value, datetime):
        return value.time()
    if isinstance(value, time):
        return value
    if isinstance(value, timedelta) and timedelta(0) <= value < timedelta(days=1):
        return (datetime.min + value).time()
    if isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value < 1:
        seconds = round(value * 86400) % 86400
        return time(seconds // 3600, seconds % 3600 // 60, seconds % 60)
    if not isinstance(value, str) or not value.strip():
        raise ValueError("the cell is blank" if value in (None, "") else f"{value} is not a time")
    text = value.strip()
    m = _TIME_ONLY.fullmatch(text)
    if m and _time_complete(m):
        return _make_time(m, text)[0]
    if m := re.fullmatch(r"(\d{1,2})[.h](\d{2})|(\d{2})(\d{2})", text):
        hours, minutes = (m[1], m[2]) if m[1] else (m[3], m[4])
        return _clock(int(hours), int(minutes), 0, text)[0]
    raise ValueError(f"{text} is not a time (expected HH:MM, 24-hour, or like 2:30 pm)")


def _year(digits: str) -> int:
    if len(digits) == 4:
        return int(digits)
    two = int(digits)
    return 2000 + two if two <= 68 else 1900 + two


def _make_date(year: int, month: int, day: int, text: str) -> date:
    if not 1 <= year <= 9999:
        raise ValueError(f"{text} is not a real date: there is no year {year}")
    if not 1 <= month <= 12:
        raise ValueError(f"{text} is not a real date: there is no month {month}")
    days = calendar.monthrange(year, month)[1]
    if day == 0:
        raise ValueError(f"{text} is not a real date: there is no day 0")
    if day > days:
        raise ValueError(
            f"{text} is not a real date: {calendar.month_name[month]} {year} has {days} days"
        )
    return date(year, month, day)


def _combine(day: date, m: re.Match[str], text: str) -> date | datetime:
    if m["h"] is None:
        return day
    if not _time_complete(m):
        raise ValueError(f"{text} has an hour but no minutes")
    clock, next_day = _make_time(m, text)
    return datetime.combine(day + timedelta(days=next_day), clock)


def _make_time(m: re.Match[str], text: str) -> tuple[time, int]:
    hours, minutes, seconds = int(m["h"]), int(m["mi"] or 0), int(m["s"] or 0)
    if m["ampm"]:
        if not 1 <= hours <= 12:
            raise ValueError(f"{text} is not a real time: a 12-hour clock runs 1-12")
        hours = hours % 12 + (12 if m["ampm"].lower().startswith("p") else 0)
    return _clock(hours, minutes, seconds, text)


def _clock(hours: int, minutes: int, seconds: int, text: str) -> tuple[time, int]:
    if hours == 24 and minutes == seconds == 0:
        return time(0, 0), 1
    if hours > 23:
        raise ValueError(f"{text} is not a real time: hours run 0-23")
    if minutes > 59:
        raise ValueError(f"{text} is not a real time: minutes run 0-59")
    if seconds > 59:
        raise ValueError(f"{text} is not a real time: seconds run 0-59")
    return time(hours, minutes, seconds), 0


def _offset(tz: str) -> timezone:
    if tz.upper() == "Z":
        return UTC
    digits = tz[1:].replace(":", "")
    delta = timedelta(hours=int(digits[:2]), minutes=int(digits[2:] or 0))
    return timezone(-delta if tz[0] == "-" else delta)


def _check_weekday(named: str | None, day: date, text: str) -> None:
    if not named:
        return
    matches = [i for i, w in enumerate(_WEEKDAYS) if w.startswith(named.lower()[:3])]
    if not matches:
        raise ValueError(f"{text} is not a date: {named!r} is not a day of the week")
    if day.weekday() not in matches:
        raise ValueError(f"{text} does not add up: {day.day} {day:%B %Y} is a {day:%A}")


def _from_serial(number: float, text: str) -> date | datetime:
    if not SERIAL_MIN <= number < SERIAL_MAX + 1:
        raise ValueError(f"{text} is not a date (as an Excel date number it is out of range)")
    days = int(number)
    seconds = round((number - days) * 86400)
    day = EXCEL_EPOCH + timedelta(days=days)
    if not seconds:
        return day
    return datetime.combine(day, time(0)) + timedelta(seconds=seconds)
