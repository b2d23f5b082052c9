"""The governance dashboard in real Chromium, with axe-core on every page: filters chosen in the
form live in the URL (back and reload keep them), each chart has its table, and the pack is
issued, downloaded and listed with its SHA-256."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from conftest import PASSWORD
from governance.quality_provider import qs_provider  # noqa: F401
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_filters_in_the_url_tables_and_the_pack(ui, qs_provider, tmp_path: Path):  # noqa: F811
    ui.sign_in("admin@example.org", PASSWORD)
    page = ui.goto("/learning/dashboard")
    page.get_by_label("Services", exact=True).select_option(["OAK", "WIL"])
    page.get_by_label("Incidents from").fill("2026-01-01")
    page.get_by_label("to", exact=True).fill("2026-11-30")
    ui.act(lambda: page.get_by_role("button", name="Show").click())
    assert "service=OAK&service=WIL" in page.url and "until=2026-11-30" in page.url
    scope = page.locator(".lg-scope")
    expect(scope).to_contain_text("Oakfield House, Willow Lane, 01/01/2026 to 30/11/2026")
    overdue = page.get_by_role("region", name="Overdue actions by owner")
    expect(overdue.get_by_role("img", name="Overdue actions by owner")).to_be_visible()
    overdue.get_by_text("Overdue actions as a table").click()
    expect(overdue.get_by_role("row", name="Daniel Okafor 1 01/06/2026")).to_be_visible()

    page = ui.goto("/learning")
    page = ui.back(expect_visible=page.locator(".lg-scope"))
    expect(page.locator(".lg-scope")).to_contain_text("Oakfield House, Willow Lane")
    expect(page.get_by_label("Services", exact=True)).to_have_values(["OAK", "WIL"])
    page = ui.reload(expect_visible=page.locator(".lg-scope"))
    expect(page.get_by_label("Incidents from")).to_have_value("2026-01-01")

    with page.expect_download() as download:
        page.get_by_role("button", name="Issue the quality-meeting pack (PDF)").click()
    saved = tmp_path / "pack.pdf"
    download.value.save_as(saved)
    data = saved.read_bytes()
    assert data.startswith(b"%PDF")
    page = ui.reload(expect_visible=page.locator(".db-packs"))
    packs = page.get_by_role("region", name="Packs issued")
    expect(packs).to_contain_text(hashlib.sha256(data).hexdigest())
    expect(packs).to_contain_text("Oakfield House, Willow Lane")
