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
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from python_calamine import CalamineWorkbook, PasswordError, SheetVisibleEnum

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
# A workbook's XML compresses well, but not a thousandfold: real XLSX/ODS parts sit near 5-30x.
MAX_COMPRESSION_RATIO = 200
RATIO_CHECK_FROM = 1024 * 1024  # tiny parts can compress absurdly well and harm nobody
MAX_UNCOMPRESSED = 1024 * 1024 * 1024
DELIMITERS = (",", ";", "\t", "|")
SNIFF_BYTES = 64 * 1024
BINARY_SIGNATURES = (b"\x89PNG", b"%PDF", b"GIF8", b"\xff\xd8\xff", b"\x1f\x8b", b"BM", b"MZ")
NOT_A_SPREADSHEET = "not a spreadsheet or CSV file"
# Control characters other than tab/newline/CR: a text export has (next to) none of them.
_CONTROL = {c: None for c in range(32) if chr(c) not in "\t\n\r\f\v"} | {0x7F: None}
# A first row made only of numbers, dates and times is data, not column names.
_DATA_LIKE = re.compile(r"[\d\s/:.,+\-]+")
_SPACES = re.compile(r"\s+")


class FileRefused(Exception):
    """The file as a whole cannot be used. str(exc) is ONE line saying why (and where)."""

    def __init__(self, reason: str) -> None:
        super().__init__(_SPACES.sub(" ", reason).strip())


@dataclass(frozen=True, slots=True)
class SourceRow:
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


def read_table(
    data: bytes,
    file_name: str,
    *,
    sheet: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Table:
    """Read a CSV or workbook. `sheet` picks a workbook sheet (default: the first visible one)
    and is ignored for CSV."""
    if not data:
        raise FileRefused(f"{file_name} is empty")
    if len(data) > max_bytes:
        raise FileRefused(
            f"{file_name} is {_size(len(data))}, over the {_size(max_bytes)} limit for one file"
        )
    digest = hashlib.sha256(data).hexdigest()
    if data.startswith(ZIP_MAGICS):
        _check_zip(data, file_name, max_bytes)
        name, sheets, headers, rows = _read_workbook(data, file_name, sheet)
    elif data.startswith(OLE2_MAGIC):
        name, sheets, headers, rows = _read_workbook(data, file_name, sheet)
    else:
        name, sheets = None, []
        headers, rows = _read_csv(data, file_name)
    return Table(file_name, digest, len(data), name, sheets, headers, rows)


def cell_text(value: Any) -> str:
    """The cell as a person would read it: "" for blank, UK dates, whole numbers without ".0"."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
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


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MB"
    return f"{n:,} bytes"


# --- headers -----------------------------------------------------------------------------------


def _headers(cells: list[str]) -> list[str]:
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


def _check_header(cells: list[Any], number: int, file_name: str) -> None:
    filled = [c for c in cells if c is not None and not (isinstance(c, str) and not c.strip())]
    if len(filled) >= 2 and all(
        not isinstance(c, str) or _DATA_LIKE.fullmatch(c.strip()) for c in filled
    ):
        raise FileRefused(
            f"{file_name} has no header row: row {number} holds data "
            f"({', '.join(cell_text(c) for c in filled[:3])}…), not column names"
        )


def _width(cells: list[Any]) -> int:
    """Columns up to the last named one: a trailing delimiter or formatted-but-empty cells do
    not make a column."""
    width = len(cells)
    while width and _blank(cells[width - 1]):
        width -= 1
    return width


def _blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


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
    reader = csv.reader(lines, delimiter=delimiter, quotechar='"', doublequote=True)
    rows: list[SourceRow] = []
    append = rows.append
    headers: list[str] | None = None
    width = 0
    number = 0
    try:
        for number, record in enumerate(reader, start=1):
            joined = "".join(record)
            if not joined or joined.isspace():
                continue  # a blank record still counts towards the numbering
            if headers is None:
                width = _width(record)
                _check_header(record[:width], number, file_name)
                headers = _headers(record[:width])
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
            append(SourceRow(number, tuple(record)))
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


# --- workbooks ---------------------------------------------------------------------------------


def _check_zip(data: bytes, file_name: str, max_bytes: int) -> None:
    """Refuse a decompression bomb from the ZIP directory BEFORE calamine inflates anything,
    then make sure no entry inflates past what the directory claims (a lying directory)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise FileRefused(f"{file_name} is a damaged ZIP/XLSX file ({exc})") from None
    names = {e.filename for e in entries}
    if "[Content_Types].xml" not in names and "mimetype" not in names:
        raise FileRefused(
            f"{file_name} is a ZIP archive, not an Excel (.xlsx) or OpenDocument (.ods) workbook"
        )
    limit = min(MAX_UNCOMPRESSED, max(20 * max_bytes, 64 * 1024 * 1024))
    total = sum(e.file_size for e in entries)
    if total > limit:
        raise FileRefused(
            f"{file_name} would expand to {_size(total)} (limit {_size(limit)}): "
            "refused as a possible decompression bomb"
        )
    for entry in entries:
        ratio = entry.file_size / max(entry.compress_size, 1)
        if entry.file_size > RATIO_CHECK_FROM and ratio > MAX_COMPRESSION_RATIO:
            raise FileRefused(
                f"{file_name}: part {entry.filename} is compressed {ratio:.0f} to 1: "
                "refused as a possible decompression bomb"
            )
    # Inflate every part once, in 1 MB chunks, so a directory that understates a part (a
    # disguised bomb) is caught here and not inside calamine. CPython's zipfile stops at the
    # declared size and then fails the CRC; the byte count is a second guard.
    for entry in entries:
        inflated = 0
        try:
            with archive.open(entry) as part:
                while chunk := part.read(1024 * 1024):
                    inflated += len(chunk)
                    if inflated > entry.file_size:
                        raise zipfile.BadZipFile("it inflates past its declared size")
        except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError) as exc:
            raise FileRefused(
                f"{file_name}: part {entry.filename} does not match its ZIP directory ({exc}): "
                "damaged, or a disguised decompression bomb"
            ) from None


