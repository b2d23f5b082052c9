"""Workbooks whose sheets are too large to hold are refused before calamine reads them.

calamine holds a sheet as a dense grid from its first to its last used cell, so a 1.6 KB XLSX
with one cell at XFD1048576 asks for 512 GiB and aborts the process. The hostile files are built
here with zipfile. The command-line test runs in a subprocess under a memory limit, so the
unfixed reader dies fast (exit 134, or a MemoryError) instead of eating the machine, and this
test run survives either way.
"""

from __future__ import annotations

import io
import os
import resource
import subprocess
import sys
import zipfile
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask

from rca.accounts.models import User
from rca.accounts.tokens import issue_token
from rca.db import db
from rca.evidence.reading import FileRefused, SheetLimits, read_table
from rca.evidence.sheet_cells import column_letters
from rca.reviews.models import Review

from ._importing import counts, new_review, ods_bytes

WORKBOOK_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
HEADER = '<row r="1"><c r="A1" t="inlineStr"><is><t>Date</t></is></c><c r="B1" t="inlineStr"><is><t>Note</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>13/10/2026</t></is></c><c r="B2" t="inlineStr"><is><t>Visit</t></is></c></row>'  # noqa: E501


def xlsx(sheet_data: str, *, dimension: str | None = None, prefix: str = "") -> bytes:
    """A minimal valid workbook with one sheet, "Notes", holding ``sheet_data``."""
    ns = f"xmlns:{prefix[:-1]}" if prefix else "xmlns"
    dim = f'<{prefix}dimension ref="{dimension}"/>' if dimension else ""
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8"?><{prefix}worksheet {ns}="{WORKBOOK_NS}">{dim}'
        f"<{prefix}sheetData>{sheet_data}</{prefix}sheetData></{prefix}worksheet>"
    )
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org'
            '/package/2006/content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
            'ContentType="application/xml"/></Types>'
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="'
            f'{REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{WORKBOOK_NS}" '
            f'xmlns:r="{REL_NS}"><sheets><sheet name="Notes" sheetId="1" r:id="rId1"/></sheets>'
            "</workbook>"
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="'
            f'{REL_NS}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
        ),
        "xl/worksheets/sheet1.xml": sheet,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def far_cell(ref: str) -> bytes:
    """The issue's file: a header, a row, and one cell far away."""
    row = "".join(ch for ch in ref if ch.isdigit())
    return xlsx(HEADER + f'<row r="{row}"><c r="{ref}"><v>1</v></c></row>')


def ods(rows: str, name: str = "Rota") -> bytes:
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="{name}">{rows}'
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    return ods_bytes(content)


def ods_cell(text: str, repeat: int = 1) -> str:
    times = f' table:number-columns-repeated="{repeat}"' if repeat > 1 else ""
    return (
        f'<table:table-cell office:value-type="string"{times}><text:p>{text}</text:p>'
        "</table:table-cell>"
    )


ODS_HEADER = f"<table:table-row>{ods_cell('Date')}{ods_cell('Note')}</table:table-row>"


# --- the reader --------------------------------------------------------------------------------
def test_one_cell_at_the_last_excel_cell_is_refused_naming_sheet_range_and_limit():
    data = far_cell("XFD1048576")
    assert len(data) < 2000
    with pytest.raises(FileRefused) as refused:
        read_table(data, "bomb.xlsx")
    message = str(refused.value)
    assert "bomb.xlsx sheet 'Notes'" in message
    assert "A1:XFD1048576" in message and "17,179,869,184 cells" in message
    assert "limit of 10,000,000 cells and 1,000 columns" in message


def test_a_cell_at_cv300000_is_refused_by_the_cell_budget():
    with pytest.raises(FileRefused, match=r"A1:CV300000: 300,000 rows × 100 columns"):
        read_table(far_cell("CV300000"), "wide.xlsx")


def test_a_dimension_that_lies_small_does_not_hide_the_far_cell():
    data = xlsx(HEADER + '<row r="900000"><c r="ZZ900000"><v>1</v></c></row>', dimension="A1:B2")
    with pytest.raises(FileRefused, match="A1:ZZ900000"):
        read_table(data, "lying.xlsx")


