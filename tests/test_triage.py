"""Triage: each threshold for a full review alone, none, the boundaries, counting repeats, and
overriding the recommended depth (which needs a reason and is recorded)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from rca.audit.models import AuditEntry
from rca.db import db
from rca.reviews import lifecycle
from rca.reviews.models import SEVERITIES, TRIGGERS, Review
from rca.reviews.triage import (
    PEOPLE_FOR_FULL_REVIEW,
    REPEATS_FOR_FULL_REVIEW,
    TriageFacts,
    count_repeats,
    recommend_depth,
)
from rca.validation import FieldErrors

CALM = TriageFacts(
    trigger="incident",
    severity="low",
    people_affected=1,
    safeguarding=False,
    notified=False,
    repeats_12m=0,
)


def facts(**changes) -> TriageFacts:
    return TriageFacts(**{**CALM.__dict__, **changes})


def test_no_threshold_met_recommends_a_learning_review_and_says_why():
    rec = recommend_depth(CALM)
    assert rec.depth == "learning-review"
    assert len(rec.reasons) == 1
    assert "No threshold for a full review is met" in rec.reasons[0]
    assert "no earlier review" in rec.reasons[0]


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"severity": "severe"}, "Serious harm: the event resulted in severe harm."),
        ({"severity": "death"}, "Serious harm: the event resulted in a death."),
        ({"safeguarding": True}, "A safeguarding concern was raised."),
        ({"trigger": "safeguarding-concern"}, "A safeguarding concern was raised."),
        ({"notified": True}, "It was notified to the CQC or the local authority."),
        ({"trigger": "pattern"}, "It is a pattern of similar incidents, not a single event."),
        ({"repeats_12m": REPEATS_FOR_FULL_REVIEW}, "Repeated: 2 earlier reviews"),
        ({"people_affected": PEOPLE_FOR_FULL_REVIEW}, "Several people were affected (2)."),
    ],
)
def test_each_threshold_alone_recommends_a_full_review(change, reason):
    rec = recommend_depth(facts(**change))
    assert rec.depth == "full-rca"
    assert len(rec.reasons) == 1
    assert rec.reasons[0].startswith(reason)


@pytest.mark.parametrize(
    "change",
    [
        {"severity": "moderate"},
        {"severity": "no-harm"},
        {"repeats_12m": REPEATS_FOR_FULL_REVIEW - 1},
        {"people_affected": PEOPLE_FOR_FULL_REVIEW - 1},
        {"people_affected": 0},
        {"trigger": "complaint"},
        {"trigger": "near-miss"},
    ],
)
def test_just_below_each_threshold_stays_a_learning_review(change):
    assert recommend_depth(facts(**change)).depth == "learning-review"


def test_one_earlier_review_is_mentioned_in_the_learning_reason():
    assert "one earlier review" in recommend_depth(facts(repeats_12m=1)).reasons[0]


def test_every_threshold_met_gives_every_reason():
    rec = recommend_depth(
        TriageFacts("pattern", "death", 5, safeguarding=True, notified=True, repeats_12m=4)
    )
    assert rec.depth == "full-rca"
    assert len(rec.reasons) == 6


@given(
    trigger=st.sampled_from(sorted(TRIGGERS)),
    severity=st.sampled_from(sorted(SEVERITIES)),
    people=st.integers(0, 10_000),
    safeguarding=st.booleans(),
    notified=st.booleans(),
    repeats=st.integers(0, 500),
)
def test_full_review_exactly_when_some_threshold_is_met(
    trigger, severity, people, safeguarding, notified, repeats
):
    rec = recommend_depth(TriageFacts(trigger, severity, people, safeguarding, notified, repeats))
    met = (
        severity in {"severe", "death"}
        or safeguarding
        or trigger in {"safeguarding-concern", "pattern"}
        or notified
        or repeats >= REPEATS_FOR_FULL_REVIEW
        or people >= PEOPLE_FOR_FULL_REVIEW
    )
    assert rec.depth == ("full-rca" if met else "learning-review")
    assert rec.reasons and all(r.strip() for r in rec.reasons)


# --- Repeats, counted from the database ---------------------------------------------------


@pytest.fixture
def services(make_service, make_user):
    oak, elm = make_service("OAK"), make_service("ELM")
    user = make_user("inv@example.org", "investigator", None)
    return oak, elm, user


def _service_id(app, code):
    from rca.provider.models import Service

    with app.app_context():
        return db.session.scalars(select(Service.id).where(Service.code == code)).one()


def test_repeats_count_same_trigger_same_service_within_12_months(app, services, make_review):
    oak, elm, user = services
    event = date(2026, 10, 1)
    make_review(user, oak, occurred_on=(event - timedelta(days=365)).isoformat())  # counts
    make_review(user, oak, occurred_on=(event - timedelta(days=30)).isoformat())  # counts
    make_review(user, oak, occurred_on=(event - timedelta(days=366)).isoformat())  # too old
    make_review(user, oak, occurred_on=event.isoformat())  # same day: not earlier
    make_review(user, oak, trigger="complaint", occurred_on="2026-09-01")  # other trigger
    make_review(user, elm, occurred_on="2026-09-01")  # other service
    with app.app_context():
        oak_id = _service_id(app, "OAK")
        assert count_repeats(db.session, oak_id, "incident", event) == 2
        assert count_repeats(db.session, _service_id(app, "ELM"), "incident", event) == 1
        assert count_repeats(db.session, oak_id, "complaint", event) == 1


def test_third_same_type_review_is_triaged_as_a_repeat(app, services, make_review):
    oak, elm, user = services
    first = make_review(user, oak, occurred_on="2026-03-01")
    make_review(user, elm, occurred_on="2026-04-01")
    second = make_review(user, oak, occurred_on="2026-06-01")
    third = make_review(user, oak, occurred_on="2026-09-01")
    with app.app_context():
        reviews = {r.id: r for r in db.session.scalars(select(Review))}
        assert reviews[first].repeats_12m == 0
        assert reviews[second].repeats_12m == 1
        assert reviews[second].depth == "learning-review"
        assert reviews[third].repeats_12m == 2
        assert reviews[third].recommended_depth == "full-rca"
        assert any(r.startswith("Repeated: 2") for r in reviews[third].recommended_reasons)


# --- Overriding the depth ------------------------------------------------------------------


@pytest.fixture
def severe_review(app, services, make_review):
    oak, _, user = services
    return make_review(user, oak, severity="severe"), user


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_override_without_a_reason_is_refused(ctx, severe_review, reason):
    review = db.session.get(Review, severe_review[0])
    with pytest.raises(FieldErrors) as exc:
        lifecycle.choose_depth(review, "learning-review", reason)
    assert "depth_override_reason" in exc.value.errors
    assert review.depth == "full-rca"


def test_unknown_depth_is_refused(ctx, severe_review):
    review = db.session.get(Review, severe_review[0])
    with pytest.raises(FieldErrors) as exc:
        lifecycle.choose_depth(review, "deep-dive", "Because")
    assert "depth" in exc.value.errors


def test_override_with_a_reason_is_saved_and_recorded(app, severe_review, web_as):
    review_id, user = severe_review
    web = web_as(user)
    with app.app_context():
        version = db.session.get(Review, review_id).version
    refused = web.post(
        f"/reviews/{review_id}/depth", {"depth": "learning-review", "version": version}
    )
    assert refused.status_code == 422
    assert "A reason for overriding the recommendation is required." in refused.text
    saved = web.post(
        f"/reviews/{review_id}/depth",
        {"depth": "learning-review", "depth_override_reason": "Witnessed.", "version": version},
    )
    assert saved.status_code == 303
    with app.app_context():
        review = db.session.get(Review, review_id)
        assert (review.depth, review.depth_override_reason) == ("learning-review", "Witnessed.")
        assert review.recommended_depth == "full-rca"
        entry = db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.review_id == review_id, AuditEntry.action == "update")
            .order_by(AuditEntry.id.desc())
        ).first()
        assert entry.user_id == user.id and entry.channel == "web"
        assert entry.changes["depth"] == ["full-rca", "learning-review"]
        assert entry.changes["depth_override_reason"] == [None, "Witnessed."]


def test_choosing_the_recommendation_again_clears_the_reason(ctx, severe_review):
    review = db.session.get(Review, severe_review[0])
    lifecycle.choose_depth(review, "learning-review", "Witnessed.")
    lifecycle.choose_depth(review, "full-rca", None)
    assert (review.depth, review.depth_override_reason) == ("full-rca", None)


def test_re_triage_keeps_an_override_but_moves_a_followed_recommendation(ctx, severe_review):
    review = db.session.get(Review, severe_review[0])
    calm = {
        "title": review.title,
        "trigger": "incident",
        "occurred_on": "2026-10-01",
        "severity": "low",
        "people_affected": "1",
        "repeats_12m": "0",
    }
    lifecycle.update_triage(db.session, review, calm, date(2026, 11, 23))
    assert review.recommended_depth == review.depth == "learning-review"
    lifecycle.choose_depth(review, "full-rca", "The family asked for a full review.")
    lifecycle.update_triage(
        db.session, review, {**calm, "severity": "moderate"}, date(2026, 11, 23)
    )
    assert review.recommended_depth == "learning-review"
    assert review.depth == "full-rca"
    assert review.depth_override_reason == "The family asked for a full review."
