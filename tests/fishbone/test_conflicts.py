"""Two people change the same cause: the later save gets the conflict, nothing is overwritten."""

from __future__ import annotations

import pytest

from rca.accounts.models import User
from rca.db import db
from rca.fishbone import causes
from rca.fishbone.models import Cause
from rca.reviews.models import Review


def _cause(fb) -> tuple[int, int]:
    review = db.session.get(Review, fb.review_id)
    cause = causes.add_cause(
        db.session,
        review,
        db.session.get(User, fb.user.id),
        {"text": "Handover rushed", "category": "communication"},
    )
    db.session.commit()
    return cause.id, cause.version


def test_the_later_save_gets_both_versions_and_nothing_is_overwritten(ctx, fb):
    cause_id, read = _cause(fb)
    review = db.session.get(Review, fb.review_id)
    causes.update_cause(
        db.session, review, cause_id, {"version": read, "text": "Handover rushed at 19:00"}
    )
    db.session.commit()
    with pytest.raises(causes.CauseConflict) as conflict:
        causes.update_cause(
            db.session, review, cause_id, {"version": read, "text": "Handover skipped"}
        )
    db.session.rollback()
    assert conflict.value.saved["text"] == "Handover rushed at 19:00"
    assert conflict.value.submitted == {"text": "Handover skipped"}
    assert db.session.get(Cause, cause_id).text == "Handover rushed at 19:00"


def test_the_screen_answers_409_with_both_versions(fb, web_as, app):
    with app.app_context():
        cause_id, read = _cause(fb)
    web = web_as(fb.user)
    url = f"/reviews/{fb.review_id}/causes/{cause_id}"
    first = web.post(url, {"version": read, "text": "Mine first"}, headers={"HX-Request": "true"})
    assert first.status_code == 200
    assert first.headers["HX-Trigger"] == "rca:changed"
    second = web.post(url, {"version": read, "text": "Mine second"}, headers={"HX-Request": "true"})
    assert second.status_code == 409
    assert "Someone else changed this cause" in second.text
    assert "Mine first" in second.text and "Mine second" in second.text
    assert "Keep my version" in second.text and "Take the saved version" in second.text
    assert "HX-Trigger" not in second.headers
    with app.app_context():
        assert db.session.get(Cause, cause_id).text == "Mine first"


def test_a_move_and_a_delete_with_a_stale_version_are_refused(fb, web_as, app):
    with app.app_context():
        cause_id, read = _cause(fb)
    web = web_as(fb.user)
    base = f"/reviews/{fb.review_id}/causes/{cause_id}"
    assert web.post(base, {"version": read, "text": "Changed"}).status_code == 303
    assert web.post(f"{base}/move", {"version": read, "category": "training"}).status_code == 409
    assert web.post(f"{base}/delete", {"version": read}).status_code == 409
    with app.app_context():
        cause = db.session.get(Cause, cause_id)
        assert (cause.text, cause.category) == ("Changed", "communication")
