"""The analysis pane in real Chromium: add a cause with Enter, nest a why, change status with a
reason, link evidence. Every page and swap is checked by axe (see conftest.UI)."""

from __future__ import annotations

import pytest
from conftest import PASSWORD
from playwright.sync_api import expect

from tests.fishbone.conftest import fb  # noqa: F401  (the review with evidence)

pytestmark = pytest.mark.browser


def test_build_a_fishbone_from_the_keyboard(ui, fb):  # noqa: F811
    page = ui.page
    ui.sign_in("inv@example.org", PASSWORD)
    ui.goto(f"/reviews/{fb.review_id}/analysis")
    expect(page.get_by_role("heading", name="Analysis", exact=True)).to_be_visible()
    expect(page.locator("svg.fishbone")).to_be_visible()

    # Type a cause and press Enter: it appears in the outline and the picture, focus stays put.
    quick = page.get_by_label("Add a cause")
    page.get_by_label("Bone", exact=True).select_option(label="Training and induction")
    quick.fill("Agency staff unfamiliar with MAR")
    ui.act(lambda: quick.press("Enter"), page.locator(".fb-row").first)
    row = page.locator(".fb-row").first
    expect(row).to_contain_text("Agency staff unfamiliar with MAR")
    expect(page.locator("svg.fishbone")).to_contain_text("Agency staff unfamiliar with MAR")
    expect(page.get_by_label("Add a cause")).to_be_focused()
    expect(page.get_by_label("Add a cause")).to_have_value("")

    # Nest a why under it, from the keyboard: "Why?" opens the row's panel at the why box.
    row.get_by_role("link", name="Why?").focus()
    ui.act(lambda: page.keyboard.press("Enter"), page.get_by_label("Why? A cause of", exact=False))
    why = page.get_by_label("Why? A cause of", exact=False)
    expect(why).to_be_focused()
    why.fill("No MAR competency check before the round")
    ui.act(lambda: why.press("Enter"), page.locator(".fb-row .fb-row").first)
    child = page.locator(".fb-row .fb-row").first
    expect(child).to_contain_text("No MAR competency check before the round")

    # Change the status: without a reason it asks for one, with a reason it saves.
    row = page.locator(".fb-row").first
    ui.act(lambda: row.get_by_role("link", name="Edit").first.click(), page.locator(".fb-panel"))
    form = page.locator(".fb-panel .fb-edit__form")
    form.get_by_label("Status", exact=True).select_option("supported")
    ui.act(
        lambda: form.get_by_role("button", name="Save").click(),
        page.locator(".fb-panel .field-error").first,
    )
    expect(page.locator(".fb-panel .field-error").first).to_contain_text(
        "Say why the status changes"
    )
    form = page.locator(".fb-panel .fb-edit__form")
    form.get_by_label("Status", exact=True).select_option("supported")
    form.get_by_label("Reason for a status change").fill("Interview and MAR agree")
    ui.act(lambda: form.get_by_role("button", name="Save").click(), page.locator(".fb-row").first)
    expect(page.locator(".fb-row").first.locator(".fb-status").first).to_contain_text("Supported")
    expect(page.locator(".fb-panel")).to_have_count(0)

    # Open the evidence drawer and link the MAR entry.
    ui.act(
        lambda: page.locator(".fb-row").first.locator(".fb-evidence-link").first.click(),
        page.locator("#fb-drawer-title"),
    )
    drawer = page.locator("#fb-drawer")
    drawer.get_by_label("Dose not signed at 18:00", exact=False).check()
    ui.act(
        lambda: drawer.get_by_role("button", name="Link the ticked evidence").click(),
        page.get_by_text("Linked (1)"),
    )
    expect(page.locator(".fb-row").first.locator(".fb-evidence-link").first).to_contain_text(
        "1 evidence"
    )
