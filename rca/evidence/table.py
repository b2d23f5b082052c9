"""A read export as a table: its rows with the numbers a spreadsheet user sees, the header row's
names, how a cell reads to a person, and the one error a file as a whole can get (FileRefused).

Shared by the CSV reader (``reading``) and the workbook reader (``workbooks``).
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, NamedTuple

from rca.xmltext import drop_illegal

# A first row made only of numbers, dates and times is data, not column names.
_DATA_LIKE = re.compile(r"[\d\s/:.,+\-]+")
_SPACES = re.compile(r"\s+")


class FileRefused(Exception):
    """The file as a whole cannot be used. str(exc) is ONE line saying why (and where)."""

    def __init__(self, reason: str) -> None:
        super().__init__(_SPACES.sub(" ", reason).strip())


class SourceRow(NamedTuple):
    """One data row (a named tuple: a 100,000-row file makes 100,000 of them)."""

    number: int  # the row number a spreadsheet user sees (header row = 1)
    cells: tuple[Any, ...]  # CSV: str; workbooks: str/int/float/bool/datetime/date/time/None


@dataclass(frozen=True)
class Table:
    file_name: str
    sha256: str  # of the file's bytes
    size: int
    sheet: str | None  # None for CSV
    sheets: list[str]  # all sheet names ([] for CSV)
    headers: list[str]  # stripped; blanks become "Column N"; repeats get " (2)"
    rows: list[SourceRow]  # data rows only; wholly blank rows skipped (numbers still count them)


def cell_text(value: Any) -> str:
    """The cell as a person would read it: "" for blank, UK dates, whole numbers without ".0"."""
    if value is None:
        return ""
    if isinstance(value, str):
        return drop_illegal(value)  # the readers drop them already; a cell built elsewhere too
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y ") + _clock(value.time())
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, time):
        return _clock(value)
    return str(value)


def _clock(value: time) -> str:
    return value.strftime("%H:%M:%S" if value.second else "%H:%M")


def size_words(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MB"
    return f"{n:,} bytes"


def header_names(cells: list[str]) -> list[str]:
    """Names people can pick from: whitespace collapsed (a header with a line break stays one
    line in messages), BOM removed, blanks named by position, repeats numbered."""
    names = [_SPACES.sub(" ", c.replace("\ufeff", "")).strip() for c in cells]
    names = [n or f"Column {i}" for i, n in enumerate(names, start=1)]
    taken = set(names)
    seen: set[str] = set()
    out = []
    for name in names:
        if name in seen:
            k = 2
            while f"{name} ({k})" in taken:
                k += 1
            name = f"{name} ({k})"
            taken.add(name)
        seen.add(name)
        out.append(name)
    return out


def check_header(cells: list[Any], number: int, file_name: str) -> None:
    filled = [c for c in cells if c is not None and not (isinstance(c, str) and not c.strip())]
    if len(filled) >= 2 and all(
        not isinstance(c, str) or _DATA_LIKE.fullmatch(c.strip()) for c in filled
    ):
        raise FileRefused(
            f"{file_name} has no header row: row {number} holds data "
            f"({', '.join(cell_text(c) for c in filled[:3])}…), not column names"
        )


def row_width(cells: list[Any]) -> int:
    """Columns up to the last named one: a trailing delimiter or formatted-but-empty cells do
    not make a column."""
    width = len(cells)
    while width and is_blank(cells[width - 1]):
        width -= 1
    return width


def is_blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


@contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic garbage collector paused while a file's rows are built (also a decorator).

    A 100,000-row file makes about a million new objects, none in a reference cycle, and each
    automatic collection walks the ones made so far again: a quarter of reading a file. Inside
    an outer pause it changes nothing; the collector runs again as usual afterwards.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
