"""Characters XML cannot carry (NUL and the other C0 controls but tab and line breaks, U+FFFE,
U+FFFF, lone surrogates): typed text with one is refused naming the field and the character;
imported cells lose them; and every SVG the app draws for a review parses as XML even when old
data in the database holds them."""

from __future__ import annotations

import re
from datetime import date

import pytest
from conftest import csrf_token
from defusedxml import ElementTree as ET
from sqlalchemy import func, select, update

from rca.accounts.models import User
from rca.accounts.tokens import issue_token
from rca.actions import effectiveness, planning
from rca.db import db
from rca.evidence.models import EvidenceRow
from rca.fishbone import causes
from rca.fishbone.models import Cause, FishboneSettings
from rca.fishbone.settings import settings_for
from rca.provider.models import StaffMember
from rca.reviews.models import Review
from tests.evidence._importing import CARE_NOTES_A, care_notes_a, write_csv, write_xlsx

#: One of each kind; NUL only where the database can hold it (PostgreSQL text cannot).
TYPED = ["\x00", "\x08", "\x0b", "\x1f", "\ufffe", "\ud800"]
STORABLE = "\x01\x0b\x1f\ufffe"


def _nul_storable() -> bool:
    return db.engine.dialect.name == "sqlite"


@pytest.fixture
def oak_review(app, make_service, make_user, make_review):
    oak = make_service("OAK")
    user = make_user("inv@example.org", "investigator", [oak])
    return user, make_review(user, oak)


def _count_causes(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Cause))


@pytest.mark.parametrize("char", ["\x00", "\x0b", "\ufffe"], ids=["NUL", "VT", "FFFE"])
@pytest.mark.parametrize("htmx", [False, True])
def test_a_cause_typed_with_a_control_character_is_refused(app, oak_review, web_as, char, htmx):
    user, review_id = oak_review
    web = web_as(user)
    web.token = csrf_token(web.get(f"/reviews/{review_id}/analysis").text)
    headers = {"HX-Request": "true"} if htmx else {}
    response = web.post(
        f"/reviews/{review_id}/causes",
        {"text": f"Handover{char} rushed", "category": "communication"},
        headers=headers,
    )
    assert response.status_code == 422
    code = f"U+{ord(char):04X}"
    assert code in response.text and "Text" in response.text
    assert _count_causes(app) == 0


def _token(app, user) -> dict[str, str]:
    with app.app_context():
        token = issue_token(db.session, db.session.get(User, user.id))
        db.session.commit()
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize("char", TYPED, ids=lambda c: f"U+{ord(c):04X}")
def test_the_api_refuses_a_control_character_naming_field_and_character(app, oak_review, char):
    user, review_id = oak_review
    auth = _token(app, user)
    escaped = f"\\u{ord(char):04x}"
    body = '{"text": "Handover ' + escaped + ' rushed", "category": "communication"}'
    response = app.test_client().post(
        f"/api/v1/reviews/{review_id}/causes",
        data=body,
        headers={**auth, "Content-Type": "application/json"},
    )
    assert response.status_code == 422, response.text
    got = response.get_json()
    assert got["field"] == "text"
    assert f"U+{ord(char):04X}" in got["error"]
    assert _count_causes(app) == 0


def test_the_api_names_a_nested_field(app, oak_review):
    user, review_id = oak_review
    with app.app_context():
        review = db.session.get(Review, review_id)
        cause = causes.add_cause(
            db.session, review, None, {"text": "Rushed", "category": "communication"}
        )
        db.session.commit()
        cause_id, version = cause.id, cause.version
    response = app.test_client().patch(
        f"/api/v1/reviews/{review_id}/causes/{cause_id}",
        json={"version": version, "status": "supported", "reason": "Seen on the rota\u0007"},
        headers=_token(app, user),
    )
    assert response.status_code == 422
    assert response.get_json()["field"] == "reason"


def test_a_control_character_in_a_query_string_is_refused_not_a_500(app, oak_review, web_as):
    user, review_id = oak_review
    web = web_as(user)
    for url in ("/?q=%00", f"/reviews/{review_id}/evidence?q=a%00b", "/actions?owner=%01"):
        response = web.get(url)
        assert response.status_code == 400, url
        assert "U+00" in response.text