def test_a_dimension_that_claims_the_whole_sheet_is_not_believed():
    table = read_table(xlsx(HEADER, dimension="A1:XFD1048576"), "claims.xlsx")
    assert table.headers == ["Date", "Note"] and len(table.rows) == 1


def test_a_blank_styled_cell_far_away_does_not_count():
    # calamine keeps only cells with a value; Excel writes formatted blanks like this one.
    data = xlsx(HEADER + '<row r="1048576"><c r="XFD1048576" s="1"/></row>')
    assert read_table(data, "styled.xlsx").headers == ["Date", "Note"]


def test_cells_without_references_are_placed_by_counting():
    # No r on the cells: calamine puts each after the previous one of its row.
    wide = "<c><v>1</v></c>" * 2000
    with pytest.raises(FileRefused, match="2,000 columns"):
        read_table(xlsx(HEADER + f'<row r="3">{wide}</row>'), "counted.xlsx")


def test_namespace_prefixed_cells_are_measured_too():
    far = HEADER.replace("<", "<x:").replace("<x:/", "</x:")
    far += '<x:row r="1048576"><x:c r="XFD1048576"><x:v>1</x:v></x:c></x:row>'
    with pytest.raises(FileRefused, match="A1:XFD1048576"):
        read_table(xlsx(far, prefix="x:"), "prefixed.xlsx")
    fine = HEADER.replace("<", "<x:").replace("<x:/", "</x:")
    assert read_table(xlsx(fine, prefix="x:"), "prefixed.xlsx").headers == ["Date", "Note"]


def test_a_column_filled_only_far_down_widens_the_bound_and_is_checked_again():
    # Over 1 MB of ordinary rows (columns A-B), then column Z: 26 columns x 40,000 rows is over a
    # 1,000,000-cell budget although A-B alone were within it.
    rows = "".join(
        f'<row r="{n}"><c r="A{n}"><v>{n}</v></c><c r="B{n}"><v>{n}</v></c></row>'
        for n in range(3, 40_000)
    )
    data = xlsx(HEADER + rows + '<row r="40000"><c r="Z40000"><v>1</v></c></row>')
    with pytest.raises(FileRefused, match="A1:Z40000"):
        read_table(data, "late.xlsx", limits=SheetLimits(cells=1_000_000))
    assert len(read_table(data, "late.xlsx").rows) == 39_999


def test_an_ordinary_large_sheet_passes_the_quick_test():
    rows = "".join(
        f'<row r="{n}"><c r="A{n}"><v>{n}</v></c><c r="F{n}"><v>{n}</v></c></row>'
        for n in range(3, 60_000)
    )
    assert len(read_table(xlsx(HEADER + rows), "ok.xlsx").rows) == 59_998


def test_the_budget_and_the_column_limit_are_settings():
    data = far_cell("J5000")  # 5,000 rows x 10 columns
    assert read_table(data, "x.xlsx").headers == ["Date", "Note"]
    with pytest.raises(FileRefused, match="limit of 40,000 cells"):
        read_table(data, "x.xlsx", limits=SheetLimits(cells=40_000))
    with pytest.raises(FileRefused, match="and 8 columns"):
        read_table(data, "x.xlsx", limits=SheetLimits(columns=8))


def test_column_letters():
    assert [column_letters(n) for n in (1, 26, 27, 100, 16384)] == ["A", "Z", "AA", "CV", "XFD"]


def test_ods_repeated_columns_holding_a_value_are_refused():
    bomb = f"<table:table-row>{ods_cell('x', repeat=16_384)}</table:table-row>"
    rows = '<table:table-row table:number-rows-repeated="1048575">'
    rows += f"{ods_cell('x', repeat=20)}</table:table-row>"
    with pytest.raises(FileRefused, match="sheet 'Rota' uses the range A1:XFD2: 2 rows"):
        read_table(ods(ODS_HEADER + bomb), "wide.ods")
    with pytest.raises(FileRefused, match=r"1,048,577 rows × 20 columns"):
        read_table(ods(ODS_HEADER + rows + ODS_HEADER.replace("Date", "End")), "tall.ods")


