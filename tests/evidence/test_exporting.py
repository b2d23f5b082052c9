"""Exports of the filtered evidence: CSV and XLSX (read back with python-calamine), with formula
injection neutralised and people shown by pseudonym, never by name."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from rca.db import db
from rca.evidence.exporting import COLUMNS, neutralise
from rca.evidence.models import EvidenceImport, EvidenceRow
from rca.provider.models import PersonSupported
from rca.reviews.models import ReviewPerson

DANGEROUS = ["=1+2", "+44 7700 900123", "-3", "@SUM(A1)", "\t=cmd", "\r=cmd", '=HYPERLINK("x")']


@given(st.text(max_size=30))
def test_neutralised_cells_never_start_a_formula(text: str) -> None:
    out = neutralise(text)
    assert not out.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert out in (text, "'" + text)


def _seed(app: Any, review_id: int, service_id: int) -> None:
    with app.app_context():
        person = PersonSupported(service_id=service_id, reference="P-7", name="Mary Secret")
        db.session.add(person)
        db.session.flush()
        db.session.add(ReviewPerson(review_id=review_id, person_id=person.id, pseudonym="Person A"))
        source = EvidenceImport(
            review_id=review_id, kind="care-notes", file_name="=evil.csv", file_sha256="a" * 64
        )
        for i, text in enumerate([*DANGEROUS, "Plain note, with a comma"]):
            db.session.add(
                EvidenceRow(
                    review_id=review_id,
                    kind="care-notes",
                    occurred_at=datetime(2026, 10, 1 + i, 9, 30, tzinfo=UTC),
                    occurred_on=date(2026, 10, 1 + i),
                    text=text,
                    person_id=person.id,
                    cells={"Note": text},
                    file_name="=evil.csv",
                    evidence_import=source,
                    row_number=i + 2,
                    content_hash=f"{i:064d}",
                )
            )
        db.session.commit()


def test_csv_and_xlsx_exports(
    app: Any, make_service: Any, make_user: Any, make_review: Any, web_as: Any
) -> None:
    oak = make_service("OAK")
    user = make_user("lead@example.org", "investigator", [oak])
    rid = make_review(user, oak)
    _seed(app, rid, oak.id)
    web = web_as(user)

    got = web.get(f"/reviews/{rid}/evidence/export.csv")
    assert got.status_code == 200 and got.mimetype == "text/csv"
    assert 'filename="RCA-' in got.headers["Content-Disposition"]
    text = got.data.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert tuple(rows[0]) == COLUMNS
    body = rows[1:]
    assert [r[5] for r in body] == ["'" + d for d in DANGEROUS] + ["Plain note, with a comma"]
    assert {r[4] for r in body} == {"Person A"} and "Mary Secret" not in text
    assert body[0][0] == "01/10/2026 10:30"  # BST
    assert {r[8] for r in body} == {"'=evil.csv"}
    assert {r[11] for r in body} == {"a" * 64}  # the file's SHA-256, from the row's import

    xlsx = web.get(f"/reviews/{rid}/evidence/export.xlsx?q=plain")
    assert xlsx.status_code == 200
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(xlsx.data)).get_sheet_by_name("Evidence")
    data = sheet.to_python()
    assert tuple(data[0]) == COLUMNS and len(data) == 2  # the filter applies to exports too
    assert data[1][5] == "Plain note, with a comma"

    every = web.get(f"/reviews/{rid}/evidence/export.xlsx")
    data = CalamineWorkbook.from_filelike(io.BytesIO(every.data)).get_sheet_by_name("Evidence")
    cells = [row[5] for row in data.to_python()[1:]]
    assert cells[: len(DANGEROUS)] == ["'" + d for d in DANGEROUS]
    assert all(isinstance(c, str) for c in cells)  # text, never a computed formula value
