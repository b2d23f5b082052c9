"""How one source system lays out an export, and the writer that turns records into its bytes.

A *record* is a plain dict of canonical fields (``at``, ``staff``, ``person``, ``text``, ...); a
:class:`System` says which header each field goes under and how its dates, times and flags look.
:func:`write_export` renders the records, injects the bad and duplicate rows asked for, and returns
the bytes together with exactly what was written, so tests can assert on every row.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any, Literal

import xlsxwriter

Record = dict[str, Any]
#: How a column shows its field: a date, a time, both, a Y/N flag, a number or plain text.
CellFormat = Literal["date", "time", "datetime", "flag", "number", "text"]
#: Date styles: UK numeric, US numeric, ISO, "3 Mar 2026", "03-Mar-26".
DateStyle = Literal["dmy", "mdy", "iso", "d mon yyyy", "dd-mon-yy"]
FlagStyle = Literal["Yes/No", "Y/", "TRUE/FALSE"]
#: What an injected bad row gets wrong.
Fault = Literal["impossible-date", "blank-required", "unreadable-time"]

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    fmt: CellFormat = "text"


@dataclass(frozen=True)
class System:
    """One product's export of one kind: its headers, file type and habits."""

    name: str  # short slug used in file names, e.g. "carelog"
    title: str  # what a user calls it ("CareLog visit notes")
    kind: str
    columns: tuple[Column, ...]
    file_type: Literal["csv", "xlsx"] = "csv"
    delimiter: str = ","
    encoding: str = "utf-8-sig"
    date_style: DateStyle = "dmy"
    flag_style: FlagStyle = "Yes/No"
    #: The column a blank-required fault empties (a field every importer needs).
    required: str = ""
    #: XLSX: the data sheet's name and the other sheets around it (in workbook order).
    sheet: str = "Export"
    sheets_before: tuple[str, ...] = ()
    sheets_after: tuple[str, ...] = ()

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]


@dataclass(frozen=True)
class Export:
    """A generated file and the truth about it."""

    file_name: str
    kind: str
    system: str
    data: bytes
    headers: list[str]
    #: Data rows exactly as written (CSV: strings; XLSX: typed cells), row number = index + 2.
    rows: list[list[Any]]
    #: Row number -> what is wrong with it.
    bad_rows: dict[int, str] = field(default_factory=dict)
    #: Row number of an exact duplicate -> the earlier row it repeats.
    duplicate_rows: dict[int, int] = field(default_factory=dict)
    #: Source column -> "dmy"/"mdy" for each column an importer must be told how to read.
    date_orders: dict[str, str] = field(default_factory=dict)
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)

    @property
    def good_rows(self) -> int:
        """Rows an importer should bring in (neither bad nor a repeat)."""
        return len(self.rows) - len(self.bad_rows) - len(self.duplicate_rows)

    def row(self, number: int) -> list[Any]:
        return self.rows[number - 2]


def format_date(day: date, style: DateStyle) -> str:
    if style == "dmy":
        return f"{day.day:02d}/{day.month:02d}/{day.year}"
    if style == "mdy":
        return f"{day.month:02d}/{day.day:02d}/{day.year}"
    if style == "iso":
        return day.isoformat()
    if style == "d mon yyyy":
        return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
    return f"{day.day:02d}-{MONTHS[day.month - 1]}-{day.year % 100:02d}"


def impossible_date(style: DateStyle) -> str:
    """31 February 2026 written the way this system writes dates."""
    return {
        "dmy": "31/02/2026",
        "mdy": "02/31/2026",
        "iso": "2026-02-31",
        "d mon yyyy": "31 Feb 2026",
        "dd-mon-yy": "31-Feb-26",
    }[style]


def _flag(value: Any, style: FlagStyle) -> str:
    yes, no = {"Yes/No": ("Yes", "No"), "Y/": ("Y", ""), "TRUE/FALSE": ("TRUE", "FALSE")}[style]
    return yes if value else no


