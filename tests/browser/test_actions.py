"""Actions in real Chromium: plan an action from a cause in two clicks, record an effectiveness
check that reopens the review, and the tracker. Every page and swap is checked by axe."""

from __future__ import annotations

import re

import pytest
from conftest import PASSWORD
from playwright.sync_api import expect

from rca.db import db
from rca.reviews.models import Review
from tests.actions.conftest import plan_setup  # noqa: F401  (the review with agreed causes)
from tests.actions.helpers import add_action

pytestmark = pytest.mark.browser

CONTRIBUTORY = "Agency induction skips the eMAR prompts"


def test_plan_an_action_from_a_cause_in_two_clicks(ui, plan_setup):  # noqa: F811
    page = ui.page
    rid = plan_setup["review_id"]
    ui.sign_in("sarah@example.org", PASSWORD)
    ui.goto(f"/reviews/{rid}/actions")
    group = page.locator(".act-group", has_text=CONTRIBUTORY)
    expect(group).to_contain_text("No action addresses this cause yet.")

    # Click 1: the cause's "Plan an action" opens the form with that cause linked.
    ui.act(
        lambda: page.get_by_role("link", name=f"Plan an action for: {CONTRIBUTORY}").click(),
        page.locator("#action-form"),
    )
    expect(page).to_have_url(re.compile(rf"plan={plan_setup['contributory_id']}"))
    expect(page.get_by_role("checkbox", name=CONTRIBUTORY)).to_be_checked()
    expect(page.get_by_label("What will change")).to_be_focused()
    page.get_by_label("What will change").fill(
        "Add the eMAR prompts to the agency induction checklist, signed off by the shift lead"
    )
    page.get_by_label("Type of change").select_option("process")
    page.get_by_label("Owner").select_option(label="Sarah Mitchell")
    page.get_by_label("Due date").fill("2027-01-15")
    page.get_by_label("Review points").fill("29/01/2027, 26/02/2027")
    page.get_by_label("Measure it should move").fill("% of agency staff signed off on eMAR")
    page.get_by_label("Target").fill("100%")

    # Click 2: save. The action appears under its cause, SMART.
    ui.act(
        lambda: page.get_by_role("button", name="Save action").click(), page.locator(".act-detail")
    )
    group = page.locator(".act-group", has_text=CONTRIBUTORY)
    card = group.locator(".act-card")
    expect(card).to_contain_text("Add the eMAR prompts to the agency induction checklist")
    expect(card.locator(".smart--ok")).to_have_text("SMART")
    expect(card).to_contain_text("29/01/2027, 26/02/2027")
    expect(page.locator(".act-strip")).to_contain_text("January 2027")


def test_record_an_effectiveness_check_that_reopens_the_review(ui, app, plan_setup):  # noqa: F811
    page = ui.page
    rid = plan_setup["review_id"]
    action_id = add_action(app, rid, target="95%", cause_ids=[plan_setup["root_id"]])
    with app.app_context():
        db.session.get(Review, rid).stage = "monitoring"
        db.session.commit()
    ui.sign_in("sarah@example.org", PASSWORD)
    ui.goto(f"/reviews/{rid}/monitoring")
    card = page.locator(".mon-card", has_text=f"Action #{action_id}")
    card.get_by_text("Record a check").click()
    card.get_by_label("Met the standard (numerator)").fill("15")
    card.get_by_label("Checked (denominator)").fill("20")
    card.get_by_label("Period start").fill("2026-11-01")
    card.get_by_label("Period end").fill("2026-11-28")
    card.get_by_label("Source").fill("Weekly MAR audit, evening rounds")
    ui.act(
        lambda: card.get_by_role("button", name="Record check").click(),
        page.locator(".mon-followups"),
    )
    card = page.locator(".mon-card", has_text=f"Action #{action_id}")
    expect(card.locator("svg.trend")).to_be_visible()
    expect(card).to_contain_text("75% (15/20)")
    expect(card).to_contain_text("Not embedded")
    expect(page.locator(".mon-followups")).to_contain_text("reopened from Monitoring to Actions")
    expect(page.locator(".review-head__meta")).to_contain_text("Actions")


def test_the_tracker_filters_to_overdue(ui, app, plan_setup):  # noqa: F811
    page = ui.page
    rid = plan_setup["review_id"]
    add_action(
        app,
        rid,
        text="Late: shift lead checks MAR induction at every handover",
        due="2026-11-02",
        review_points=["2026-11-20"],
    )
    add_action(app, rid, text="Later: rewrite the agency induction checklist", due="2027-02-01")
    ui.sign_in("sarah@example.org", PASSWORD)
    ui.goto("/actions?view=all")
    expect(page.locator("#tracker")).to_contain_text("Later: rewrite")
    ui.act(lambda: page.get_by_label("Show").select_option("overdue"), page.locator("#tracker"))
    expect(page).to_have_url(re.compile(r"view=overdue"))
    expect(page.locator("#tracker")).not_to_contain_text("Later: rewrite")
    expect(page.locator("#tracker")).to_contain_text("Late: shift lead")