def test_imported_cells_lose_control_characters(app, oak_review, tmp_path):
    from rca.evidence.importer import ImportRequest, run_import
    from rca.evidence.reading import read_table

    user, review_id = oak_review
    # A few stray controls in a file of ordinary size (many would mark it as binary).
    rows = care_notes_a(300)
    rows[0][4] = "Visit 0: \x01supported\x0b with breakfast\x1f, meds given."
    rows[1][2] = "Amir\x08 Khan"
    csv_file = write_csv(tmp_path / "notes.csv", CARE_NOTES_A, rows)
    xlsx_rows = care_notes_a(2, start=400)
    xlsx_rows[0][4] = "Visit 400: keys\x00 lost\x1b."
    xlsx_file = write_xlsx(tmp_path / "notes.xlsx", CARE_NOTES_A, xlsx_rows)
    with app.app_context():
        review = db.session.get(Review, review_id)
        for path in (csv_file, xlsx_file):
            table = read_table(path.read_bytes(), path.name)
            outcome = run_import(db.session, ImportRequest(review, "care-notes", table))
            assert outcome.imported == len(table.rows), outcome.to_json()
        db.session.commit()
        stored = db.session.scalars(select(EvidenceRow).where(EvidenceRow.review_id == review_id))
        staff = db.session.scalars(select(StaffMember.name))
        everything = " ".join([*(f"{r.text} {r.fields} {r.cells}" for r in stored), *staff])
    assert "supported with breakfast, meds given" in everything
    assert "keys lost." in everything
    assert "Amir Khan" in everything
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", everything)


def _poison(app, user, review_id) -> None:
    """Old rows written before the input checks: control characters in every kind of text the
    pictures draw (written past the domain functions, as an old version would have)."""
    with app.app_context():
        bad = STORABLE + ("\x00" if _nul_storable() else "")
        review = db.session.get(Review, review_id)
        acting = db.session.get(User, user.id)
        cause = causes.add_cause(
            db.session, review, acting, {"text": "Handover rushed", "category": "communication"}
        )
        causes.add_cause(db.session, review, acting, {"text": "No owner", "parent_id": cause.id})
        settings_for(db.session, review)
        raw = {
            "text": "Make the shift lead check MAR induction at every handover",
            "kind": "system",
            "due": "2026-10-20",
            "measure": "% of agency shifts with a MAR induction check",
            "target": "95%",
        }
        data = planning.parse_action(db.session, review, raw, [], ["2026-10-27"])
        action = planning.create_action(db.session, review, data, None)
        for i, (num, start, end) in enumerate(
            [(7, "2026-10-01", "2026-10-14"), (9, "2026-10-15", "2026-10-28")]
        ):
            effectiveness.record_check(
                db.session,
                review,
                action,
                {
                    "numerator": num,
                    "denominator": 10,
                    "period_start": start,
                    "period_end": end,
                    "source": f"Audit {i}",
                },
                None,
                date(2026, 11, 20),
            )
        zoe = StaffMember(service_id=review.service_id, name="Zoe Smith")
        db.session.add(zoe)
        db.session.flush()
        db.session.add(
            EvidenceRow(
                review_id=review_id,
                staff_id=zoe.id,
                kind="care-notes",
                occurred_on=date(2026, 9, 30),
                text="Note",
                fields={},
                cells={},
                file_name="notes.csv",
                row_number=2,
                content_hash="a" * 64,
            )
        )
        db.session.flush()
        db.session.execute(update(Cause).values(text=Cause.text + bad))
        db.session.execute(update(Review).values(title=Review.title + bad, question="Why" + bad))
        db.session.execute(update(FishboneSettings).values(problem_statement="Why" + bad))
        db.session.execute(update(EvidenceRow).values(text="Note" + bad, file_name="n" + bad))
        db.session.execute(update(StaffMember).values(name=StaffMember.name + bad))
        from rca.actions.models import Action

        db.session.execute(update(Action).values(text="MAR induction" + bad, measure="%" + bad))
        db.session.commit()


def _svgs(html: str) -> list[str]:
    return re.findall(r"<svg\b.*?</svg>", html, flags=re.DOTALL)


def test_every_svg_of_a_review_parses_even_with_old_bad_data(app, oak_review, web_as):
    user, review_id = oak_review
    _poison(app, user, review_id)
    web = web_as(user)
    served = web.get(f"/reviews/{review_id}/fishbone.svg")
    assert served.status_code == 200
    pictures = {"fishbone.svg": [served.text]}
    compact = web.get(f"/reviews/{review_id}/fishbone.svg?layout=compact")
    pictures["fishbone.svg compact"] = [compact.text]
    for pane in ("analysis", "timeline", "monitoring"):
        page = web.get(f"/reviews/{review_id}/{pane}")
        assert page.status_code == 200, pane
        pictures[pane] = _svgs(page.text)
    meeting = web.get(f"/reviews/{review_id}/meeting")
    pictures["meeting"] = _svgs(meeting.text)
    # The poisoned text is drawn (its legal characters): the pictures were put to the test.
    for where, drawn in (
        ("fishbone.svg", "Handover rushed"),
        ("analysis", "Handover rushed"),
        ("timeline", "Zoe Smith"),
        ("monitoring", "MAR induction"),
    ):
        assert any(drawn in svg for svg in pictures[where]), where
    for where, svgs in pictures.items():
        for svg in svgs:
            ET.fromstring(svg)  # raises ParseError on a character XML cannot carry
            assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", svg), where
