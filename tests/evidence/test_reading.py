"""read_table against real files: CSV bytes written by the csv module in every encoding and
delimiter, XLSX written by xlsxwriter, an ODS written by hand, and files that must be refused."""

from __future__ import annotations

import csv
import hashlib
import io
import re
import struct
import zipfile
from datetime import date, datetime, time

import pytest
import xlsxwriter
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from rca.evidence.reading import FileRefused, SourceRow, cell_text, read_table

from ._importing import ods_bytes

ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "cp1252"]
DELIMITERS = [",", ";", "\t", "|"]
HEADER = ["Date", "Carer", "Person", "Note"]
ROWS = [
    ["03/03/2026 08:15", "Zoë Brontë", "P001", 'Said "no" to breakfast, ate later; fine'],
    ["03/03/2026 12:30", "Sam O'Neil", "P002", "Line one\nline two, with comma\nline three"],
    ["04/03/2026 20:00", "Ana | Bea", "P001", "tab\there; semi"],
]


def write_csv(rows: list[list[str]], delimiter: str = ",", encoding: str = "utf-8", **kw) -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, **kw).writerows(rows)
    return buffer.getvalue().encode(encoding)


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("delimiter", DELIMITERS)
@pytest.mark.parametrize("quoting", [csv.QUOTE_MINIMAL, csv.QUOTE_ALL])
def test_csv_in_every_encoding_delimiter_and_quoting(encoding, delimiter, quoting):
    data = write_csv([HEADER, *ROWS], delimiter, encoding, quoting=quoting)
    table = read_table(data, "notes.csv")
    assert table.headers == HEADER
    assert [r.cells for r in table.rows] == [tuple(r) for r in ROWS]
    # The second record spans three physical lines and is still row 3.
    assert [r.number for r in table.rows] == [2, 3, 4]
    assert (table.sheet, table.sheets, table.file_name) == (None, [], "notes.csv")
    assert table.sha256 == hashlib.sha256(data).hexdigest() and table.size == len(data)


def test_windows_1252_from_excel_keeps_accents():
    data = "Name;Role\r\nZoë Brontë;Senior carer – nights\r\n".encode("cp1252")
    assert b"\xeb" in data  # really one byte, not UTF-8
    table = read_table(data, "staff.csv")
    assert table.rows == [SourceRow(2, ("Zoë Brontë", "Senior carer – nights"))]


def test_utf16_without_bom_and_old_mac_line_endings():
    table = read_table("A\tB\r1\t2\r".encode("utf-16-le"), "x.csv")
    assert table.headers == ["A", "B"] and table.rows == [SourceRow(2, ("1", "2"))]


def test_blank_records_count_towards_row_numbers_but_are_not_returned():
    data = b"\n\nDate,Note\n\n01/01/2026,a\n , \n,\n02/01/2026,b\n"
    table = read_table(data, "x.csv")
    assert table.headers == ["Date", "Note"]
    assert table.rows == [SourceRow(5, ("01/01/2026", "a")), SourceRow(8, ("02/01/2026", "b"))]


def test_short_rows_padded_long_rows_keep_their_extra_cells():
    data = b"A,B,C,\n1\n1,2,3,4,\n1,2,3,,\n"
    table = read_table(data, "x.csv")
    assert table.headers == ["A", "B", "C"]  # a trailing delimiter is not a column
    assert [r.cells for r in table.rows] == [("1", "", ""), ("1", "2", "3", "4"), ("1", "2", "3")]


def test_headers_are_cleaned_named_and_deduplicated():
    data = '\ufeff\ufeff Name ,,Name,"Date\nof visit",Name (2),Name\n1,2,3,4,5,6\n'.encode()
    table = read_table(data, "x.csv")
    assert table.headers == [
        "Name",
        "Column 2",
        "Name (3)",
        "Date of visit",
        "Name (2)",
        "Name (4)",
    ]


def test_excel_sep_line_sets_the_delimiter_and_is_not_a_row():
    table = read_table(b"sep=|\r\nA|B\r\n1,5|2;6\r\n", "x.csv")
    assert table.headers == ["A", "B"] and table.rows == [SourceRow(2, ("1,5", "2;6"))]


