"""Similar past reviews in meeting mode, in real Chromium: a cause coded while the meeting runs
brings the past reviews that share its factor into the panel beside the fishbone, through the
same one-second live poll as the rest of meeting mode."""

from __future__ import annotations

import time

import pytest
from conftest import PASSWORD
from playwright.sync_api import expect

from rca.accounts.models import User
from rca.db import db
from rca.fishbone import causes
from rca.reviews.models import Review

pytestmark = pytest.mark.browser
LIGHTING = "environment.poor-lighting"


@pytest.fixture
def reviews(app, make_service, make_user, make_review):
    oak = make_service("OAK", name="Oakfield House")
    amira = make_user("amira@example.org", "facilitator", [oak], name="Amira Hussain")
    past = make_review(amira, oak, title="Fall on a dark stairway", occurred_on="2025-03-17")
    now = make_review(amira, oak, title="Fall in the corridor at night", occurred_on="2026-09-21")
    with app.app_context():
        user = db.session.get(User, amira.id)
        causes.add_cause(
            db.session,
            db.session.get(Review, past),
            user,
            {"text": "Stairway light off before the night checks", "category": "environment",
             "factor_code": LIGHTING, "status": "supported", "reason": "Seen on the walk-round"},
        )  # fmt: skip
        db.session.commit()
    return {"user_id": amira.id, "past": past, "now": now}


def test_a_cause_coded_in_the_meeting_brings_its_similar_reviews(ui, app, reviews):
    ui.sign_in("amira@example.org", PASSWORD)
    page = ui.goto(f"/reviews/{reviews['now']}/meeting")
    panel = page.locator("#lg-similar")
    expect(panel).to_contain_text("Code a supported cause to a contributory factor")
    # Someone else in the room codes a cause (from their own browser or the API).
    with app.app_context():
        causes.add_cause(
            db.session,
            db.session.get(Review, reviews["now"]),
            db.session.get(User, reviews["user_id"]),
            {"text": "Corridor lights on a timer that ends at 22:00", "category": "environment",
             "factor_code": LIGHTING, "status": "supported", "reason": "Maintenance log"},
        )  # fmt: skip
        db.session.commit()
    coded = time.monotonic()
    past = panel.locator("[data-similar-review]")
    expect(past).to_have_count(1, timeout=2_000)
    took = time.monotonic() - coded
    expect(past).to_contain_text("Fall on a dark stairway")
    expect(past).to_contain_text("“Poor lighting”")
    # The poll asks every second; the panel follows within it and one request.
    assert took < 2.0, took
    ui.axe()
