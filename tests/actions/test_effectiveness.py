"""Effectiveness verdicts, reopening with a follow-up and history kept, and the trend chart."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from rca.actions import effectiveness
from rca.actions.effectiveness import TrendPoint, verdict_for
from rca.actions.models import Action
from rca.actions.monitoring_models import EffectivenessCheck, FollowUp
from rca.actions.trend_svg import render_trend
from rca.audit.models import AuditEntry
from rca.db import db
from rca.reviews.models import Review
from rca.validation import FieldErrors
from tests.actions.helpers import add_action

TODAY = date(2026, 12, 1)


def _check(app, review_id, action_id, numerator, denominator, end="2026-11-28", start="2026-10-01"):
    with app.app_context():
        review = db.session.get(Review, review_id)
        action = db.session.get(Action, action_id) if action_id else None
        raw = {
            "numerator": numerator,
            "denominator": denominator,
            "period_start": start,
            "period_end": end,
            "source": "Weekly MAR audit",
        }
        outcome = effectiveness.record_check(db.session, review, action, raw, None, TODAY)
        db.session.commit()
        return outcome.check.verdict, outcome.review_reopened, review.stage


@pytest.mark.parametrize(
    ("result", "previous", "verdict"),
    [
        (95, None, "embedded"),
        (100, 80, "embedded"),
        (90, 80, "improving"),
        (80, 80, "not-embedded"),
        (70, 80, "not-embedded"),
        (90, None, "not-embedded"),
    ],
)
def test_verdict_rule(result, previous, verdict):
    from decimal import Decimal

    prev = Decimal(previous) if previous is not None else None
    assert verdict_for(Decimal(result), Decimal(95), prev) == verdict


def test_not_embedded_reopens_the_review_with_a_follow_up_and_keeps_history(app, plan_setup):
    rid = plan_setup["review_id"]
    action_id = add_action(app, rid, target="95%")
    with app.app_context():
        db.session.get(Review, rid).stage = "monitoring"
        db.session.commit()
    assert _check(app, rid, action_id, 17, 20, "2026-10-31") == ("not-embedded", True, "actions")
    with app.app_context():
        follow = db.session.scalars(select(FollowUp)).one()
        assert (follow.from_stage, follow.to_stage) == ("monitoring", "actions")
        assert "85%" in follow.reason
        moves = db.session.scalars(
            select(AuditEntry).where(AuditEntry.review_id == rid, AuditEntry.entity == "review")
        ).all()
        assert any(e.changes.get("stage") == ["monitoring", "actions"] for e in moves)
    # Better than the last check but below target: improving, and no further reopening.
    assert _check(app, rid, action_id, 18, 20) == ("improving", False, "actions")
    assert _check(app, rid, action_id, 19, 20) == ("embedded", False, "actions")
    with app.app_context():
        checks = db.session.scalars(
            select(EffectivenessCheck).order_by(EffectivenessCheck.id)
        ).all()
        assert [c.verdict for c in checks] == ["not-embedded", "improving", "embedded"]


def test_a_review_still_at_actions_is_not_moved(app, plan_setup):
    rid = plan_setup["review_id"]
    action_id = add_action(app, rid, target="95%")
    with app.app_context():
        db.session.get(Review, rid).stage = "actions"
        db.session.commit()
    assert _check(app, rid, action_id, 10, 20) == ("not-embedded", False, "actions")
    with app.app_context():
        assert db.session.scalars(select(FollowUp)).one().to_stage == "actions"


def test_the_reviews_own_target_is_checked_the_same_way(app, plan_setup):
    rid = plan_setup["review_id"]  # target 98%
    assert _check(app, rid, None, 49, 50)[0] == "embedded"
    assert _check(app, rid, None, 45, 50)[0] == "not-embedded"


def test_a_target_that_is_not_a_percentage_is_refused(app, plan_setup):
    action_id = add_action(app, plan_setup["review_id"], target="fewer errors")
    with pytest.raises(FieldErrors) as exc:
        _check(app, plan_setup["review_id"], action_id, 1, 2)
    assert "target" in exc.value.errors


def test_the_trend_chart_escapes_and_says_each_verdict_in_shape_and_words():
    points = [
        TrendPoint(date(2026, 10, 31), 85.0, "not-embedded", "<script>alert(1)</script>"),
        TrendPoint(date(2026, 11, 28), 90.0, "improving", "Nov: 90%"),
        TrendPoint(date(2026, 12, 26), 96.0, "embedded", "Dec: 96%"),
    ]
    svg = render_trend(points, 95, 'Trend of "MAR" & <b>')
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "&amp; &lt;b&gt;" in svg
    assert (
        "trend-point--not" in svg and "trend-point--improving" in svg and "trend-point--ok" in svg
    )
    assert "target 95%" in svg
    assert 'stroke-dasharray="6 4"' in svg
    empty = render_trend([], None, "No checks")
    assert "No checks recorded yet" in empty
