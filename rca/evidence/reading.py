"""Reading an uploaded export into a table of rows, whatever its format.

The type is detected from the bytes (ZIP → XLSX or ODS, OLE2 → XLS, anything else that decodes as
text → CSV), never from the file name. Row numbers are the ones a spreadsheet user sees, so a row
error can send someone straight to the right line. A file that cannot be used as a whole raises
FileRefused with a one-line reason; nothing here touches the database.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import itertools
import re
from collections.abc import Iterable
from typing import Any

from rca.evidence.sheet_size import SheetLimits
from rca.evidence.table import (
    FileRefused,
    SourceRow,
    Table,
    cell_text,
    check_header,
    gc_paused,
    header_names,
    row_width,
    size_words,
)
from rca.evidence.workbooks import OLE2_MAGIC, ZIP_MAGICS, check_zip, read_workbook
from rca.xmltext import drop_illegal

# Re-exported: callers read tables, rows and cells from here.
__all__ = [
    "DEFAULT_MAX_BYTES",
    "FileRefused",
    "SheetLimits",
    "SourceRow",
    "Table",
    "cell_text",
    "read_table",
]

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
DELIMITERS = (",", ";", "\t", "|")
SNIFF_BYTES = 64 * 1024
BINARY_SIGNATURES = (b"\x89PNG", b"%PDF", b"GIF8", b"\xff\xd8\xff", b"\x1f\x8b", b"BM", b"MZ")
NOT_A_SPREADSHEET = "not a spreadsheet or CSV file"
# Control characters other than tab/newline/CR: a text export has (next to) none of them.
_CONTROL = {c: None for c in range(32) if chr(c) not in "\t\n\r\f\v"} | {0x7F: None}


@gc_paused()
def read_table(
    data: bytes,
    file_name: str,
    *,
    sheet: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    limits: SheetLimits | None = None,
) -> Table:
    """Read a CSV or workbook. `sheet` picks a workbook sheet (default: the first visible one)
    and is ignored for CSV; `limits` bounds a sheet's used range (default ``SheetLimits()``)."""
    if not data:
        raise FileRefused(f"{file_name} is empty")
    if len(data) > max_bytes:
        raise FileRefused(
            f"{file_name} is {size_words(len(data))}, over the {size_words(max_bytes)} limit "
            "for one file"
        )
    digest = hashlib.sha256(data).hexdigest()
    if data.startswith(ZIP_MAGICS):
        check_zip(data, file_name, max_bytes, limits)
        name, sheets, headers, rows = read_workbook(data, file_name, sheet)
    elif data.startswith(OLE2_MAGIC):
        name, sheets, headers, rows = read_workbook(data, file_name, sheet)
    else:
        name, sheets = None, []
        headers, rows = _read_csv(data, file_name)
    return Table(file_name, digest, len(data), name, sheets, headers, rows)


# --- CSV ---------------------------------------------------------------------------------------


