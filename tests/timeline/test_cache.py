"""The built timeline is reused while nothing it reads has changed, and rebuilt as soon as
something has: the change token is read from the database on every use."""

from __future__ import annotations

from rca.db import db
from rca.evidence.importer import ImportRequest, run_import
from rca.evidence.reading import read_table
from rca.reviews.models import Review
from rca.timeline import assembly, standards
from tests.timeline.conftest import add_row


def _build(review_id: int) -> assembly.Timeline:
    return assembly.build(db.session, db.session.get(Review, review_id))


def test_reused_until_the_review_changes(ctx, scenario):
    first = _build(scenario.review_id)
    assert _build(scenario.review_id) is first
    review = db.session.get(Review, scenario.review_id)
    # An annotation is not part of the built timeline: the cache stands.
    standards.add_annotation(
        db.session,
        review,
        {"kind": "note", "basis": "assumption", "text": "Night staff were not told"},
        scenario.user.id,
    )
    db.session.commit()
    assert _build(scenario.review_id) is first
    # A mark changes what an event counts as: rebuilt, with the mark.
    standards.toggle_mark(
        db.session, review, scenario.rows["refused"], "change-in-need", scenario.user.id
    )
    db.session.commit()
    marked = _build(scenario.review_id)
    assert marked is not first
    refused = next(e for e in marked.chronology.events if e.id == scenario.rows["refused"])
    assert "change-in-need" in refused.marks and "change-in-need" in refused.types
    # Evidence added by hand (audited) shows at once.
    add_row(scenario.review_id, "communication", "2026-10-03 10:00", "Called the GP")
    db.session.commit()
    assert any(e.text == "Called the GP" for e in _build(scenario.review_id).chronology.events)


def test_an_import_at_another_review_of_the_service_rebuilds(ctx, scenario, make_review):
    """Imports fill in the service's staff register, which every review there reads."""
    first = _build(scenario.review_id)
    service = db.session.get(Review, scenario.review_id).service
    other = db.session.get(Review, make_review(scenario.user, service))
    staff = "Name,Job title,Contract,Start date\r\nZara Khan,Care Worker,Bank,21/09/2026\r\n"
    table = read_table(staff.encode(), "hr.csv")
    run_import(db.session, ImportRequest(review=other, kind="staff", table=table))
    db.session.commit()
    assert _build(scenario.review_id) is not first


def test_the_person_filter_is_its_own_entry(ctx, scenario):
    everyone = _build(scenario.review_id)
    review = db.session.get(Review, scenario.review_id)
    one = assembly.build(db.session, review, "P-1042")
    assert one is not everyone and one.chronology.person_ref == "P-1042"
    assert assembly.build(db.session, review, "P-1042") is one
