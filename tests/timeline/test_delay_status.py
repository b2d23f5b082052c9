"""Unanswered delays: breached once past due, open until then, never "met"; a manager's own
review note does not start a clock of its own; the words people read in the pane and report."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from rca.db import db
from rca.provider.models import StaffMember
from rca.reports import content
from rca.reports.pseudonymise import Pseudonymiser
from rca.reviews.models import Review
from rca.timeline import assembly
from tests.timeline.conftest import add_row

CONCERN_STANDARD = "Concern indicator reviewed by management within 1 working day"


def _timeline(scenario, today: date) -> assembly.Timeline:
    review = db.session.get(Review, scenario.review_id)
    return assembly.build(db.session, review, today=today)


def _lone_concern(scenario) -> int:
    """A concern on Thu 15/10 that no later entry answers (the period ends on Fri 16/10)."""
    row = add_row(
        scenario.review_id, "care-notes", "2026-10-15 16:00", "Unexplained red mark", concern=True
    )
    db.session.commit()
    return row.id


def test_an_unanswered_concern_is_open_until_due_then_breached(ctx, scenario):
    lone = _lone_concern(scenario)

    # Thu 15/10 itself and Fri 16/10: an answer now would still be in time.
    for today, days in ((date(2026, 10, 15), 0), (date(2026, 10, 16), 1)):
        delay = next(d for d in _timeline(scenario, today).delays if d.start.id == lone)
        assert delay.answer is None and not delay.breached, today
        assert delay.status == "open" and delay.working_days == days
        assert delay.words.endswith("so far against a standard of 1")

    # Months after its due date it is breached, not "met so far".
    delay = next(d for d in _timeline(scenario, date(2027, 2, 1)).delays if d.start.id == lone)
    assert delay.status == "breached" and delay.breached
    assert delay.deadline == date(2026, 10, 16)
    assert "with no answer against a standard of 1" in delay.words


def test_the_report_counts_open_and_breached_apart_and_never_calls_unanswered_met(ctx, scenario):
    lone = _lone_concern(scenario)
    late = content.delays(Pseudonymiser(full_names=True), _timeline(scenario, date(2027, 2, 1)))
    row = next(r for r in late["rows"] if r["to_text"] == "No answer found in the evidence")
    assert row["status"] == "breached" and row["breached"]
    concern = next(s for s in late["standards"] if s["standard"] == CONCERN_STANDARD)
    assert concern["open"] == 0 and concern["met"] + concern["breached"] == concern["measured"]

    early = content.delays(Pseudonymiser(full_names=True), _timeline(scenario, date(2026, 10, 16)))
    concern = next(s for s in early["standards"] if s["standard"] == CONCERN_STANDARD)
    assert concern["open"] == 1
    assert lone in {d.start.id for d in _timeline(scenario, date(2026, 10, 16)).delays}


def test_the_managers_own_review_note_does_not_start_a_new_concern_clock(ctx, scenario):
    sarah = db.session.scalar(select(StaffMember).where(StaffMember.name == "Sarah Mitchell"))
    # Sarah's review of the bruise is itself flagged as a concern by the care system.
    note = add_row(
        scenario.review_id,
        "care-notes",
        "2026-10-08 11:00",
        "Manager review: bruising followed up, body map completed.",
        staff=sarah,
        concern=True,
    )
    db.session.commit()
    delays = _timeline(scenario, date(2026, 12, 1)).delays
    assert note.id not in {d.start.id for d in delays if d.standard == CONCERN_STANDARD}
    # The bruise is still measured, answered by her earlier review.
    bruise = next(d for d in delays if d.start.id == scenario.rows["bruise"])
    assert bruise.answer is not None and bruise.answer.id == scenario.rows["review"]


def test_pane_words_read_against_a_standard(app, scenario, web_as):
    with app.app_context():
        _lone_concern(scenario)
    html = web_as(scenario.user).get(f"/reviews/{scenario.review_id}/timeline").text
    assert "2 working days against a standard of 1" in html
    assert " of 1 working days" not in html
    assert "Met so far" not in html and "so far</td>" not in html
    # Today (2026 and later) the lone concern of October is long past due.
    assert "with no answer against a standard of 1" in html
