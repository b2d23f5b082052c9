"""A person's way through the first stages of a review, in real Chromium against a live server.

Every page and every htmx swap these tests reach is checked by axe-core (see conftest.UI).
"""

from __future__ import annotations

import re

import pytest
from conftest import PASSWORD
from playwright.sync_api import expect

from rca.db import db
from rca.reviews import lifecycle
from rca.reviews.models import Review

pytestmark = pytest.mark.browser


def _start_review(ui, title="Fall in the lounge", severity="severe", people="1"):
    page = ui.page
    ui.act(
        lambda: page.get_by_role("link", name="Start a review").first.click(),
        page.get_by_role("heading", name="Start a review"),
    )
    page.get_by_label("Title").fill(title)
    page.get_by_label("What started this review").select_option("incident")
    page.get_by_label("Date of the event").fill("2026-10-02")
    page.get_by_label("Severity of harm").select_option(severity)
    page.get_by_label("People affected").fill(people)
    ui.act(
        lambda: page.get_by_role("button", name="Start review and see the recommendation").click(),
        page.get_by_role("heading", name="Triage", exact=True),
    )
    expect(page).to_have_url(re.compile(r"/reviews/\d+/triage$"))
    return page


def test_start_triage_override_scope_and_history_navigation(ui, make_service, make_user):
    oak = make_service("OAK", name="Oak House")
    make_user("inv@example.org", "investigator", [oak], name="Ivy Investigator")
    page = ui.page
    ui.sign_in("inv@example.org", PASSWORD)
    expect(page.get_by_role("heading", name="Reviews")).to_be_visible()

    _start_review(ui)
    triage_url = page.url
    recommendation = page.locator(".recommendation")
    expect(recommendation).to_contain_text("Recommended: Full root-cause review")
    expect(recommendation).to_contain_text("Serious harm: the event resulted in severe harm.")

    # Override without a reason: the error sits beside the reason field.
    page.get_by_label("Short learning review").check()
    reason = page.get_by_label("Reason for overriding the recommendation")
    ui.act(
        lambda: page.get_by_role("button", name="Save depth").click(),
        page.locator("#depth_override_reason-error"),
    )
    expect(page.locator("#depth_override_reason-error")).to_contain_text("reason")
    expect(reason).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".review-head__meta")).to_contain_text("Full root-cause review")

    # With a reason it is saved and shown as an override.
    page.get_by_label("Short learning review").check()
    reason.fill("The fall was witnessed and the cause is already clear.")
    ui.act(
        lambda: page.get_by_role("button", name="Save depth").click(),
        page.locator(".override-note"),
    )
    expect(page.locator(".override-note")).to_contain_text("Overridden to Short learning review")
    expect(page.get_by_role("status")).to_contain_text("Saved.")

    # The stepper swaps the Scope pane in and pushes its URL.
    stepper = page.get_by_role("navigation", name="Review stages")
    ui.act(
        lambda: stepper.get_by_role("link", name=re.compile(r"^Scope")).click(),
        page.get_by_role("heading", name="Terms of reference"),
    )
    expect(page).to_have_url(re.compile(r"/reviews/\d+/scope$"))
    scope_url = page.url

    page.get_by_label("The question this review answers").fill(
        "Why was the change in mobility not reflected in the care plan?"
    )
    page.get_by_label("From").fill("2026-08-01")
    page.get_by_label("To", exact=True).fill("2026-10-31")
    page.get_by_label("Baseline issue").fill("Three of ten care plans were out of date.")
    page.get_by_label("Threshold (%)").fill("95")
    page.get_by_label("Measured over (weeks)").fill("8")
    page.get_by_label("Measure", exact=True).fill(
        "identified changes reflected in care plans within 5 working days"
    )
    page.get_by_label("Review lead").select_option(label="Ivy Investigator")
    page.get_by_label("People supported in scope").fill("P-1042, P-2001")
    ui.act(
        lambda: page.get_by_role("button", name="Save terms of reference").click(),
        page.get_by_role("status").filter(has_text="Saved."),
    )
    people = page.locator(".plain-list")
    expect(people).to_contain_text("Person A (P-1042)")
    expect(people).to_contain_text("Person B (P-2001)")
    expect(page.locator(".notice")).to_have_count(0)

    # Back goes to the triage pane (perhaps via the scope entry the save pushed), each time the
    # pane shown matches the address.
    for _ in range(3):
        ui.back()
        if page.url == triage_url:
            break
        expect(page).to_have_url(scope_url)
        expect(page.get_by_role("heading", name="Terms of reference")).to_be_visible()
    expect(page).to_have_url(triage_url)
    _expect_whole_page(page, "Triage")

    ui.reload(page.get_by_role("heading", name="Triage", exact=True))
    _expect_whole_page(page, "Triage")

    ui.forward(page.get_by_role("heading", name="Terms of reference"))
    expect(page).to_have_url(scope_url)
    _expect_whole_page(page, "Terms of reference")
    ui.reload(page.get_by_role("heading", name="Terms of reference"))
    _expect_whole_page(page, "Terms of reference")
    expect(page.get_by_label("Threshold (%)")).to_have_value("95")
    expect(page.locator(".plain-list")).to_contain_text("Person B (P-2001)")


