"""The evidence pane in real Chromium against a live server, keyboard first: upload a CSV, map its
columns, dry-run it, import it in the background with the progress bar, open a row's original
cells, filter, and add evidence by hand. Every page and swap is checked by axe (conftest.UI)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import PASSWORD
from playwright.sync_api import expect

from tests.helpers import private_job_files

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _private_job_files(app: Any, tmp_path: Path) -> Iterator[None]:
    """This test's uploads and embedded queue in a temporary folder."""
    with private_job_files(app, tmp_path):
        yield


def _care_notes(path: Path, n: int) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Visit date", "Visit time", "Carer", "Client ID", "Notes", "Concern?"])
        for i in range(n):
            note = f"Visit {i}: breakfast, meds given."
            if i == 3:
                note = "<script>alert('x')</script> =SUM(A1) Zoë refused lunch"
            w.writerow(
                [
                    f"{13 + i % 15:02d}/10/2026",
                    f"{8 + i % 12:02d}:15",
                    "Zoë Smith",
                    f"P-{100 + i % 3}",
                    note,
                    "Y" if i == 3 else "N",
                ]
            )
        w.writerow(["31/02/2026", "09:00", "Amir Khan", "P-100", "Impossible date", "N"])
    return path


def test_import_a_file_and_read_its_rows_by_keyboard(
    ui: Any, make_service: Any, make_user: Any, make_review: Any, tmp_path: Path
) -> None:
    oak = make_service("OAK", name="Oak House")
    user = make_user("inv@example.org", "investigator", [oak], name="Ivy Investigator")
    review_id = make_review(user, oak)
    page = ui.page
    ui.sign_in("inv@example.org", PASSWORD)
    ui.goto(f"/reviews/{review_id}/evidence")
    expect(page.get_by_role("heading", name="Evidence", exact=True)).to_be_visible()
    expect(page.get_by_text("No evidence yet.")).to_be_visible()

    # Upload without choosing anything: the errors are announced beside the form.
    ui.act(
        lambda: page.get_by_role("button", name="Upload and map columns").click(),
        page.locator("#kind-error"),
    )
    page.get_by_label("What the file holds").select_option("care-notes")
    page.locator("#upload-file").set_input_files(str(_care_notes(tmp_path / "notes.csv", 40)))
    ui.act(
        lambda: page.get_by_role("button", name="Upload and map columns").press("Enter"),
        page.get_by_role("heading", name="Map the columns of notes.csv"),
    )
    expect(page.get_by_label("Date Required")).to_have_value("Visit date")
    expect(page.get_by_label("What happened Required")).to_have_value("Notes")
    page.get_by_label("Save as a profile for this source system").fill("CareDiary notes")

    ui.act(
        lambda: page.get_by_role("button", name="Dry run").click(),
        page.get_by_role("heading", name="Dry run: nothing has been saved"),
    )
    expect(page.locator(".dry-run")).to_contain_text("31/02/2026 is not a real date")

    ui.act(
        lambda: page.get_by_role("button", name="Import", exact=True).click(),
        page.get_by_role("heading", name="Recent imports"),
    )
    done = page.locator("#imports .status--done")
    expect(done).to_have_count(1, timeout=20_000)
    expect(page.locator("#imports")).to_contain_text("41 rows read · 40 imported")
    # The finished import refreshes the summary, the needs-attention list and the table in
    # place, without a reload.
    expect(page.locator("p.lead")).to_contain_text("40 pieces of evidence")
    expect(page.get_by_text("No evidence yet.")).to_have_count(0)
    expect(page.get_by_role("heading", name="Needs attention")).to_be_visible()
    ui.axe()
    expect(page.locator(".count")).to_contain_text("40 rows")
    expect(page.locator("#attention")).to_contain_text("Row 42 of notes.csv")

    # Open row 5's original cells from the keyboard; focus lands on the details.
    link = page.get_by_role("link", name="Row 5: original cells and provenance")
    link.focus()
    ui.act(lambda: page.keyboard.press("Enter"), page.locator(".evidence-detail"))
    heading = page.get_by_role("heading", name="Row 5 of notes.csv")
    expect(heading).to_be_focused()
    detail = page.locator(".evidence-detail")
    expect(detail).to_contain_text("<script>alert('x')</script> =SUM(A1) Zoë refused lunch")
    expect(detail).to_contain_text("File SHA-256")
    expect(page).to_have_url(f"{ui.base_url}/reviews/{review_id}/evidence")

    # Full-text search narrows the table in place.
    search = page.get_by_label("Search text and cells")
    ui.act(lambda: search.fill("refused lunch"), page.get_by_text("1 row."))
    expect(search).to_be_focused()
    expect(page).to_have_url(f"{ui.base_url}/reviews/{review_id}/evidence?q=refused+lunch")

    # Evidence by hand.
    page.get_by_text("Add evidence by hand").click()
    page.get_by_label("Type").select_option("observation")
    page.get_by_label("Date", exact=True).fill("2026-10-20")
    summary = page.get_by_role("textbox", name="Summary")
    summary.fill("Lunchtime: two staff on the floor for eleven people.")
    ui.act(
        lambda: page.get_by_role("button", name="Add evidence").click(),
        page.get_by_text("Added to the evidence."),
    )
