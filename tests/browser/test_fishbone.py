"""The analysis pane in real Chromium: add a cause with Enter, nest a why, change status with a
reason, link evidence. Every page and swap is checked by axe (see conftest.UI)."""

from __future__ import annotations

import pytest
from conftest import PASSWORD
from playwright.sync_api import expect

from tests.browser.conftest import stop_polling
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


def _sign_in(page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("h1")).to_be_visible()


def _add(page, text: str) -> None:
    quick = page.get_by_label("Add a cause")
    quick.fill(text)
    quick.press("Enter")
    expect(page.locator("#fb-outline .fb-row__text", has_text=text)).to_be_visible()


def test_the_pane_follows_other_peoples_changes(
    ui,
    browser,
    browser_context_args,
    make_user,
    fb,  # noqa: F811
):
    make_user("tom@example.org", "investigator", [fb.oak], name="Tom Whitfield")
    page = ui.page
    ui.sign_in("inv@example.org", PASSWORD)
    ui.goto(f"/reviews/{fb.review_id}/analysis")
    other_context = browser.new_context(**browser_context_args)
    try:
        other = other_context.new_page()
        _sign_in(other, "tom@example.org")
        other.goto(f"/reviews/{fb.review_id}/analysis")
        expect(other.locator("svg.fishbone")).to_be_visible()

        # A cause added in one browser is in the other's outline and picture within 2 s.
        _add(page, "Agency staff unfamiliar with MAR")
        added = other.locator("#fb-outline .fb-row__text", has_text="Agency staff unfamiliar")
        expect(added).to_be_visible(timeout=2_000)
        expect(other.locator("svg.fishbone")).to_contain_text(
            "Agency staff unfamiliar", timeout=2_000
        )
        ui.axe()

        # Tom opens a cause's panel and starts changing its text; Ivy adds another cause.
        # The picture follows at once; the outline waits, so Tom's edit is not wiped.
        other.locator(".fb-row").first.get_by_role("link", name="Edit").click()
        edit = other.locator(".fb-panel textarea[name=text]")
        expect(edit).to_be_focused()
        edit.fill("Agency staff unfamiliar with the eMAR")
        _add(page, "No MAR competency check")
        expect(other.locator("svg.fishbone")).to_contain_text(
            "No MAR competency check", timeout=2_000
        )
        expect(edit).to_have_value("Agency staff unfamiliar with the eMAR")
        expect(edit).to_be_focused()
        expect(other.locator("#fb-outline")).not_to_contain_text("No MAR competency check")

        # Tom saves: his answer brings the outline up to date, with both changes.
        other.locator(".fb-panel .fb-edit__form").get_by_role("button", name="Save").click()
        expect(other.locator(".fb-panel")).to_have_count(0)
        expect(other.locator("#fb-outline")).to_contain_text(
            "Agency staff unfamiliar with the eMAR"
        )
        expect(other.locator("#fb-outline")).to_contain_text("No MAR competency check")
        # And Ivy, who did not touch the outline, sees Tom's edit within 2 s.
        expect(page.locator("#fb-outline")).to_contain_text(
            "Agency staff unfamiliar with the eMAR", timeout=2_000
        )
        expect(page.get_by_label("Add a cause")).to_be_focused()  # where it rested

        # Half-typed text in "Add a cause" survives a reload, even once focus has left it.
        other.get_by_label("Add a cause").fill("Half-typed")
        other.locator("#fb-figure-scroll").focus()
        _add(page, "Evening handover rushed")
        expect(other.locator("svg.fishbone")).to_contain_text(
            "Evening handover rushed", timeout=2_000
        )
        expect(other.get_by_label("Add a cause")).to_have_value("Half-typed")
        expect(other.locator("#fb-figure-scroll")).to_be_focused()
        ui.axe()
    finally:
        for opened in other_context.pages:
            stop_polling(opened)
        other_context.close()


def test_own_change_is_not_reloaded_again(ui, fb):  # noqa: F811
    """The answer to my change already carries it: no extra reload of the outline or picture."""
    page = ui.page
    ui.sign_in("inv@example.org", PASSWORD)
    ui.goto(f"/reviews/{fb.review_id}/analysis")
    reloads: list[str] = []
    page.on(
        "request",
        lambda r: reloads.append(r.url) if "/analysis/" in r.url and r.method == "GET" else None,
    )
    _add(page, "Agency staff unfamiliar with MAR")
    # Two poll rounds: the poller reports the change; the page already shows it.
    page.wait_for_timeout(2_500)
    assert reloads == []
    expect(page.get_by_label("Add a cause")).to_be_focused()