def test_ods_blank_repeats_that_libreoffice_writes_cost_nothing():
    padding = '<table:table-cell table:number-columns-repeated="1022"/>'
    rows = (
        f"<table:table-row>{ods_cell('Date')}{ods_cell('Note')}{padding}</table:table-row>"
        f"<table:table-row>{ods_cell('13/10/2026')}{ods_cell('Visit')}{padding}</table:table-row>"
        f'<table:table-row table:number-rows-repeated="1048574">{padding}</table:table-row>'
    )
    table = read_table(ods(rows), "rota.ods")
    assert table.headers == ["Date", "Note"] and len(table.rows) == 1


def test_ods_spaces_repeated_by_the_million_are_refused():
    cell = (
        '<table:table-cell office:value-type="string"><text:p>a<text:s text:c="2000000000"/>'
        "</text:p></table:table-cell>"
    )
    with pytest.raises(FileRefused, match="millions of spaces"):
        read_table(ods(ODS_HEADER + f"<table:table-row>{cell}</table:table-row>"), "s.ods")


# --- every way in: the form, the API, the command --------------------------------------------
@pytest.fixture
def review(app: Flask, make_service: Any, make_user: Any, make_review: Any) -> dict[str, Any]:
    review_id = new_review(make_service, make_user, make_review)
    with app.app_context():
        lead = db.session.scalars(db.select(User)).one()
        token = issue_token(db.session, lead)
        db.session.commit()
        reference = db.session.get(Review, review_id).reference
        return {
            "id": review_id,
            "lead": SimpleNamespace(email=lead.email),
            "token": token,
            "reference": reference,
        }


def _counts(app: Flask) -> dict[str, int]:
    with app.app_context():
        return counts()


def test_the_upload_form_refuses_the_file_and_stores_nothing(app, review, web_as, tmp_path):
    app.config["EVIDENCE_UPLOAD_DIR"] = str(tmp_path / "uploads")
    try:
        before = _counts(app)
        resp = web_as(review["lead"]).post(
            f"/reviews/{review['id']}/evidence/upload",
            data={
                "kind": "care-notes",
                "sheet": "",
                "file": (io.BytesIO(far_cell("XFD1048576")), "bomb.xlsx"),
            },
            content_type="multipart/form-data",
            headers={"HX-Request": "1"},
        )
    finally:
        app.config.pop("EVIDENCE_UPLOAD_DIR")
    assert resp.status_code == 422
    assert "sheet &#39;Notes&#39; uses the range A1:XFD1048576" in resp.text
    assert _counts(app) == before
    assert not (tmp_path / "uploads").exists()


def test_the_api_refuses_the_file_with_a_422_naming_the_limit(app, review):
    before = _counts(app)
    resp = app.test_client().post(
        f"/api/v1/reviews/{review['id']}/imports",
        data={"file": (io.BytesIO(far_cell("XFD1048576")), "bomb.xlsx"), "kind": "care-notes"},
        content_type="multipart/form-data",
        headers={"Authorization": f"Bearer {review['token']}"},
    )
    assert resp.status_code == 422
    assert resp.json["field"] == "file"
    assert "A1:XFD1048576" in resp.json["error"] and "10,000,000 cells" in resp.json["error"]
    after = _counts(app)
    assert after.pop("audit") >= before.pop("audit")  # token use is audited by the API
    assert after == before


def _limit_memory() -> None:
    # 4 GiB of address space: plenty for the app, far short of the 512 GiB the bomb asks for.
    resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))


def test_the_command_refuses_the_file_without_dying(app, review, tmp_path):
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(far_cell("XFD1048576"))
    before = _counts(app)
    env = {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": "test-secret-key-not-for-production",
        "RUST_BACKTRACE": "0",
    }
    command = [sys.executable, "-m", "flask", "--app", "rca", "import-evidence"]
    command += ["--review", review["reference"], "--kind", "care-notes", str(path)]
    done = subprocess.run(
        command,
        env=env,
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=_limit_memory,
    )
    assert done.returncode == 1, (done.returncode, done.stderr[-2000:])
    assert done.stdout == ""
    assert "sheet 'Notes' uses the range A1:XFD1048576" in done.stderr
    assert "limit of 10,000,000 cells" in done.stderr
    assert _counts(app) == before
