"""Field-level validation shared by the web forms and the API.

Domain functions raise ``FieldErrors`` ({field: message}); a form re-renders with each message
beside its field, the API answers ``{"error": message, "field": field}``. One rule, one place.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from werkzeug.routing import IntegerConverter, Map

from rca.xmltext import describe, first_illegal

#: The largest id a table holds (PostgreSQL's ``integer``; SQLite's would go to 2^63 - 1). A
#: bigger number names nothing, and passed on it makes the SQLite driver raise OverflowError.
MAX_ID = 2**31 - 1


class FieldErrors(Exception):
    def __init__(self, errors: Mapping[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = dict(errors)

    @property
    def first(self) -> tuple[str, str]:
        return next(iter(self.errors.items()))


class Collector:
    """Gathers every field's error so a form shows them all at once."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def check(self, field: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except ValueError as exc:
            self.errors.setdefault(field, str(exc))
            return None

    def raise_if_any(self) -> None:
        if self.errors:
            raise FieldErrors(self.errors)


class IdConverter(IntegerConverter):
    """``<int:...>`` in every URL rule (registered for the app as ``int``): a number past
    ``MAX_ID`` matches no rule, so it is a 404 like any unknown id, never a 500."""

    def __init__(self, map: Map, fixed_digits: int = 0, min: int | None = None, **kw: Any):
        kw.setdefault("max", MAX_ID)
        super().__init__(map, fixed_digits, min, **kw)


_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_UK = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def parse_date(value: Any, *, label: str = "Date", required: bool = True) -> date | None:
    """A date typed as DD/MM/YYYY (the UK default) or YYYY-MM-DD (what date inputs send)."""
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    if not text:
        if required:
            raise ValueError(f"{label} is required.")
        return None
    if m := _ISO.match(text):
        y, mo, d = (int(g) for g in m.groups())
    elif m := _UK.match(text):
        d, mo, y = (int(g) for g in m.groups())
    else:
        raise ValueError(f"{label} must be a date like 31/01/2026.")
    if not 1 <= mo <= 12:
        raise ValueError(f"{text} is not a real date: there is no month {mo}.")
    last = calendar.monthrange(y, mo)[1]
    if not 1 <= d <= last:
        month = calendar.month_name[mo]
        raise ValueError(f"{text} is not a real date: {month} {y} has {last} days.")
    return date(y, mo, d)


def not_in_future(value: date, today: date, *, label: str = "Date") -> date:
    if value > today:
        raise ValueError(f"{label} cannot be in the future (today is {today:%d/%m/%Y}).")
    return value


def parse_past_date(value: Any, today: date, *, label: str = "Date") -> date:
    """A required date that has already come: read as ``parse_date`` reads it, and refused when
    after ``today`` (an event, a briefing, the end of a measured period)."""
    day = parse_date(value, label=label)
    assert day is not None  # required: parse_date raises rather than answer None
    return not_in_future(day, today, label=label)


def unstorable(text: str, label: str) -> str | None:
    """Why typed ``text`` cannot be saved as it is (a character XML cannot carry), or None."""
    char = first_illegal(text)
    if char is None:
        return None
    return (
        f"{label} contains {describe(char)}, which cannot be saved. It is usually invisible, "
        "pasted from another program: delete it, or type the text again."
    )


def parse_text(value: Any, *, label: str, max_len: int = 200, required: bool = True) -> str | None:
    text = str(value or "").strip()
    if problem := unstorable(text, label):
        raise ValueError(problem)
    if not text:
        if required:
            raise ValueError(f"{label} is required.")
        return None
    if len(text) > max_len:
        raise ValueError(f"{label} must be {max_len} characters or fewer (it is {len(text)}).")
    return text


def parse_int(value: Any, *, label: str, minimum: int = 0, maximum: int = 100_000) -> int:
    if isinstance(value, bool):
        raise ValueError(f"{label} must be a whole number.")
    if isinstance(value, int):
        number = value
    else:
        text = str(value if value is not None else "").strip()
        if not re.fullmatch(r"-?\d+", text):
            raise ValueError(f"{label} must be a whole number.")
        number = int(text)
    if number < minimum:
        raise ValueError(f"{label} cannot be less than {minimum}.")
    if number > maximum:
        raise ValueError(f"{label} cannot be more than {maximum}.")
    return number


def parse_id(value: Any) -> int | None:
    """An id from a form, a query string or a JSON body; None when it cannot be one (not plain
    digits, 0, or past ``MAX_ID``), so looking it up finds nothing instead of failing.

    ``str.isdigit`` is not enough: it accepts "²", which ``int`` refuses.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    else:
        text = str(value if value is not None else "").strip()
        if not text.isascii() or not text.isdigit() or len(text) > len(str(MAX_ID)):
            return None
        number = int(text)
    return number if 1 <= number <= MAX_ID else None


def parse_page(value: Any, *, last: int = 100_000) -> int:
    """A page number from a query string: 1 unless it is a whole number, at most ``last``."""
    text = str(value if value is not None else "").strip()
    if not text.isascii() or not text.isdigit():
        return 1
    if len(text) > len(str(last)):  # a number past the last page, without converting it
        return last
    return max(1, min(int(text), last))


def parse_percent(value: Any, *, label: str) -> Decimal:
    try:
        number = Decimal(str(value).strip().rstrip("%"))
    except (InvalidOperation, AttributeError):
        raise ValueError(f"{label} must be a percentage, like 95.") from None
    if not number.is_finite() or not 0 < number <= 100:
        raise ValueError(f"{label} must be more than 0 and at most 100.")
    return number


def parse_choice(value: Any, choices: Mapping[str, str], *, label: str) -> str:
    text = str(value or "").strip()
    if text not in choices:
        raise ValueError(f"{label} must be one of: {', '.join(choices)}.")
    return text


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value or "").strip().lower() in {"1", "true", "yes", "y", "on"}