def _expect_whole_page(page, heading):
    """The pane is inside a whole page: one site header, one main, the heading in the pane."""
    expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    expect(page.locator("header.site-header")).to_have_count(1)
    expect(page.locator("main#main")).to_have_count(1)
    expect(page.locator("#workspace")).to_have_count(1)


def test_filter_review_list_by_stage(ui, app, make_service, make_user, make_review):
    oak = make_service("OAK", name="Oak House")
    user = make_user("inv@example.org", "investigator", [oak])
    make_review(user, oak, title="Still in triage")
    moved = make_review(user, oak, title="Moved on to scope")
    with app.app_context():
        review = db.session.get(Review, moved)
        lifecycle.move_to_stage(review, "scope")
        db.session.commit()

    page = ui.page
    ui.sign_in("inv@example.org", PASSWORD)
    rows = page.locator("#review-list tbody tr")
    expect(rows).to_have_count(2)
    ui.act(
        lambda: page.get_by_label("Stage").select_option("scope"),
        page.get_by_text("1 review", exact=True),
    )
    expect(page).to_have_url(re.compile(r"[?&]stage=scope"))
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Moved on to scope")

    ui.reload(page.get_by_text("1 review", exact=True))
    expect(page.get_by_label("Stage")).to_have_value("scope")
    expect(rows).to_have_count(1)

    ui.act(
        lambda: page.get_by_label("Stage").select_option(""),
        page.get_by_text("2 reviews", exact=True),
    )
    expect(rows).to_have_count(2)


def test_skip_link_is_first_and_moves_focus_to_main(ui, make_service, make_user):
    oak = make_service("OAK")
    make_user("inv@example.org", "investigator", [oak])
    page = ui.page
    ui.sign_in("inv@example.org", PASSWORD)
    ui.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    ui.axe()


def test_wrong_password_and_unknown_email_show_one_generic_message(ui, make_service, make_user):
    oak = make_service("OAK")
    make_user("inv@example.org", "investigator", [oak])
    page = ui.page
    messages = []
    for email, password in (
        ("inv@example.org", "not-the-right-password"),
        ("nobody@example.org", PASSWORD),
    ):
        ui.sign_in(email, password)
        expect(page).to_have_url(re.compile(r"/login"))
        alert = page.get_by_role("alert")
        expect(alert).to_have_count(1)
        messages.append(alert.inner_text().strip())
        expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    assert messages[0] == messages[1] == "The email address or password is not right."


# --- The harness itself ----------------------------------------------------------------------


def test_axe_check_fails_on_a_serious_violation(ui):
    """An image without alt text (critical) must fail the check, so silence means something."""
    ui.goto("/login")
    ui.page.evaluate(
        "() => { const img = document.createElement('img'); img.src = '/static/none.png';"
        " document.querySelector('main').appendChild(img); }"
    )
    with pytest.raises(pytest.fail.Exception, match="image-alt"):
        ui.axe()


def test_a_page_reached_without_a_check_is_reported(ui):
    ui.page.goto("/login")  # straight through Playwright: no axe check
    ui.goto("/login?next=/")
    assert ui.unchecked and ui.unchecked[0].endswith("/login")
    ui.unchecked.clear()  # the harness noticed; let this test's teardown pass
