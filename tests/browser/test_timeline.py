"""The timeline pane in real Chromium: zoom, filter, open an event, mark a key moment; back and
refresh keep the view. Every page and swap is checked by axe (see conftest.UI)."""

from __future__ import annotations

import re

import pytest
from conftest import PASSWORD
from playwright.sync_api import expect

from tests.timeline.conftest import scenario  # noqa: F401  (the realistic review fixture)

pytestmark = pytest.mark.browser


def test_zoom_filter_mark_and_keep_the_view(ui, scenario):  # noqa: F811
    page = ui.page
    ui.sign_in("inv@example.org", PASSWORD)
    ui.goto(f"/reviews/{scenario.review_id}/timeline")
    expect(page.get_by_role("heading", name="Timeline", exact=True)).to_be_visible()
    expect(page.locator(".tl-svg")).to_be_visible()

    # Zoom to a week: the URL keeps the window.
    zoom = page.get_by_role("navigation", name="Zoom and move along the timeline")
    ui.act(lambda: zoom.get_by_role("link", name="Week").click(), page.locator("#tl-window"))
    expect(page).to_have_url(re.compile(r"window=week"))
    ui.act(
        lambda: zoom.get_by_role("link", name=re.compile("Later week")).click(),
        page.locator("#tl-window"),
    )
    expect(page.locator("#tl-window")).to_contain_text("05/10/2026 to 11/10/2026")
    week_url = page.url

    # Filter by text: only the bruising review remains in the table.
    page.get_by_label("Text contains").fill("bruising")
    ui.act(lambda: page.get_by_role("button", name="Show").click(), page.locator("#tl-events"))
    expect(page).to_have_url(re.compile(r"q=bruising"))
    rows = page.locator("#tl-events").locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Reviewed the bruising")

    # Back returns to the unfiltered week; forward and refresh keep the filter.
    ui.back(page.locator("#tl-window"))
    expect(page).to_have_url(week_url)
    expect(page.get_by_label("Text contains")).to_have_value("")
    ui.forward(page.locator("#tl-window"))
    ui.reload(page.locator("#tl-window"))
    expect(page.get_by_label("Text contains")).to_have_value("bruising")
    expect(page.locator("#tl-window")).to_contain_text("05/10/2026 to 11/10/2026")

    # Open the event beside the picture (no page load), then mark it a key moment.
    ui.act(
        lambda: rows.first.get_by_role("link").click(),
        page.locator("#tl-detail-title"),
    )
    expect(page.locator("#tl-detail")).to_contain_text("Sarah Mitchell at this time")
    expect(page).to_have_url(re.compile(r"event=\d+"))
    detail = page.locator("#tl-detail")
    detail.get_by_label("Mark as").select_option("key-moment")
    detail.get_by_label("What this event shows").fill("Management first saw the bruising here.")
    ui.act(
        lambda: detail.get_by_role("button", name="Add to the timeline").click(),
        page.locator(".tl-notes"),
    )
    expect(page.locator(".tl-notes")).to_contain_text("Management first saw the bruising here.")
    expect(page.locator(".tl-svg .tl-key")).to_have_count(1)
    # The view survived the change and a refresh.
    expect(page).to_have_url(re.compile(r"window=week.*q=bruising"))
    ui.reload(page.locator(".tl-notes"))
    expect(page.locator("#tl-window")).to_contain_text("05/10/2026 to 11/10/2026")


def test_lanes_can_be_hidden(ui, scenario):  # noqa: F811
    page = ui.page
    ui.sign_in("inv@example.org", PASSWORD)
    ui.goto(f"/reviews/{scenario.review_id}/timeline")
    page.get_by_label("Medication").uncheck()
    ui.act(lambda: page.get_by_role("button", name="Show").click(), page.locator(".tl-svg"))
    expect(page).to_have_url(re.compile(r"lane=care"))
    expect(page.locator(".tl-svg")).not_to_contain_text("Medication")
    expect(page.locator("#tl-events")).not_to_contain_text("Refused evening medication")