def _as_date(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def render_text(value: Any, column: Column, system: System) -> str:
    """A record's field as a CSV cell of this system."""
    if value is None:
        return ""
    fmt = column.fmt
    if fmt == "date":
        return format_date(_as_date(value), system.date_style)
    if fmt == "time":
        at = value.time() if isinstance(value, datetime) else value
        return f"{at.hour:02d}:{at.minute:02d}"
    if fmt == "datetime":
        sep = "T" if system.date_style == "iso" else " "
        return f"{format_date(value.date(), system.date_style)}{sep}{value:%H:%M}"
    if fmt == "flag":
        return _flag(value, system.flag_style)
    return str(value)


def render_cell(value: Any, column: Column, system: System) -> Any:
    """A record's field as this system writes it: text for CSV, typed values for XLSX."""
    if system.file_type == "csv":
        return render_text(value, column, system)
    if value is None or value == "":
        return None
    fmt = column.fmt
    if fmt == "date":
        return _as_date(value)
    if fmt == "time":
        return value.time() if isinstance(value, datetime) else value
    if fmt == "datetime":
        return value
    if fmt == "flag":
        return _flag(value, system.flag_style) or None
    if fmt == "number":
        return value
    return str(value)


def _fault_cell(system: System, fault: Fault) -> tuple[int, Any, str] | None:
    """Where a fault goes in this system's rows, the bad cell, and the reason in words."""
    cols = system.columns
    if fault == "impossible-date":
        for i, c in enumerate(cols):
            if c.fmt == "date":
                return i, impossible_date(system.date_style), "impossible date"
            if c.fmt == "datetime":
                return i, impossible_date(system.date_style) + " 10:00", "impossible date"
    elif fault == "unreadable-time":
        for i, c in enumerate(cols):
            if c.fmt == "time":
                return i, "25:61", "unreadable time"
    elif fault == "blank-required":
        for i, c in enumerate(cols):
            if c.header == system.required:
                return i, ("" if system.file_type == "csv" else None), f"blank {c.header}"
    return None


def _normal(row: list[Any]) -> tuple[str, ...]:
    """A row as an importer would compare it: trimmed, case-folded text."""
    return tuple(" ".join(str("" if v is None else v).split()).casefold() for v in row)


def render_rows(
    records: list[Record],
    system: System,
    *,
    rng: random.Random,
    faults: tuple[Fault, ...] = (),
    duplicates: int = 0,
) -> tuple[list[list[Any]], dict[int, str], dict[int, int]]:
    """Rows in file order with the faults and repeats placed; their row numbers and reasons."""
    rows: list[list[Any]] = []
    seen: set[tuple[str, ...]] = set()
    for record in records:
        row = [render_cell(record.get(c.field), c, system) for c in system.columns]
        key = _normal(row)
        if key in seen:  # two records that read the same would look like an unasked repeat
            continue
        seen.add(key)
        rows.append(row)
    tags: list[str | None] = [None] * len(rows)
    free = list(range(len(rows)))
    rng.shuffle(free)
    for fault in faults:
        spot = _fault_cell(system, fault)
        if spot is None or not free:
            continue
        index = free.pop()
        col, cell, reason = spot
        rows[index] = list(rows[index])
        rows[index][col] = cell
        tags[index] = reason
    originals: list[int] = []
    for _ in range(duplicates):
        candidates = [i for i in free if i not in originals]
        if not candidates:
            break
        originals.append(candidates[0])
        free.remove(candidates[0])
    # Each repeat goes a few rows after its original, as a double-submitted entry would.
    placed: list[tuple[list[Any], str | None, int | None]] = [
        (r, t, None) for r, t in zip(rows, tags, strict=True)
    ]
    for original in sorted(originals, reverse=True):
        at = min(len(rows), original + 1 + rng.randrange(3))
        placed.insert(at, (list(rows[original]), None, original))
    # Turn list positions into spreadsheet row numbers (header = 1, first data row = 2).
    number_of = {}
    out: list[list[Any]] = []
    bad: dict[int, str] = {}
    repeats: dict[int, int] = {}
    pending: list[tuple[int, int]] = []
    for position, (row, tag, original) in enumerate(placed):
        number = position + 2
        out.append(row)
        if original is not None:
            pending.append((number, original))
        else:
            number_of[id(row)] = number
            if tag:
                bad[number] = tag
    for number, original in pending:
        repeats[number] = number_of[id(rows[original])]
    return out, bad, repeats


def date_orders(system: System, rows: list[list[Any]]) -> dict[str, str]:
    """The order of each numeric day/month column that could be read both ways (every value's
    first two parts 12 or less), which an importer must be told rather than guess."""
    if system.date_style not in ("dmy", "mdy"):
        return {}
    orders = {}
    for i, column in enumerate(system.columns):
        values = [r[i] for r in rows if isinstance(r[i], str) and r[i].strip()]
        if column.fmt in ("date", "datetime") and values and all(map(_both_ways, values)):
            orders[column.header] = system.date_style
    return orders


def _both_ways(value: str) -> bool:
    first, second = value.split(" ")[0].split("/")[:2]
    return int(first) <= 12 and int(second) <= 12


def csv_bytes(headers: list[str], rows: list[list[Any]], system: System) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=system.delimiter, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue().encode(system.encoding)


def xlsx_bytes(headers: list[str], rows: list[list[Any]], system: System) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    # A fixed creation time: the same seed must give the same bytes.
    book.set_properties({"created": datetime(2026, 1, 1), "author": system.title})
    bold = book.add_format({"bold": True})
    formats = {
        "date": book.add_format({"num_format": "dd/mm/yyyy"}),
        "time": book.add_format({"num_format": "hh:mm"}),
        "datetime": book.add_format({"num_format": "dd/mm/yyyy hh:mm"}),
        "text": book.add_format({"text_wrap": True}),
    }
    for name in system.sheets_before:
        _side_sheet(book, name, system, len(rows), bold)
    sheet = book.add_worksheet(system.sheet)
    sheet.write_row(0, 0, headers, bold)
    sheet.freeze_panes(1, 0)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            _write_cell(sheet, r, c, value, formats)
    for name in system.sheets_after:
        _side_sheet(book, name, system, len(rows), bold)
    book.close()
    return buffer.getvalue()


def _write_cell(sheet: Any, r: int, c: int, value: Any, formats: dict[str, Any]) -> None:
    if value is None:
        return
    if isinstance(value, datetime):
        sheet.write_datetime(r, c, value, formats["datetime"])
    elif isinstance(value, date):
        sheet.write_datetime(r, c, value, formats["date"])
    elif isinstance(value, time):
        sheet.write_datetime(r, c, value, formats["time"])
    elif isinstance(value, bool | int | float):
        sheet.write_number(r, c, value)
    else:
        # write_string, never write(): "25:61" or "=SUM" must stay the text the source held.
        sheet.write_string(r, c, value, formats["text"] if "\n" in value else None)


def _side_sheet(book: Any, name: str, system: System, count: int, bold: Any) -> None:
    """The cover, summary or key sheets real systems put around the data."""
    sheet = book.add_worksheet(name)
    sheet.write_row(0, 0, [system.title, "Exported rows"], bold)
    sheet.write_row(1, 0, ["Data sheet", system.sheet])
    sheet.write_number(1, 1, count)
    sheet.write_row(2, 0, ["Generated by", "demo export generator (fictional data)"])


def write_export(
    file_name: str,
    system: System,
    records: list[Record],
    *,
    seed: int,
    faults: tuple[Fault, ...] = (),
    duplicates: int = 0,
) -> Export:
    """The export of ``records`` as ``system`` writes it, with the faults and repeats asked for."""
    rng = random.Random(f"{seed}:{file_name}")
    rows, bad, repeats = render_rows(records, system, rng=rng, faults=faults, duplicates=duplicates)
    headers = system.headers
    if system.file_type == "csv":
        return Export(
            file_name=file_name,
            kind=system.kind,
            system=system.name,
            data=csv_bytes(headers, rows, system),
            headers=headers,
            rows=rows,
            bad_rows=bad,
            duplicate_rows=repeats,
            date_orders=date_orders(system, rows),
            encoding=system.encoding,
            delimiter=system.delimiter,
        )
    return Export(
        file_name=file_name,
        kind=system.kind,
        system=system.name,
        data=xlsx_bytes(headers, rows, system),
        headers=headers,
        rows=rows,
        bad_rows=bad,
        duplicate_rows=repeats,
        date_orders={},
        sheet=system.sheet,
        sheets=[*system.sheets_before, system.sheet, *system.sheets_after],
    )
