"""How large a workbook's sheets are, measured from their XML before calamine reads them.

calamine holds a sheet as one dense grid from its first to its last used cell (about 32 bytes a
cell, blank or not), so a 1.6 KB file with one cell at XFD1048576 asks for 512 GiB and the Rust
allocator aborts the whole process. The ZIP checks only see bytes; this module sees cells: each
part of the archive is scanned as it is inflated (once, in the ZIP check's 1 MB chunks) and a
sheet whose used range is over the cell budget (``SheetLimits``) is refused, naming the sheet,
its range and the limit.

XLSX/XLSM, quickly then exactly. The quick test proves a bound without parsing: in the common
export every cell tag is written ``<c r="B12"`` (reference first, plain letters and digits), so
three rarely-matching regular expressions over the raw bytes say whether any cell tag is written
otherwise, lies right of the widest column seen in the first chunk, or lies below the rows that
width leaves within the budget. When none matches the sheet fits. Anything else (namespace
prefixes, cells without ``r``, one far cell, even a blank styled one) is measured exactly with a
real XML parser (defusedxml's SAX reader: no DTDs, no entities), following calamine's rules:
a cell's position is its ``r``, else the one after the previous cell of its row; only cells with
a value (``<v>`` or ``<is>``) count (``rca.evidence.sheet_cells``). The ``<dimension>`` element
is not trusted: calamine ignores it for the range and a file can claim anything there.

ODS: calamine reads every table of content.xml when it opens the file and expands
``number-columns-repeated`` cells that hold a value and ``number-rows-repeated`` rows between
used rows, so content.xml is always measured exactly (blank repeats at the end of rows and
tables, which LibreOffice writes by the million, cost nothing and do not count). A ``text:s``
asking for millions of spaces is refused too.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from xml.sax import SAXException
from xml.sax.handler import ContentHandler

import defusedxml.ElementTree
import defusedxml.sax
from defusedxml import DefusedXmlException

from rca.evidence.sheet_cells import (
    COLUMN_LETTERS,
    CellRefusal,
    OdsCells,
    XlsxCells,
    column_letters,
    column_number,
)
from rca.evidence.table import FileRefused

_WS = rb"[ \t\r\n]"
#: A cell tag written the usual way: ``<c r="A1"`` followed by a delimiter.
_STANDARD = rb'<c r="([A-Z]{1,3})[1-9][0-9]{0,6}"[ \t\r\n/>]'
#: After ``<c``: a cell tag not written the usual way (the quick test cannot bound it).
_UNUSUAL = rb'(?=[ \t\r\n/>])(?! r="[A-Z]{1,3}[1-9][0-9]{0,6}"[ \t\r\n/>])'
#: The end of a namespace-prefixed cell tag (``<x:c``): any at all sends the part to the parser.
_PREFIXED = re.compile(rb":c[ \t\r\n/>]")
#: The folders calamine takes sheets from (it refuses a sheet whose part lies elsewhere).
_SHEET_FOLDERS = ("xl/worksheets/", "xl/chartsheets/", "xl/dialogsheets/")
_DIGITS = "0123456789"
#: Bytes kept from the end of one chunk for the next: every pattern fits in it.
_TAIL = 64


@dataclass(frozen=True)
class SheetLimits:
    """The largest sheet read: rows x columns of its used range, and its columns."""

    cells: int = 10_000_000
    columns: int = 1_000


def _greater(value: str, alphabet: str, width: int) -> str:
    """A regular expression for strings over ``alphabet`` that sort after ``value``: longer
    ones (up to ``width`` characters, or any length with width 0), or as long and greater."""
    longer = f"[{alphabet[0]}-{alphabet[-1]}]{{{len(value) + 1},{width or ''}}}"
    alternatives = [longer] if not width or len(value) < width else []
    for i, ch in enumerate(value):
        following = alphabet.index(ch) + 1
        if following < len(alphabet):
            rest = len(value) - i - 1
            tail = f"[{alphabet[0]}-{alphabet[-1]}]{{{rest}}}" if rest else ""
            alternatives.append(f"{value[:i]}[{alphabet[following]}-{alphabet[-1]}]{tail}")
    return "|".join(alternatives) or "(?!)"


def _beyond(columns: int, rows: int) -> re.Pattern[bytes]:
    """Cell tags the quick test cannot vouch for: unusual ones (group ``odd``), and usual ones
    right of ``columns`` (group ``column``: its letters) or below ``rows``."""
    right = _greater(column_letters(columns), COLUMN_LETTERS, 3)
    below = _greater(str(rows), _DIGITS, 0)
    # One literal start (``<c``) for every alternative keeps the search fast.
    return re.compile(
        b"<c(?:(?P<odd>)"
        + _UNUSUAL
        + b'| r="(?P<column>'
        + right.encode()
        + b")[0-9]"
        + b'| r="[A-Z]{1,3}(?:'
        + below.encode()
        + b')")'
    )


class _QuickBound:
    """Feeds on one part's chunks; ``holds`` is False unless every cell is proved in range.

    The widest column is taken from the first chunk holding cells. A wider one later (a column
    filled only further down) widens it, and then the whole part is checked again against the
    rows the final width leaves (``recheck``): still a regular-expression pass, not a parse.
    """

    def __init__(self, limits: SheetLimits):
        self.limits = limits
        self.tail = b""
        self.beyond: re.Pattern[bytes] | None = None
        self.widest = 0
        self.widened = False
        self.holds = True

    def _window(self, chunk: bytes, last: bool) -> bytes | None:
        """This chunk with the unfinished tag of the last one, cut before an unfinished tag of
        its own (kept for the next); None once a prefixed cell tag is seen."""
        data = self.tail + chunk
        if _PREFIXED.search(data):
            self.holds = False
            return None
        # Keep two bytes anyway, so a ":c" split between chunks is still seen.
        cut = -1 if last else data.rfind(b"<", max(0, len(data) - _TAIL))
        self.tail, data = (data[cut:], data[:cut]) if cut >= 0 else (data[-2:], data)
        return data

    def feed(self, chunk: bytes, last: bool = False) -> None:
        data = self._window(chunk, last) if self.holds else None
        if data is None:
            return
        if self.beyond is None:
            widest = max(
                (column_number(c.decode()) for c in re.findall(_STANDARD, data)), default=0
            )
            if not widest and not last and not re.search(b"<c" + _UNUSUAL, data):
                return  # no cells yet (the sheet's heading parts): decide on the next chunk
            self._widen(max(widest, 1))
        if self.holds and self.beyond is not None and self.beyond.search(data):
            found = list(self.beyond.finditer(data))
            if any(m.group("column") is None for m in found):
                self.holds = False  # unusual, or too far down for the width
                return
            self.widened = True
            self._widen(max(column_number(m.group("column").decode()) for m in found))
            if self.holds and self.beyond is not None and self.beyond.search(data):
                self.holds = False

    def _widen(self, widest: int) -> None:
        self.widest = max(self.widest, widest)
        if self.widest > self.limits.columns:
            self.holds = False
        else:
            self.beyond = _beyond(self.widest, self.limits.cells // self.widest)

    def recheck(self, chunks: Iterator[bytes]) -> None:
        """After a widening: every cell of the part against the final width's rows."""
        self.tail = b""
        for chunk in chunks:
            data = self._window(chunk, last=False)
            if data is None or (self.beyond is not None and self.beyond.search(data)):
                self.holds = False
                return
        if self.beyond is not None and self.beyond.search(self.tail):
            self.holds = False