def _read_workbook(
    data: bytes, file_name: str, sheet: str | None
) -> tuple[str, list[str], list[str], list[SourceRow]]:
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = list(book.sheet_names)
        name = _pick_sheet(book, sheets, sheet, file_name)
        grid = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except FileRefused:
        raise
    except PasswordError:
        raise FileRefused(f"{file_name} is password-protected; save it without one") from None
    except BaseException as exc:
        # calamine reports malformed files with its own errors and, for some, a Rust panic
        # (pyo3's PanicException derives from BaseException). Let real interrupts through.
        if isinstance(exc, KeyboardInterrupt | SystemExit | GeneratorExit | MemoryError):
            raise
        raise FileRefused(f"{file_name} could not be read as a workbook ({exc})") from None
    headers: list[str] | None = None
    width = 0
    rows: list[SourceRow] = []
    for number, raw in enumerate(grid, start=1):  # skip_empty_area=False: index 0 is row 1
        cells = [_workbook_cell(c) for c in raw]
        last = _width(cells)
        if not last:
            continue
        if headers is None:
            width = last
            _check_header(cells[:width], number, f"{file_name} sheet {name!r}")
            headers = _headers([cell_text(c) for c in cells[:width]])
            continue
        # Same rule as CSV: keep cells past the header only when they hold something.
        cells = cells[: max(width, last)]
        cells += [None] * (width - len(cells))
        rows.append(SourceRow(number, tuple(cells)))
    if headers is None:
        raise FileRefused(f"{file_name} sheet {name!r} has no header row: the sheet is empty")
    return name, sheets, headers, rows


def _pick_sheet(book: CalamineWorkbook, sheets: list[str], wanted: str | None, fn: str) -> str:
    if not sheets:
        raise FileRefused(f"{fn} has no sheets")
    if wanted is None or not wanted.strip():
        visible = [m.name for m in book.sheets_metadata if m.visible == SheetVisibleEnum.Visible]
        return (visible or sheets)[0]
    if wanted in sheets:
        return wanted
    folded = [s for s in sheets if s.strip().casefold() == wanted.strip().casefold()]
    if len(folded) == 1:
        return folded[0]
    listed = ", ".join(repr(s) for s in sheets)
    raise FileRefused(f"{fn} has no sheet {wanted!r}; its sheets are {listed}")


def _workbook_cell(value: Any) -> Any:
    if value == "" and isinstance(value, str):
        return None
    if type(value) is float and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if isinstance(value, timedelta):
        # A duration cell ([h]:mm). Under a day it reads as a clock time; longer stays text.
        if timedelta(0) <= value < timedelta(days=1):
            return (datetime.min + value).time()
        hours, rest = divmod(int(value.total_seconds()), 3600)
        return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"
    return value
