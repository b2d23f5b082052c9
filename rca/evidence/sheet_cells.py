"""A sheet's used range counted exactly, as calamine will place its cells: SAX handlers for an
XLSX sheet part (``XlsxCells``: a cell's ``r``, else the next column of its row; only cells with a
value count) and for ODS content.xml (``OdsCells``: every table, repeats expanded as calamine
expands them), and the A1 column letters both use. ``rca.evidence.sheet_size`` runs them over
the parts it could not bound quickly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from xml.sax.handler import ContentHandler

COLUMN_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ODS_VALUE = frozenset(
    {
        "office:value-type",
        "office:value",
        "office:string-value",
        "office:date-value",
        "office:time-value",
        "office:boolean-value",
        "table:formula",
    }
)
_ODS_CELLS = frozenset({"table:table-cell", "table:covered-table-cell"})
#: Spaces one ``<text:s text:c="N">`` may ask for (calamine builds them into the cell's text).
MAX_REPEATED_SPACES = 100_000


def column_letters(number: int) -> str:
    """1 -> A, 27 -> AA, 16384 -> XFD."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = COLUMN_LETTERS[rest] + letters
    return letters


def column_number(letters: str) -> int:
    """A -> 1, AA -> 27, XFD -> 16384."""
    number = 0
    for ch in letters.upper():
        number = number * 26 + COLUMN_LETTERS.index(ch) + 1
    return number


def _reference(value: str | None) -> tuple[int, int] | None:
    """(row, column), 1-based, of a cell reference as calamine reads it; None if it is not one."""
    match = re.fullmatch(r"([A-Za-z]*)([0-9]+)", value or "")
    if not match or int(match.group(2)) == 0:
        return None
    return int(match.group(2)), column_number(match.group(1)) if match.group(1) else 0


class XlsxCells(ContentHandler):
    """The last row and column holding a value, placed as calamine places cells."""

    def __init__(self) -> None:
        super().__init__()
        self.in_data = False
        self.row = 1  # where a cell without ``r`` goes
        self.column = 1
        self.cell: tuple[int, int] | None = None
        self.rows = self.columns = 0

    def startElement(self, name: str, attrs: dict[str, str]) -> None:  # noqa: N802 (SAX API)
        local = name.rpartition(":")[2]
        if local == "sheetData":
            self.in_data = True
        elif not self.in_data:
            return
        elif local == "row":
            at = _reference(attrs.get("r"))
            if at:
                self.row = at[0]
        elif local == "c":
            at = _reference(attrs.get("r"))
            if at and at[1]:
                self.column = at[1]
                self.cell = at
            else:
                self.cell = (self.row, self.column)
            self.column += 1
        elif local in ("v", "is") and self.cell is not None:
            self.rows = max(self.rows, self.cell[0])
            self.columns = max(self.columns, self.cell[1])

    def endElement(self, name: str) -> None:  # noqa: N802 (SAX API)
        local = name.rpartition(":")[2]
        if local == "sheetData":
            self.in_data = False
        elif local == "row" and self.in_data:
            self.row += 1
            self.column = 1
        elif local == "c":
            self.cell = None


@dataclass
class _Table:
    name: str
    rows: int = 0  # used rows, first to last, repeats counted
    columns: int = 0  # up to the last used column


class OdsCells(ContentHandler):
    """Each table's used rows and columns, with repeats expanded as calamine expands them."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[_Table] = []
        self.table: _Table | None = None
        self.expanded = 0  # rows so far in this table, repeats counted
        self.first_used: int | None = None
        self.repeats = 1
        self.position = 0
        self.row_end = 0

    def startElement(self, name: str, attrs: dict[str, str]) -> None:  # noqa: N802 (SAX API)
        if name == "table:table":
            self.table = _Table(attrs.get("table:name", f"table {len(self.tables) + 1}"))
            self.tables.append(self.table)
            self.expanded, self.first_used = 0, None
        elif self.table is None:
            return
        elif name == "table:table-row":
            self.repeats = _count(attrs.get("table:number-rows-repeated"))
            self.position = self.row_end = 0
        elif name in _ODS_CELLS:
            span = _count(attrs.get("table:number-columns-repeated"))
            if _ODS_VALUE.intersection(attrs.keys()):
                self.row_end = self.position + span
            self.position += span
        elif name == "text:s" and _count(attrs.get("text:c")) > MAX_REPEATED_SPACES:
            raise CellRefusal(f"a cell of table {self.table.name!r} asks for millions of spaces")

    def endElement(self, name: str) -> None:  # noqa: N802 (SAX API)
        table = self.table
        if table is None:
            return
        if name == "table:table":
            self.table = None
        elif name == "table:table-row":
            if self.row_end:
                if self.first_used is None:
                    self.first_used = self.expanded
                table.rows = self.expanded + self.repeats - self.first_used
                table.columns = max(table.columns, self.row_end)
            self.expanded += self.repeats


def _count(value: str | None) -> int:
    return int(value) if value and value.isdigit() else 1


class CellRefusal(Exception):
    """Raised inside a SAX handler; ``SheetSizes`` makes it FileRefused with the file's name."""
