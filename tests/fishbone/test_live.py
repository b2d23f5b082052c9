"""Live sync: the change token moves on any change to the review (and only that review), the
poll answers 204 until something changes and then the trigger, presence stays cheap."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from rca.accounts.models import User
from rca.db import db
from rca.fishbone import causes, live, meeting
from rca.fishbone.meeting_models import MeetingPresence
from rca.reviews.models import Review


@pytest.fixture
def two(app, make_service, make_user, make_review):
    oak = make_service("OAK")
    amira = make_user("amira@example.org", "facilitator", [oak], name="Amira Hussain")
    tom = make_user("tom@example.org", "investigator", [oak], name="Tom Whitfield")
    first = make_review(amira, oak)
    second = make_review(amira, oak, title="Fall in the first-floor corridor")
    return {"amira": amira, "tom": tom, "first": first, "second": second}


def test_the_token_moves_on_any_change_to_the_review_and_not_on_another(ctx, two):
    review = db.session.get(Review, two["first"])
    other = db.session.get(Review, two["second"])
    user = db.session.get(User, two["amira"].id)
    seen = [live.change_token(db.session, review.id)]
    other_start = live.change_token(db.session, other.id)

    def changed() -> str:
        db.session.commit()
        token = live.change_token(db.session, review.id)
        assert token not in seen
        seen.append(token)
        return token

    cause = causes.add_cause(
        db.session, review, user, {"text": "Agency staff not inducted", "category": "training"}
    )
    changed()
    causes.update_cause(
        db.session,
        review,
        cause.id,
        {"text": "Agency staff not inducted on MAR", "version": cause.version},
    )
    changed()
    record = meeting.start_meeting(db.session, review, user)
    changed()
    meeting.add_decision(db.session, record, user, {"text": "Revise agency induction"})
    changed()
    review.question = "Why were evening doses missed?"  # the review itself, any field
    changed()
    assert live.change_token(db.session, other.id) == other_start
    causes.add_cause(db.session, other, user, {"text": "x", "category": "staffing"})
    db.session.commit()
    assert live.change_token(db.session, other.id) != other_start
    assert live.change_token(db.session, review.id) == seen[-1]


def test_presence_is_written_only_when_stale_and_shown_for_ten_seconds(ctx, two):
    review_id, user_id = two["first"], two["amira"].id
    t0 = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
    token = live.change_token(db.session, review_id)
    assert live.touch_presence(db.session, review_id, user_id, t0) is True
    assert live.touch_presence(db.session, review_id, user_id, t0 + timedelta(seconds=3)) is False
    assert live.touch_presence(db.session, review_id, user_id, t0 + timedelta(seconds=6)) is True
    db.session.commit()
    assert db.session.query(MeetingPresence).count() == 1
    assert live.change_token(db.session, review_id) == token  # presence is not a change
    here = live.present_users(db.session, review_id, t0 + timedelta(seconds=15))
    assert [p.name for p in here] == ["Amira Hussain"]
    assert live.present_users(db.session, review_id, t0 + timedelta(seconds=17)) == []


def test_live_answers_204_until_a_change_then_the_trigger(app, two, web_as):
    amira, tom = web_as(two["amira"]), web_as(two["tom"])
    rid = two["first"]
    with app.app_context():
        token = live.change_token(db.session, rid)
    quiet = tom.get(f"/reviews/{rid}/live?since={token}", headers={"HX-Request": "true"})
    assert quiet.status_code == 204
    assert "HX-Trigger" not in quiet.headers
    added = amira.post(
        f"/reviews/{rid}/causes",
        {"text": "Handover sheet missed the change", "category": "communication"},
    )
    assert added.status_code == 303
    moved = tom.get(f"/reviews/{rid}/live?since={token}", headers={"HX-Request": "true"})
    assert moved.status_code == 200
    assert moved.headers["HX-Trigger"] == "rca:changed"
    with app.app_context():
        new = live.change_token(db.session, rid)
    assert new != token
    assert f"since={new}" in moved.text  # the poller carries on from the new token
    again = tom.get(f"/reviews/{rid}/live?since={new}", headers={"HX-Request": "true"})
    assert again.status_code == 204


def test_the_poll_records_presence_for_the_strip(app, two, web_as):
    tom = web_as(two["tom"])
    rid = two["first"]
    tom.get(f"/reviews/{rid}/live?since=0.0", headers={"HX-Request": "true"})
    strip = tom.get(f"/reviews/{rid}/meeting/presence", headers={"HX-Request": "true"})
    assert strip.status_code == 200
    assert "Tom Whitfield" in strip.text
    assert "Here now (1)" in strip.text
