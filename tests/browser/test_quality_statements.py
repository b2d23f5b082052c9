"""Quality-statement tags and the inspection-evidence view in real Chromium, with axe-core on
every page: the view for one reader's service, and a tag added by hand from the drawer."""

from __future__ import annotations

import pytest
from conftest import PASSWORD
from governance.quality_provider import YEAR, qs_provider  # noqa: F401
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_the_view_and_a_tag_set_by_hand(ui, qs_provider):  # noqa: F811
    ui.sign_in("oak@example.org", PASSWORD)
    page = ui.goto(f"/learning/inspection?{YEAR}")
    expect(page.get_by_role("heading", name="Safe: Medicines optimisation")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("Fall on the landing")
    r1, c1 = qs_provider["reviews"]["R1"], qs_provider["causes"]["c1"]
    page = ui.goto(f"/reviews/{r1}/analysis?drawer={c1}")
    tags = page.locator(".qs-tags")
    expect(tags).to_contain_text("Safe: Safe and effective staffing")
    tags.locator("summary").click()
    statement = page.get_by_label("Quality statement", exact=True)
    statement.select_option("well-led.learning-improvement-innovation")
    page.get_by_label("Reason (recorded in the History)").fill("Shared at the quality meeting")
    ui.act(lambda: page.get_by_role("button", name="Save the tag").click())
    expect(page.locator(".qs-tags")).to_contain_text(
        "Well-led: Learning, improvement and innovation"
    )
    expect(page.locator(".qs-tags")).to_contain_text("Shared at the quality meeting")
