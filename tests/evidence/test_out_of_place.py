"""The dry run warns about rows that look as if they belong elsewhere: rows naming another
service's staff, and rows outside the review's period, counted with examples by row number. And
the pane's summary and needs-attention list refresh themselves when a background import ends."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest

from rca.db import db
from rca.evidence.importer import ImportRequest, run_import
from rca.evidence.reading import read_table
from rca.provider.models import StaffMember
from rca.reviews.models import Review

from ._importing import care_notes_a
from .test_evidence_pane import HX, _private_job_files, csv_bytes, mapping_form, upload  # noqa: F401


@pytest.fixture
def oak_review(app: Any, make_service: Any, make_user: Any, make_review: Any) -> dict[str, Any]:
    """A review at Oak House (period 13-20 October 2026) whose register has Zoe Smith and Beth
    Jones; Amir Khan works at Elm Lodge."""
    oak = make_service("OAK", name="Oak House")
    elm = make_service("ELM", name="Elm Lodge")
    user = make_user("lead@example.org", "investigator", [oak])
    review_id = make_review(user, oak)
    with app.app_context():
        review = db.session.get(Review, review_id)
        review.period_start, review.period_end = date(2026, 10, 13), date(2026, 10, 20)
        db.session.add_all(
            [
                StaffMember(service_id=oak.id, name="Zoe Smith"),
                StaffMember(service_id=oak.id, name="Beth Jones"),
                StaffMember(service_id=elm.id, name="Amir Khan"),
            ]
        )
        db.session.commit()
    return {"id": review_id, "user": user}


def dry_run(app: Any, review_id: int, rows: list[list[str]]) -> Any:
    with app.app_context():
        review = db.session.get(Review, review_id)
        table = read_table(csv_bytes(rows), "notes.csv")
        outcome = run_import(
            db.session, ImportRequest(review=review, kind="care-notes", table=table, dry_run=True)
        )
        db.session.rollback()
        return outcome.out_of_place


def test_rows_naming_another_services_staff_are_counted_with_examples(app, oak_review):
    # care_notes_a cycles Zoe Smith, Amir Khan, Beth Jones: rows 3, 6, 9, ... name Amir Khan.
    rows = [r for r in care_notes_a(15) if int(r[0][:2]) <= 20]
    found = dry_run(app, oak_review["id"], rows)
    amir = [n for n, r in enumerate(rows, start=2) if r[2] == "Amir Khan"]
    assert found.other_staff == len(amir) and found.other_staff_rows == amir[:5]
    assert found.other_staff_names == [("Amir Khan", "Elm Lodge")]
    assert found.outside_period == 0 and found.rows == len(amir)


def test_rows_outside_the_period_are_counted_with_examples(app, oak_review):
    rows = care_notes_a(12)  # 13 to 24 October; the period ends on the 20th
    for row in rows:
        row[2] = "Zoe Smith"
    found = dry_run(app, oak_review["id"], rows)
    late = [n for n, r in enumerate(rows, start=2) if int(r[0][:2]) > 20]
    assert found.outside_period == len(late) == 4
    assert found.outside_period_rows == late and found.period == (
        date(2026, 10, 13),
        date(2026, 10, 20),
    )
    assert found.other_staff == 0


def test_a_file_in_place_raises_nothing(app, oak_review):
    rows = [r for r in care_notes_a(8) if r[2] != "Amir Khan"]
    assert dry_run(app, oak_review["id"], rows).rows == 0


def test_the_web_dry_run_says_how_many_rows_look_out_of_place(app, oak_review, web_as):
    web, rid = web_as(oak_review["user"]), oak_review["id"]
    rows = care_notes_a(12)  # rows 3, 6, 9, 12 name Amir Khan; rows 10-13 are after the 20th
    form = mapping_form(upload(web, rid, csv_bytes(rows)).text)
    dry = web.post(f"/reviews/{rid}/evidence/import", data={**form, "action": "dry-run"})
    assert dry.status_code == 200
    text = re.sub(r"\s+", " ", dry.text)
    assert "7 rows look out of place for this review." in text
    assert "4 name staff of another service, not of Oak House: “Amir Khan” (Elm Lodge)" in text
    assert "For example rows 3, 6, 9, 12." in text
    assert "4 fall outside the review’s period, 13/10/2026 to 20/10/2026" in text
    assert "For example rows 10, 11, 12, 13." in text


def test_the_pane_summary_and_attention_list_listen_for_the_end_of_an_import(
    app, oak_review, web_as
):
    web, rid = web_as(oak_review["user"]), oak_review["id"]
    pane = web.get(f"/reviews/{rid}/evidence", headers=HX).text
    lead = re.search(r'<p class="lead" id="evidence-lead"[^>]*>', pane).group(0)
    assert (
        'hx-trigger="evidence-changed from:body"' in lead and 'hx-select="#evidence-lead"' in lead
    )
    slot = re.search(r'<div id="evidence-attention"[^>]*>', pane).group(0)
    assert 'hx-trigger="evidence-imported from:body"' in slot
    assert 'data-swap-focus=""' in lead and 'data-swap-focus=""' in slot
