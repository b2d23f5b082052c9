"""Evidence back out to CSV and XLSX, safe to open in a spreadsheet.

A cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which some
spreadsheets skip before reading a formula) could run as a formula when opened: such cells are
prefixed with a single quote, the convention spreadsheets display as text. People appear by
pseudonym (or reference), never by name.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import xlsxwriter

from rca.evidence.models import EvidenceRow
from rca.evidence.queries import ALL_KINDS, person_label
from rca.templating import uk_datetime

COLUMNS = (
    "Date and time",
    "Ends",
    "Kind",
    "Staff member",
    "Person",
    "What happened",
    "Concern",
    "Author",
    "Source file",
    "Sheet",
    "Row",
    "File SHA-256",
    "Row content hash",
)
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> str:
    """The cell as text that no spreadsheet will run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _when(row: EvidenceRow) -> str:
    if row.occurred_at is not None:
        return uk_datetime(row.occurred_at)
    return row.occurred_on.strftime("%d/%m/%Y") if row.occurred_on else ""


def export_rows(rows: Iterable[EvidenceRow], people: Mapping[int, str]) -> Iterator[list[str]]:
    """Each evidence row as the export's cells (already neutralised)."""
    for row in rows:
        cells = [
            _when(row),
            uk_datetime(row.ends_at),
            ALL_KINDS.get(row.kind, row.kind),
            row.staff.name if row.staff else "",
            person_label(row, people),
            row.text,
            "Yes" if row.concern else "",
            row.author or "",
            row.file_name or "",
            row.sheet or "",
            "" if row.row_number is None else str(row.row_number),
            row.file_sha256 or "",
            row.content_hash,
        ]
        yield [neutralise(c) for c in cells]


def csv_chunks(cells: Iterable[list[str]]) -> Iterator[str]:
    """CSV text in chunks for a streamed response; the BOM makes Excel read it as UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow(COLUMNS)
    for n, line in enumerate(cells, 1):
        writer.writerow(line)
        if n % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def xlsx_bytes(cells: Iterable[list[str]], sheet: str = "Evidence") -> bytes:
    """An XLSX workbook; every cell written as a string, never as a formula."""
    out = io.BytesIO()
    # constant_memory writes each row as it comes, so 100,000 rows stay small in memory.
    book = xlsxwriter.Workbook(out, {"constant_memory": True, "strings_to_formulas": False})
    ws = book.add_worksheet(sheet)
    bold = book.add_format({"bold": True})
    for col, name in enumerate(COLUMNS):
        ws.write_string(0, col, name, bold)
    ws.set_column(0, 1, 17)
    ws.set_column(5, 5, 60)
    for r, line in enumerate(cells, 1):
        for col, value in enumerate(line):
            if value:
                ws.write_string(r, col, value)
    ws.freeze_panes(1, 0)
    book.close()
    return out.getvalue()
