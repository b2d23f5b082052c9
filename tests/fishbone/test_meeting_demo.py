"""The demo's review meetings: every review that reached analysis has its meeting, attendance
with job titles and apologies, and the decisions the report prints."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from rca.db import db
from rca.demo import loader, stories
from rca.fishbone.meeting import current_meeting, meeting_summaries
from rca.reviews.models import STAGES, Review


def test_reviews_at_analysis_or_later_have_a_recorded_meeting(ctx):
    loader.load(db.session, date(2026, 11, 30))
    order = list(STAGES)
    # The story reviews come first; the earlier reviews behind the learning figures
    # (rca.demo.learning) were closed before meetings were recorded in the tool.
    reviews = db.session.scalars(select(Review).order_by(Review.id)).all()[: len(stories.REVIEWS)]
    analysed = [r for r in reviews if order.index(r.stage) >= order.index("analysis")]
    assert len(analysed) == 5
    for review in analysed:
        [summary] = meeting_summaries(db.session, review)
        assert summary.ended_at is not None and summary.ended_at > summary.held_at
        assert summary.facilitator and summary.purpose and summary.notes
        assert len(summary.present) >= 2
        assert all(a.role for a in summary.attendees)
        assert summary.decisions
        assert current_meeting(db.session, review) is None
    for review in reviews:
        if review not in analysed:
            assert meeting_summaries(db.session, review) == []
    fall = next(r for r in analysed if r.title.startswith("Fall in the first-floor corridor"))
    [summary] = meeting_summaries(db.session, fall)
    assert "Audit lighting in every service, not only Oakfield House." in [
        d.text for d in summary.decisions
    ]
    assert ("Marek Nowak", "Maintenance lead") in [(a.name, a.role) for a in summary.attendees]
    care_plans = analysed[0]
    [summary] = meeting_summaries(db.session, care_plans)
    assert [a.name for a in summary.apologies] == ["Joanne Price"]
    assert summary.decisions[0].cause_text  # the agreed root cause it is about
