"""The report pane in real Chromium: the draft renders in the background while the pane polls,
its pages appear, the reviewer issues a version, and an upload of that PDF is recognised.
Every page and swap is checked by axe (see conftest.UI)."""

from __future__ import annotations

import re

import pytest
from conftest import PASSWORD
from playwright.sync_api import expect

from tests.reports.conftest import _cache_here, report_review  # noqa: F401
from tests.timeline.conftest import scenario  # noqa: F401

pytestmark = pytest.mark.browser


def test_draft_pages_issue_and_verify(ui, report_review, tmp_path):  # noqa: F811
    page = ui.page
    ui.sign_in("inv@example.org", PASSWORD)
    ui.goto(f"/reviews/{report_review.review_id}/report")
    expect(page.get_by_role("heading", name="Report", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("Replacements made"))).to_be_visible()
    expect(page.locator(".report-replacements")).to_contain_text("Person A")

    # The background render finishes and the polled fragment swaps in the page images.
    pages = page.locator(".report-pages img")
    expect(pages.first).to_be_visible(timeout=60_000)
    ui.settle()
    ui.axe()
    expect(page.locator(".report-draft__links")).to_contain_text("pages")

    # Issue version 1 to the commissioners.
    page.get_by_label("Issued to").fill("Westshire County Council commissioning team")
    ui.act(
        lambda: page.get_by_role("button", name="Issue version 1").click(),
        page.get_by_role("heading", name="Issued versions", exact=True),
    )
    expect(page.get_by_role("status").first).to_contain_text("Version 1 issued")
    issued = page.locator(".report-issued")
    expect(issued).to_contain_text("Westshire County Council commissioning team")
    digest = issued.locator(".report-hash").first.inner_text()

    # Download the issued PDF and check it back in: an exact copy.
    response = page.request.get(f"/reviews/{report_review.review_id}/report/issued/1.pdf")
    copy = tmp_path / "from-email.pdf"
    copy.write_bytes(response.body())
    page.get_by_label("PDF to check").set_input_files(str(copy))
    ui.act(
        lambda: page.get_by_role("button", name="Check", exact=True).click(),
        page.get_by_text(re.compile("is exactly version 1")),
    )
    expect(page.locator(".report-hash").first).to_have_text(digest)