def test_delimiter_chosen_over_commas_inside_semicolon_data():
    data = "Date;Note;Staff\n01/01/2026;ate well, drank, slept;Ann\n02/01/2026;ok, calm;Bo\n"
    table = read_table(data.encode(), "x.csv")
    assert table.headers == ["Date", "Note", "Staff"]
    assert table.rows[0].cells == ("01/01/2026", "ate well, drank, slept", "Ann")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "x.csv is empty"),
        (b"\n \n\r\n", "no header row: every row is blank"),
        (b"1,2,3\n4,5,6\n", "no header row: row 1 holds data"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "not a spreadsheet or CSV file"),
        (b"A,B\n\x81\x8d\x90\xff\n", "not a spreadsheet or CSV file: byte 4"),
        (b"A,B\n1,2\x00\x00\x01\x02\x03\x04\x05\x06\x07", "not a spreadsheet or CSV file"),
        (b'A,B\n1,"' + b"x" * 200_000, "row 2 cannot be read as CSV"),
        (b"PK\x03\x04not really a zip", "damaged ZIP"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "could not be read as a workbook"),
    ],
)
def test_files_refused_with_a_one_line_reason(data, reason):
    with pytest.raises(FileRefused) as refused:
        read_table(data, "x.csv")
    assert reason in str(refused.value) and "\n" not in str(refused.value)


def test_file_over_the_limit_is_refused_before_reading():
    with pytest.raises(FileRefused, match="2,001 bytes, over the 2,000 bytes limit"):
        read_table(b"A\n" + b"x" * 1999, "big.csv", max_bytes=2000)


# --- workbooks ---------------------------------------------------------------------------------


def make_xlsx() -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.add_worksheet("Cover").write(0, 0, "Exported by CareSys")
    sheet = book.add_worksheet("Visits")
    day = book.add_format({"num_format": "dd/mm/yyyy"})
    stamp = book.add_format({"num_format": "dd/mm/yyyy hh:mm"})
    clock = book.add_format({"num_format": "hh:mm"})
    sheet.write_row(2, 0, ["Date", "When", "Start", "Carer", "Hours", "Done", "Text date"])
    sheet.write_datetime(3, 0, date(2026, 3, 3), day)
    sheet.write_datetime(3, 1, datetime(2026, 3, 3, 14, 30), stamp)
    sheet.write_datetime(3, 2, time(7, 45), clock)
    sheet.write_row(3, 3, ["Zoë", 7.5, True])
    sheet.write_string(3, 6, "03/03/2026")
    sheet.write_string(4, 3, "Multi\nline")
    sheet.write_number(4, 4, 8)
    sheet.write(6, 3, "Bo")  # row 6 is blank; row 7 has an extra cell past the header
    sheet.write(6, 8, "stray")
    book.close()
    return buffer.getvalue()


def test_xlsx_cells_keep_their_types_and_row_numbers():
    data = make_xlsx()
    table = read_table(data, "visits.xlsx", sheet="Visits")
    assert table.sheet == "Visits" and table.sheets == ["Cover", "Visits"]
    assert table.headers == ["Date", "When", "Start", "Carer", "Hours", "Done", "Text date"]
    assert table.rows == [
        SourceRow(
            4,
            (
                date(2026, 3, 3),
                datetime(2026, 3, 3, 14, 30),
                time(7, 45),
                "Zoë",
                7.5,
                True,
                "03/03/2026",
            ),
        ),
        SourceRow(5, (None, None, None, "Multi\nline", 8, None, None)),
        SourceRow(7, (None, None, None, "Bo", None, None, None, None, "stray")),
    ]


def test_xlsx_default_sheet_is_the_first_and_names_match_case_insensitively():
    data = make_xlsx()
    assert read_table(data, "v.xlsx").sheet == "Cover"
    assert read_table(data, "v.xlsx", sheet=" visits ").sheet == "Visits"


def test_unknown_sheet_lists_the_sheets():
    with pytest.raises(FileRefused, match=r"has no sheet 'Rota'; its sheets are 'Cover', 'Visits'"):
        read_table(make_xlsx(), "v.xlsx", sheet="Rota")


def test_empty_sheet_has_no_header_row():
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.add_worksheet("Empty")
    book.close()
    with pytest.raises(FileRefused, match="sheet 'Empty' has no header row"):
        read_table(buffer.getvalue(), "e.xlsx")


def make_ods() -> bytes:
    ns = (
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
    )

    def cell(kind: str, attrs: str, shown: str) -> str:
        return (
            f'<table:table-cell office:value-type="{kind}" {attrs}><text:p>{shown}</text:p>'
            "</table:table-cell>"
        )

    header = "".join(cell("string", "", h) for h in ("Date", "Staff", "Hours"))
    row = (
        cell("date", 'office:date-value="2026-03-03T20:00:00"', "03/03/2026 20:00")
        + cell("string", "", "Zoë")
        + cell("float", 'office:value="11.5"', "11.5")
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns} '
        'office:version="1.2"><office:body><office:spreadsheet><table:table table:name="Rota">'
        f"<table:table-row>{header}</table:table-row><table:table-row>{row}</table:table-row>"
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    return ods_bytes(content)


def test_ods_is_read_by_content_not_name():
    table = read_table(make_ods(), "rota.csv")  # a misleading name changes nothing
    assert (table.sheet, table.headers) == ("Rota", ["Date", "Staff", "Hours"])
    assert table.rows == [SourceRow(2, (datetime(2026, 3, 3, 20, 0), "Zoë", 11.5))]