def _read_csv(data: bytes, file_name: str) -> tuple[list[str], list[SourceRow]]:
    codec = _encoding(data, file_name)
    sample = codecs.getincrementaldecoder(codec)().decode(data[:SNIFF_BYTES])
    if len(sample) - len(sample.translate(_CONTROL)) > max(2, len(sample) // 200):
        raise FileRefused(f"{file_name} is {NOT_A_SPREADSHEET} (it holds binary data)")
    # Decoding as we go keeps memory to the rows themselves: no whole-file str (a StringIO
    # of it costs another 4 bytes a character).
    stream = io.TextIOWrapper(io.BytesIO(data), encoding=codec, newline="")
    # Excel writes and hides a "sep=;" first line; it is not a row the user sees.
    first = stream.readline()
    declared = re.fullmatch(r"sep=(.)\r?\n?", first)
    if declared:
        delimiter = declared.group(1)
        lines: Iterable[str] = stream
    else:
        delimiter = _choose_delimiter(sample, len(data) > SNIFF_BYTES)
        lines = itertools.chain([first], stream)
    # A stray control character (XML cannot carry it, PostgreSQL refuses NUL) never reaches a cell.
    lines = map(drop_illegal, lines)
    reader = csv.reader(lines, delimiter=delimiter, quotechar='"', doublequote=True)
    rows: list[SourceRow] = []
    append, new_row = rows.append, tuple.__new__
    headers: list[str] | None = None
    width = 0
    number = 0
    try:
        for number, record in enumerate(reader, start=1):
            first = record[0] if record else ""
            if not first or first.isspace():
                # Perhaps a blank record (it still counts towards the numbering): the whole
                # record is joined only when its first cell is blank.
                joined = "".join(record)
                if not joined or joined.isspace():
                    continue
            if headers is None:
                width = row_width(record)
                check_header(record[:width], number, file_name)
                headers = header_names(record[:width])
                continue
            if len(record) != width:
                if len(record) < width:
                    record += [""] * (width - len(record))
                else:
                    # Extra cells past the header are KEPT (minus trailing blanks, which are
                    # just a trailing delimiter): dropping text silently would lose evidence;
                    # the importer rejects such a row with its row number.
                    while len(record) > width and not record[-1].strip():
                        record.pop()
            # SourceRow(number, cells) without its Python-level __new__ (100,000 rows, 100,000
            # calls).
            append(new_row(SourceRow, (number, tuple(record))))
    except csv.Error as exc:
        raise FileRefused(
            f"{file_name} row {number + 1} cannot be read as CSV ({exc}); is a quote left open?"
        ) from None
    if headers is None:
        raise FileRefused(f"{file_name} has no header row: every row is blank")
    return headers, rows


def _encoding(data: bytes, file_name: str) -> str:
    """The codec of a text export, checked against all of its bytes."""
    for bom, codec in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return _checked(data, codec, file_name)
    if data.startswith(BINARY_SIGNATURES):
        raise FileRefused(f"{file_name} is {NOT_A_SPREADSHEET}")
    head = data[:4096]
    if b"\x00" in head:
        # UTF-16 without a BOM shows as NULs in every other byte of ASCII text.
        half = len(head) // 2
        if half and head[1::2].count(0) > 0.9 * half and not head[0::2].count(0):
            return _checked(data, "utf-16-le", file_name)
        if half and head[0::2].count(0) > 0.9 * half and not head[1::2].count(0):
            return _checked(data, "utf-16-be", file_name)
    if b"\x00" in data:
        raise FileRefused(f"{file_name} is {NOT_A_SPREADSHEET} (it holds NUL bytes)")
    if data.isascii():
        return "utf-8"
    try:
        data.decode("utf-8")  # a check only; the text is decoded again as it is read
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        # Excel's "CSV" on Windows writes Windows-1252 (e.g. "Zoë" as one byte 0xEB).
        data.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError as exc:
        raise FileRefused(
            f"{file_name} is {NOT_A_SPREADSHEET}: byte {exc.start} is neither UTF-8 nor "
            "Windows-1252 text"
        ) from None


def _checked(data: bytes, codec: str, file_name: str) -> str:
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        raise FileRefused(
            f"{file_name} is not valid {codec.upper()} text (byte {exc.start})"
        ) from None
    if "\x00" in text:
        raise FileRefused(f"{file_name} is {NOT_A_SPREADSHEET} (it holds NUL characters)")
    return codec


def _choose_delimiter(sample: str, truncated: bool) -> str:
    """The candidate that splits the header and the sample's records into the same number of
    cells (two or more). csv.Sniffer was tried and rejected: on exports with quoted multi-line
    notes full of commas and semicolons it guesses from character frequency and picks wrong, so
    we parse the sample with each candidate and count. Ties go to quote evidence (a quoted field
    that opens or closes against the candidate), then to the order , ; TAB |."""
    best: tuple[Any, ...] | None = None
    choice = ","
    for rank, delimiter in enumerate(DELIMITERS):
        counts = []
        try:
            for record in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter):
                joined = "".join(record)
                if joined and not joined.isspace():
                    counts.append(len(record))
        except csv.Error:
            pass
        if truncated and len(counts) > 1:
            counts.pop()  # the sample may cut the last record in half
        if not counts:
            continue
        width = counts[0]
        consistency = sum(1 for c in counts if c == width) / len(counts)
        quoted = sample.count(f'"{delimiter}') + sample.count(f'{delimiter}"')
        key = (width >= 2, consistency, quoted, -rank)
        if best is None or key > best:
            best, choice = key, delimiter
    return choice
