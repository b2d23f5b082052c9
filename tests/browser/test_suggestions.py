"""Look here too in real Chromium: the governance lead reads why Oakfield House's lighting finding
is suggested to two other care homes, accepts one (owner and due date; the card swapped in place
by htmx, a check planned in the source review), dismisses the other (refused without a reason,
nothing saved, then taken with one), and after a reload neither comes back as open. axe checks
every state."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import PASSWORD
from governance.suggestion_provider import LIGHTING, build_provider
from playwright.sync_api import expect
from sqlalchemy import func, select

from rca.actions.models import Action
from rca.db import db
from rca.governance.suggestion_models import SuggestionDecision
from rca.reviews.models import Review

pytestmark = pytest.mark.browser
DUE = "2030-01-15"


@pytest.fixture
def sg(app, make_service, make_user, make_review):
    """The suggestion provider plus a fourth care home: lighting goes to Elm Court and Ash Grove."""
    out = build_provider(app, make_service, make_user, make_review)
    out["ash"] = make_service("ASH", "care-home", "Ash Grove")
    with app.app_context():
        out["r1_ref"] = db.session.get(Review, out["reviews"]["R1"]).reference
    return out


def _decisions(app) -> dict[str, tuple[str, str | None, int | None]]:
    """What is stored: target service name -> (decision, reason, action id)."""
    with app.app_context():
        rows = db.session.scalars(select(SuggestionDecision)).all()
        return {d.target_service.name: (d.decision, d.reason, d.action_id) for d in rows}


def test_the_lead_accepts_one_suggestion_and_dismisses_the_other(ui, app, sg):
    ui.sign_in("lead@example.org", PASSWORD)
    page = ui.goto("/learning/suggestions")
    expect(page.locator("#sg-open-h")).to_have_text("To decide (2)")
    elm = page.get_by_role("article", name="Poor lighting: look at Elm Court too")
    ash = page.get_by_role("article", name="Poor lighting: look at Ash Grove too")
    expect(elm.locator(".sg-suggestion__reason")).to_have_text(
        f"Coded {LIGHTING} in Oakfield House review {sg['r1_ref']}; Ash Grove and Elm Court are "
        "care homes too, and no review at any of them has examined “Poor lighting”."
    )
    expect(elm.get_by_role("link", name=sg["r1_ref"])).to_have_attribute(
        "href", f"/reviews/{sg['reviews']['R1']}/analysis"
    )
    page.evaluate("window.__sgSamePage = true")  # gone if anything reloads the page

    # Accept Elm Court's: owner and due date, then the card alone is swapped.
    elm.get_by_text("Accept: plan a check…").click()
    elm.get_by_label("Owner").select_option(label="Ann Area")
    elm.get_by_label("Due date").fill(DUE)
    ui.act(
        lambda: elm.get_by_role("button", name="Accept and plan the check").click(),
        elm.get_by_role("status"),
    )
    expect(elm.get_by_role("status")).to_contain_text("Accepted by Tom Lead on")
    expect(elm.get_by_role("status")).to_be_focused()  # keyboard users land on the outcome
    expect(elm).to_contain_text(f"A check is planned in {sg['r1_ref']}’s actions.")
    expect(elm.get_by_role("button", name="Accept and plan the check")).to_have_count(0)
    # The counts follow the decision without a reload.
    expect(page.locator("#sg-open-h")).to_have_text("To decide (1)")
    expect(page.locator("#sg-decided-h")).to_have_text("Decided (1)")
    assert page.evaluate("window.__sgSamePage === true"), "the accept reloaded the page"
    stored = _decisions(app)
    assert list(stored) == ["Elm Court"]
    decision, reason, action_id = stored["Elm Court"]
    assert (decision, reason) == ("accepted", None)
    with app.app_context():
        action = db.session.get(Action, action_id)
        assert action.review_id == sg["reviews"]["R1"]
        assert action.text.startswith("Audit Elm Court for “Poor lighting”")
        assert (action.owner_user_id, action.due) == (sg["area"].id, date.fromisoformat(DUE))
        assert [link.cause_id for link in action.cause_links] == [sg["causes"]["c1"]]

    # Dismiss Ash Grove's: refused without a reason, nothing saved, then taken with one.
    ash.get_by_text("Dismiss…").click()
    ui.act(
        lambda: ash.get_by_role("button", name="Dismiss the suggestion for Ash Grove").click(),
        ash.get_by_text("A reason for dismissing is required."),
    )
    expect(
        ash.locator(".field-error", has_text="A reason for dismissing is required.")
    ).to_be_focused()
    reason_box = ash.get_by_label("Why Ash Grove need not look")
    expect(reason_box).to_be_visible()  # the Dismiss form is kept open with the error
    expect(reason_box).to_have_attribute("aria-invalid", "true")
    assert list(_decisions(app)) == ["Elm Court"]
    with app.app_context():
        assert db.session.scalar(select(func.count(Action.id))) == 1
    reason_box.fill("Ash Grove was relit throughout in October.")
    ui.act(
        lambda: ash.get_by_role("button", name="Dismiss the suggestion for Ash Grove").click(),
        ash.get_by_role("status"),
    )
    expect(ash.get_by_role("status")).to_contain_text("Dismissed by Tom Lead on")
    expect(ash).to_contain_text("Reason: Ash Grove was relit throughout in October.")
    assert page.evaluate("window.__sgSamePage === true"), "the dismissal reloaded the page"
    expect(page.locator("#sg-open-h")).to_have_text("To decide (0)")
    expect(page.locator("#sg-decided-h")).to_have_text("Decided (2)")
    assert _decisions(app)["Ash Grove"] == (
        "dismissed", "Ash Grove was relit throughout in October.", None,
    )  # fmt: skip

    # A reload lists both as decided, neither as open.
    ui.reload(page.locator("#sg-decided-h"))
    expect(page.locator("#sg-open-h")).to_have_text("To decide (0)")
    expect(page.locator("#sg-decided-h")).to_have_text("Decided (2)")
    open_section = page.locator("section[aria-labelledby='sg-open-h']")
    expect(open_section.locator("article")).to_have_count(0)
    expect(open_section).to_contain_text("Nothing to suggest")
    decided = page.locator("section[aria-labelledby='sg-decided-h']")
    expect(decided.get_by_role("article")).to_have_count(2)
    for place, outcome in (("Elm Court", "Accepted"), ("Ash Grove", "Dismissed")):
        card = decided.get_by_role("article", name=f"Poor lighting: look at {place} too")
        expect(card).to_contain_text(f"{outcome} by Tom Lead")
    expect(page.get_by_role("button", name="Accept and plan the check")).to_have_count(0)
