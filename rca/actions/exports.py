"""The tracker's CSV and XLSX exports. Every cell goes through the evidence exports' formula
neutraliser (``rca.evidence.exporting.neutralise``), so a cell such as ``=HYPERLINK(...)`` typed
into an action opens as text in a spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

import xlsxwriter

from rca.evidence.exporting import neutralise


def csv_text(columns: Sequence[str], cells: Iterable[list[str]]) -> str:
    """CSV with a BOM so Excel reads it as UTF-8."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for line in cells:
        writer.writerow([neutralise(c) for c in line])
    return buffer.getvalue()


def xlsx_bytes(columns: Sequence[str], cells: Iterable[list[str]], sheet: str = "Actions") -> bytes:
    """An XLSX workbook; every cell a string, never a formula."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"constant_memory": True, "strings_to_formulas": False})
    ws = book.add_worksheet(sheet)
    bold = book.add_format({"bold": True})
    for col, name in enumerate(columns):
        ws.write_string(0, col, name, bold)
    ws.set_column(2, 3, 50)
    for r, line in enumerate(cells, 1):
        for col, value in enumerate(line):
            if value:
                ws.write_string(r, col, neutralise(value))
    ws.freeze_panes(1, 0)
    book.close()
    return out.getvalue()
