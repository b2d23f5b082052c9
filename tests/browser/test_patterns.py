"""Near-miss patterns in real Chromium: the manager opens Decline, is told a reason is needed
(the pattern swapped in place by htmx, nothing saved), gives one, and the pattern shows as
declined. axe checks every state."""

from __future__ import annotations

import pytest
from conftest import PASSWORD
from governance.conftest import log_incidents, oak_review, people  # noqa: F401
from governance.test_patterns import FALLS
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_declining_a_pattern_needs_a_reason_then_shows_it_decided(
    ui,
    people,  # noqa: F811 - the fixtures imported above
    oak_review,  # noqa: F811
    log_incidents,  # noqa: F811
):
    log_incidents(oak_review, FALLS)
    ui.sign_in("sarah@example.org", PASSWORD)
    page = ui.goto("/learning/patterns")
    card = page.locator(".nm-pattern").first
    expect(card).to_contain_text("3 “Fall” incidents at Oakfield House in 28 days")
    card.get_by_text("Decline…").click()
    ui.act(
        lambda: card.get_by_role("button", name="Decline", exact=True).click(),
        page.get_by_text("A reason for declining is required."),
    )
    card = page.locator(".nm-pattern").first
    card.get_by_label("Why no review is needed").fill("Each fall had a different cause.")
    ui.act(
        lambda: card.get_by_role("button", name="Decline", exact=True).click(),
        page.get_by_text("Declined", exact=True),
    )
    expect(page.locator(".nm-pattern").first).to_contain_text("Each fall had a different cause.")
    expect(page.get_by_role("button", name="Accept: start a review")).to_have_count(0)
