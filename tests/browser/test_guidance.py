"""The guidance panel in real Chromium: a failing rule shows with its why, its link lands on the
cause to fix, and moving the stage past it asks for a reason, then shows it overridden. Every
page and swap is checked by axe (see conftest.UI)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from rca.db import db
from rca.fishbone import causes
from tests.conftest import PASSWORD
from tests.guidance.conftest import Story, make_story

pytestmark = pytest.mark.browser

REASON = (
    "Interviews with both care workers are booked for next week; the visit-note audit supports "
    "the finding meanwhile."
)


@pytest.fixture
def one_source(app, make_service, make_user, make_review) -> Iterator[tuple[Story, int]]:
    """A review at analysis whose root cause rests on visit notes alone."""
    with app.app_context():
        story = make_story(app, make_service, make_user, make_review)
        cause = story.cause(
            "Alert prompts in the visit app do not flag concern words",
            "equipment",
            "supported",
            kinds=("care-notes",),
            conclusion="root",
        )
        yield story, cause


def _rule(page: Any, title: str) -> Any:
    return page.locator(".guidance .rule").filter(has_text=title)


def test_a_failing_rule_links_to_its_fix_and_the_move_asks_for_a_reason(ui, one_source):
    story, cause = one_source
    page = ui.page
    ui.sign_in(story.user.email, PASSWORD)
    ui.goto(f"/reviews/{story.review_id}/triage")

    panel = page.get_by_role("complementary", name="Guidance")
    expect(panel).to_be_visible()
    rule = _rule(page, "Evidence from at least two kinds of source")
    expect(rule).to_contain_text("Needs attention")
    expect(rule).to_contain_text("one kind of source only (care and visit notes)")
    expect(_rule(page, "A root cause agreed")).to_contain_text("Passed")

    # The link opens the analysis pane at the cause, with focus on it.
    ui.act(
        lambda: rule.get_by_role("link", name=re.compile("Go to fix")).click(),
        page.locator(f"#cause-{cause}"),
    )
    expect(page).to_have_url(re.compile(rf"/reviews/{story.review_id}/analysis#cause-{cause}$"))
    expect(page.locator(f"#cause-{cause}")).to_be_focused()
    expect(panel).to_be_visible()

    # Moving on without a reason is refused and names the rule; with one, it moves.
    reason = page.get_by_label("Reason for moving on without “Evidence from at least two kinds")
    expect(reason).to_be_visible()
    move = page.get_by_role("button", name="Move to Actions")
    ui.act(lambda: move.click(), page.get_by_role("alert").first)
    expect(page.get_by_role("alert").first).to_contain_text("Not moved to Actions")
    expect(page.locator("#override-two-source-kinds-error")).to_contain_text("is not met")
    page.get_by_label("Reason for moving on without “Evidence from at least two kinds").fill(REASON)
    ui.act(
        lambda: page.get_by_role("button", name="Move to Actions").click(),
        page.locator(".badge--actions"),
    )
    expect(page).to_have_url(re.compile(rf"/reviews/{story.review_id}/actions$"))
    overridden = _rule(page, "Evidence from at least two kinds of source")
    expect(overridden).to_contain_text("Overridden")
    expect(overridden).to_contain_text(REASON)

    # History records it.
    ui.goto(f"/reviews/{story.review_id}/history")
    expect(page.locator("main")).to_contain_text("Guidance override: Evidence from at least two")


def test_the_panel_refreshes_itself_when_something_changes(ui, one_source, app):
    story, cause = one_source
    page = ui.page
    ui.sign_in(story.user.email, PASSWORD)
    ui.goto(f"/reviews/{story.review_id}/analysis")
    rule = _rule(page, "Evidence from at least two kinds of source")
    expect(rule).to_contain_text("Needs attention")

    # Someone links an interview to the cause (another kind of source) elsewhere...
    with app.app_context():
        interview = story.evidence("interview", "Care worker: the app never alerted the office.")
        causes.link_evidence(db.session, story.review(), cause, [interview])
        db.session.commit()
    # ...and an area's endpoint answers with HX-Trigger: rca:changed, which lands on the body.
    page.get_by_role("link", name=re.compile("Go to fix")).first.focus()
    ui.act(
        lambda: page.evaluate(
            "document.body.dispatchEvent(new CustomEvent('rca:changed', {bubbles: true}))"
        ),
    )
    expect(_rule(page, "Evidence from at least two kinds of source")).to_contain_text("Passed")
    # The refresh leaves focus alone (it did not jump to the pane heading).
    expect(page.locator("#pane-title")).not_to_be_focused()
