"""Reading workbooks (XLSX, XLS, ODS) through python-calamine, with the ZIP checks that refuse a
decompression bomb before calamine inflates anything, and the sheet-size checks (``sheet_size``)
that refuse a sheet too large to hold (a few bytes can name a cell at XFD1048576).

Rows are streamed from calamine (``iter_rows``) into the table's rows, so the sheet is held once
as Python values, not twice (a whole-sheet list of lists and then the rows).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from typing import Any

from python_calamine import CalamineWorkbook, PasswordError, SheetVisibleEnum

from rca.evidence.sheet_size import SheetLimits, SheetSizes
from rca.evidence.table import (
    FileRefused,
    SourceRow,
    cell_text,
    check_header,
    header_names,
    row_width,
    size_words,
)
from rca.xmltext import drop_illegal

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
# A workbook's XML compresses well, but not a thousandfold: real XLSX/ODS parts sit near 5-30x.
MAX_COMPRESSION_RATIO = 200
RATIO_CHECK_FROM = 1024 * 1024  # tiny parts can compress absurdly well and harm nobody
MAX_UNCOMPRESSED = 1024 * 1024 * 1024


def check_zip(
    data: bytes, file_name: str, max_bytes: int, limits: SheetLimits | None = None
) -> None:
    """Refuse a decompression bomb from the ZIP directory BEFORE calamine inflates anything,
    then make sure no entry inflates past what the directory claims (a lying directory), and
    that no sheet's used range is over ``limits`` (measured in the same pass)."""
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
            f"{file_name} would expand to {size_words(total)} (limit {size_words(limit)}): "
            "refused as a possible decompression bomb"
        )
    for entry in entries:
        ratio = entry.file_size / max(entry.compress_size, 1)
        if entry.file_size > RATIO_CHECK_FROM and ratio > MAX_COMPRESSION_RATIO:
            raise FileRefused(
                f"{file_name}: part {entry.filename} is compressed {ratio:.0f} to 1: "
                "refused as a possible decompression bomb"
            )
    sizes = SheetSizes(archive, file_name, limits or SheetLimits())
    # Inflate every part once, in 1 MB chunks, so a directory that understates a part (a
    # disguised bomb) is caught here and not inside calamine. CPython's zipfile stops at the
    # declared size and then fails the CRC; the byte count is a second guard. A sheet's chunks
    # also go to its size check on the way.
    for entry in entries:
        inflated = 0
        bound = sizes.quick(entry)
        try:
            with archive.open(entry) as part:
                while chunk := part.read(1024 * 1024):
                    inflated += len(chunk)
                    if inflated > entry.file_size:
                        raise zipfile.BadZipFile("it inflates past its declared size")
                    if bound is not None:
                        bound.feed(chunk)
        except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError) as exc:
            raise FileRefused(
                f"{file_name}: part {entry.filename} does not match its ZIP directory ({exc}): "
                "damaged, or a disguised decompression bomb"
            ) from None
        sizes.check(entry, bound)


def read_workbook(
    data: bytes, file_name: str, sheet: str | None
) -> tuple[str, list[str], list[str], list[SourceRow]]:
    """The sheet's name, every sheet's name, the header and the rows, streamed from calamine
    (ZIP workbooks have passed ``check_zip`` first: calamine holds a whole sheet)."""
    with _calamine_errors(file_name):
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = list(book.sheet_names)
        name = _pick_sheet(book, sheets, sheet, file_name)
        found = book.get_sheet_by_name(name)
        # iter_rows yields from the sheet's first row but from its first USED column: put the
        # blank columns before it back, so the columns are the ones the user sees.
        lead: list[Any] = [None] * found.start[1] if found.start else []
        headers: list[str] | None = None
        width = 0
        rows: list[SourceRow] = []
        pool = _CellPool()
        for number, raw in enumerate(found.iter_rows(), start=1):  # index 0 is row 1
            cells = [*lead, *map(_workbook_cell, raw)] if lead else list(map(_workbook_cell, raw))
            pool.share(cells)
            last = row_width(cells)
            if not last:
                continue
            if headers is None:
                width = last
                check_header(cells[:width], number, f"{file_name} sheet {name!r}")
                headers = header_names([cell_text(c) for c in cells[:width]])
                continue
            # Same rule as CSV: keep cells past the header only when they hold something.
            del cells[max(width, last) :]
            cells += [None] * (width - len(cells))
            rows.append(SourceRow(number, tuple(cells)))
    if headers is None:
        raise FileRefused(f"{file_name} sheet {name!r} has no header row: the sheet is empty")
    return name, sheets, headers, rows


class _CellPool:
    """One object per distinct cell value in a column, while the column repeats itself.

    calamine makes a new Python object for every cell; a 350,000-row sheet whose date, time,
    staff and reference columns hold a few hundred values each then keeps millions of equal
    copies. Sharing them roughly halves the table's memory. A column that turns out to be
    (nearly) unique, like free-text notes, stops being pooled at POOL_LIMIT values.
    """

    POOL_LIMIT = 20_000
    # Only types that never compare equal to one another (1 == 1.0 == True would swap types).
    POOLED = frozenset({str, datetime, date, time})

    def __init__(self) -> None:
        self.pools: list[dict[Any, Any] | None] = []

    def share(self, cells: list[Any]) -> None:
        pools = self.pools
        if len(pools) < len(cells):
            pools.extend({} for _ in range(len(cells) - len(pools)))
        for i, value in enumerate(cells):
            pool = pools[i]
            if pool is None or type(value) not in self.POOLED:
                continue
            cells[i] = pool.setdefault(value, value)
            if len(pool) > self.POOL_LIMIT:
                pools[i] = None


@contextmanager
def _calamine_errors(file_name: str) -> Iterator[None]:
    """calamine's errors (while opening or while streaming rows) as one-line FileRefused."""
    try:
        yield
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
    if type(value) is str:
        value = drop_illegal(value)  # a cell saved as "_x0000_" reads back as a NUL
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