def _chunks(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> Iterator[bytes]:
    with archive.open(entry) as part:
        while chunk := part.read(1024 * 1024):
            yield chunk


def _parse(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, handler: ContentHandler) -> None:
    parser = defusedxml.sax.make_parser()
    parser.setContentHandler(handler)
    for chunk in _chunks(archive, entry):
        parser.feed(chunk)
    parser.close()


class SheetSizes:
    """Measures the sheets of one ZIP workbook as check_zip inflates its parts."""

    def __init__(self, archive: zipfile.ZipFile, file_name: str, limits: SheetLimits):
        self.archive, self.file_name, self.limits = archive, file_name, limits
        names = {e.filename.lower(): e.filename for e in archive.infolist()}
        self.ods = "content.xml" in names and "mimetype" in names
        self.xlsx = "[content_types].xml" in names
        binary = [n for n in names if n.endswith(".bin") and "worksheets/" in n]
        if self.xlsx and ("xl/workbook.bin" in names or binary):
            raise FileRefused(
                f"{file_name} is a binary Excel workbook (.xlsb), which cannot be read here: "
                "save it as .xlsx"
            )
        self._sheet_names: dict[str, str] | None = None

    def quick(self, entry: zipfile.ZipInfo) -> _QuickBound | None:
        """A quick bound to feed with this part's chunks (an XLSX sheet's part), or None."""
        name = entry.filename.replace("\\", "/").lower()
        return _QuickBound(self.limits) if self.xlsx and name.startswith(_SHEET_FOLDERS) else None

    def check(self, entry: zipfile.ZipInfo, bound: _QuickBound | None) -> None:
        """After the part was inflated: measure it exactly unless the quick bound held."""
        try:
            if self.ods and entry.filename == "content.xml":
                tables = OdsCells()
                _parse(self.archive, entry, tables)
                for table in tables.tables:
                    self._judge(table.name, table.rows, table.columns)
            if bound is not None:
                bound.feed(b"", last=True)
                if bound.holds and bound.widened:
                    bound.recheck(_chunks(self.archive, entry))
                if not bound.holds:
                    cells = XlsxCells()
                    _parse(self.archive, entry, cells)
                    self._judge(self._label(entry.filename), cells.rows, cells.columns)
        except CellRefusal as exc:
            raise FileRefused(f"{self.file_name}: {exc}; refused before reading it") from None
        except (SAXException, DefusedXmlException, ValueError) as exc:
            raise FileRefused(
                f"{self.file_name}: part {entry.filename} is not well-formed XML ({exc})"
            ) from None

    def _judge(self, sheet: str, rows: int, columns: int) -> None:
        limits = self.limits
        if rows * columns <= limits.cells and columns <= limits.columns:
            return
        corner = f"A1:{column_letters(columns)}{rows}"
        raise FileRefused(
            f"{self.file_name} sheet {sheet!r} uses the range {corner}: {rows:,} rows × "
            f"{columns:,} columns = {rows * columns:,} cells, over the limit of "
            f"{limits.cells:,} cells and {limits.columns:,} columns for one sheet. Nothing was "
            "read. Delete the stray cells beyond the data (Ctrl+End goes to the last one, in "
            "Excel and LibreOffice) and save the file again, or export fewer rows."
        )

    def _label(self, part: str) -> str:
        """The sheet's name as the workbook calls it, else the part's name."""
        if self._sheet_names is None:
            self._sheet_names = _xlsx_sheet_names(self.archive)
        return self._sheet_names.get(part.lower(), part)


def _xlsx_sheet_names(archive: zipfile.ZipFile) -> dict[str, str]:
    """{part path (lower case): sheet name} from xl/workbook.xml and its relationships."""
    try:
        rels = _small_xml(archive, "xl/_rels/workbook.xml.rels")
        book = _small_xml(archive, "xl/workbook.xml")
    except (KeyError, SAXException, DefusedXmlException, SyntaxError, ValueError):
        return {}
    targets = {}
    for rel in rels.iter():
        if rel.tag.rpartition("}")[2] == "Relationship" and rel.get("Target"):
            target = rel.get("Target", "").replace("\\", "/")
            path = target.lstrip("/") if target.startswith("/") else "xl/" + target
            targets[rel.get("Id")] = path.lower()
    names = {}
    for sheet in book.iter():
        if sheet.tag.rpartition("}")[2] != "sheet":
            continue
        rid = next((v for k, v in sheet.attrib.items() if k.rpartition("}")[2] == "id"), None)
        if rid in targets and sheet.get("name"):
            names[targets[rid]] = sheet.get("name", "")
    return names


def _small_xml(archive: zipfile.ZipFile, name: str):  # type: ignore[no-untyped-def]
    entry = archive.getinfo(name)
    if entry.file_size > 4 * 1024 * 1024:
        raise ValueError("too large to be a workbook's index")
    return defusedxml.ElementTree.fromstring(archive.read(entry))