def bomb(size: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * size)
    return buffer.getvalue()


def test_zip_bomb_refused_from_its_directory():
    data = bomb(100 * 1024 * 1024)
    assert len(data) < 200_000
    with pytest.raises(FileRefused, match="decompression bomb"):
        read_table(data, "report.xlsx")


def test_zip_bomb_refused_by_ratio_under_the_total_limit():
    with pytest.raises(FileRefused, match=r"sheet1.xml is compressed \d+ to 1"):
        read_table(bomb(8 * 1024 * 1024), "report.xlsx")


def test_zip_whose_directory_understates_a_part_is_refused():
    data = bytearray(bomb(3 * 1024 * 1024))
    # Rewrite the part's declared uncompressed size (central directory offset 24, local
    # header offset 22) to 1 KB: the directory now looks harmless.
    for signature, field in ((b"PK\x01\x02", 24), (b"PK\x03\x04", 22)):
        start = 0
        while (start := data.find(signature, start)) >= 0:
            if struct.unpack_from("<I", data, start + field)[0] == 3 * 1024 * 1024:
                struct.pack_into("<I", data, start + field, 1024)
            start += 4
    with pytest.raises(FileRefused, match="sheet1.xml does not match its ZIP directory"):
        read_table(bytes(data), "report.xlsx")


def test_plain_zip_is_not_a_workbook():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("photo.txt", "hi")
    with pytest.raises(FileRefused, match="ZIP archive, not an Excel"):
        read_table(buffer.getvalue(), "x.xlsx")


def test_cell_text_reads_like_a_person():
    assert [
        cell_text(v)
        for v in (
            None,
            "a",
            7,
            7.0,
            7.25,
            True,
            date(2026, 3, 3),
            datetime(2026, 3, 3, 9, 5),
            time(7, 45, 30),
        )
    ] == ["", "a", "7", "7", "7.25", "TRUE", "03/03/2026", "03/03/2026 09:05", "07:45:30"]


# --- property: any table of text survives the round trip -------------------------------------

_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(blacklist_categories=("Cs", "Cc")),
        st.sampled_from(list(",;|\t\"\n\r 'éëŽ€")),
    ),
    max_size=12,
)
_DATA_LIKE = re.compile(r"[\d\s/:.,+\-]+")


def _blank(row: list[str]) -> bool:
    return not "".join(row).strip()


def _rectangular(text: str, delimiter: str) -> bool:
    records = [
        r for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter) if not _blank(r)
    ]
    return len(records[0]) >= 2 and all(len(r) == len(records[0]) for r in records)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    width=st.integers(2, 5),
    data=st.data(),
    encoding=st.sampled_from(ENCODINGS),
    delimiter=st.sampled_from(DELIMITERS),
    quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]),
)
def test_any_text_table_round_trips_or_is_refused(width, data, encoding, delimiter, quoting):
    header = data.draw(st.lists(_TEXT, min_size=width, max_size=width))
    body = data.draw(st.lists(st.lists(_TEXT, min_size=width, max_size=width), max_size=6))
    assume(header[-1].strip())  # a blank last header cell is not a column, by design
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, quoting=quoting).writerows([header, *body])
    text = buffer.getvalue()
    try:
        raw = text.encode(encoding)
    except UnicodeEncodeError:
        assume(False)
    if encoding == "cp1252" and not raw.isascii():
        # Windows-1252 bytes that happen to be valid UTF-8 are read as UTF-8, by design.
        try:
            raw.decode("utf-8")
            assume(False)
        except UnicodeDecodeError:
            pass
    # A file that reads as a rectangular table under two delimiters is ambiguous in itself.
    assume(not any(_rectangular(text, d) for d in DELIMITERS if d != delimiter))

    try:
        table = read_table(raw, "random.csv")
    except FileRefused as refused:
        event("refused: data-like first row")
        filled = [c for c in header if c.strip()]
        assert "no header row" in str(refused)
        assert len(filled) >= 2 and all(_DATA_LIKE.fullmatch(c.strip()) for c in filled)
        return
    cleaned = [
        " ".join(h.replace("\ufeff", "").split()) or f"Column {i}"
        for i, h in enumerate(header, start=1)
    ]
    assert len(table.headers) == width and len(set(table.headers)) == width
    for got, name in zip(table.headers, cleaned, strict=True):
        assert got == name or re.fullmatch(re.escape(name) + r" \(\d+\)", got)
    event(f"read {len(table.rows)} rows")
    expected = [(n, tuple(r)) for n, r in enumerate(body, start=2) if not _blank(r)]
    assert [(r.number, r.cells) for r in table.rows] == expected
