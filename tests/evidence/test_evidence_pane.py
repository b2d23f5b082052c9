"""The evidence pane through the web: upload, mapping, dry run, background import with progress,
rows needing attention and their retry, manual evidence, filters, a row's details, and access."""

from __future__ import annotations

import io
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select

from rca.db import db
from rca.evidence.models import EvidenceImport, EvidenceRow, MappingProfile, RejectedRow
from rca.jobs import jobs_for
from tests.helpers import private_job_files

from ._importing import CARE_NOTES_A, care_notes_a

HEADER = ",".join(CARE_NOTES_A)
HX = {"HX-Request": "1"}


@pytest.fixture(scope="module", autouse=True)
def _private_job_files(app: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Uploads and the embedded queue in this run's temporary folder, not the instance folder."""
    with private_job_files(app, tmp_path_factory.mktemp("evidence-pane")):
        yield


def csv_bytes(rows: list[list[str]], header: str = HEADER) -> bytes:
    import csv

    out = io.StringIO()
    out.write(header + "\r\n")
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8")


@pytest.fixture
def lead(make_service: Any, make_user: Any, make_review: Any, web_as: Any) -> dict[str, Any]:
    oak = make_service("OAK", name="Oak House")
    user = make_user("lead@example.org", "investigator", [oak], name="Lena Lead")
    review_id = make_review(user, oak)
    return {"web": web_as(user), "review_id": review_id, "service": oak, "user": user}


def upload(web: Any, review_id: int, data: bytes, name: str = "notes.csv", **extra: Any) -> Any:
    form = {"kind": "care-notes", "sheet": "", "file": (io.BytesIO(data), name), **extra}
    return web.post(
        f"/reviews/{review_id}/evidence/upload", data=form, content_type="multipart/form-data"
    )


def mapping_form(html: str) -> dict[str, str]:
    """The mapping step's fields as the browser would send them (selected options, hidden)."""
    form: dict[str, str] = {}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html):
        form[name] = value
    for name, body in re.findall(
        r'<select id="[^"]+" name="(map-[^"]+)">(.*?)</select>', html, re.S
    ):
        chosen = re.search(r'<option value="([^"]*)" selected>', body)
        form[name] = chosen.group(1) if chosen else ""
    form.pop("csrf_token", None)
    return form


def wait_for_import(app: Any, import_id: int, timeout: float = 20) -> EvidenceImport:
    deadline = time.monotonic() + timeout
    with app.app_context():
        while time.monotonic() < deadline:
            record = db.session.get(EvidenceImport, import_id)
            if record is not None and record.status in ("done", "failed"):
                db.session.expunge(record)
                return record
            db.session.remove()
            time.sleep(0.05)
    raise AssertionError(f"import {import_id} did not finish in {timeout} s")


def test_upload_map_dry_run_and_import_in_the_background(app: Any, lead: dict[str, Any]) -> None:
    web, rid = lead["web"], lead["review_id"]
    rows = care_notes_a(30)
    rows.append(["31/02/2026", "09:00", "Zoe Smith", "P-100", "Impossible day", "N"])
    rows.append(rows[0])  # an exact repeat inside the file
    step = upload(web, rid, csv_bytes(rows))
    assert step.status_code == 200, step.text
    assert "Map the columns of notes.csv" in step.text
    form = mapping_form(step.text)
    assert form["map-occurred_at"] == "Date" and form["map-text"] == "Note"
    assert "Visit 0: supported with breakfast" in step.text  # the sample rows

    dry = web.post(f"/reviews/{rid}/evidence/import", data={**form, "action": "dry-run"})
    assert dry.status_code == 200, dry.text
    assert "Dry run: nothing has been saved" in dry.text
    assert re.search(r"<dt>Would be imported</dt><dd>30</dd>", dry.text)
    assert "31/02/2026 is not a real date" in dry.text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(EvidenceRow)) == 0
        assert db.session.scalar(select(func.count()).select_from(EvidenceImport)) == 0

    form["profile_name"] = "CarePlanner notes"
    queued = web.post(f"/reviews/{rid}/evidence/import", data={**form, "action": "import"})
    assert queued.status_code == 303
    with app.app_context():
        import_id = db.session.scalar(select(EvidenceImport.id))
        assert db.session.scalar(select(MappingProfile.name)) == "CarePlanner notes"
    record = wait_for_import(app, import_id)
    assert record.status == "done", record.error
    assert (record.rows_read, record.imported) == (32, 30)
    assert record.rejected == [{"row": 32, "reason": record.rejected[0]["reason"]}]
    assert record.duplicates == [{"row": 33, "same_as_row": 2}]

    progress = web.get(f"/reviews/{rid}/evidence/imports/{import_id}/progress", headers=HX)
    assert "32 rows read · 30 imported · 1 already there · 1 need attention" in progress.text
    assert "hx-trigger" not in progress.text  # finished: polling stops

    pane = web.get(f"/reviews/{rid}/evidence")
    assert "30 rows" in pane.text and "Needs attention" in pane.text
    assert "Row 32 of notes.csv" in pane.text

    # A later file with the same headers uses the saved profile without asking.
    again = upload(web, rid, csv_bytes(care_notes_a(3, start=100)))
    assert "Uses profile <strong>CarePlanner notes</strong>" in again.text


def test_progress_is_read_from_job_storage_while_the_import_runs(
    app: Any, lead: dict[str, Any]
) -> None:
    """The pane shows rows done of total and time left from huey's storage."""
    from rca.jobs import Progress

    web, rid = lead["web"], lead["review_id"]
    with app.app_context():
        record = EvidenceImport(
            review_id=rid,
            kind="care-notes",
            file_name="big.csv",
            file_sha256="0" * 64,
            status="running",
            rows_total=4000,
        )
        db.session.add(record)
        db.session.commit()
        import_id = record.id
    jobs = jobs_for(app)
    now = time.time()
    with jobs.heartbeat(import_id):  # as the process running the job keeps it
        jobs.put_progress(import_id, Progress("importing", 1250, 4000, now - 8, now), force=True)
        try:
            html = web.get(f"/reviews/{rid}/evidence/imports/{import_id}/progress", headers=HX)
        finally:
            jobs.clear_progress(import_id)
    assert '<progress id="progress-' in html.text and 'max="4000" value="1250"' in html.text
    assert re.search(r"1,250 of 4,000 rows · about 1[78] s left", html.text)
    assert 'hx-trigger="every 1s"' in html.text
    # Still "running" with no heartbeat: no process runs it (tests/evidence/
    # test_interrupted_import.py kills a real one).
    html = web.get(f"/reviews/{rid}/evidence/imports/{import_id}/progress", headers=HX).text
    assert "interrupted before it finished" in html and "hx-trigger" not in html


def test_a_file_that_cannot_be_read_is_refused_on_the_form(lead: dict[str, Any]) -> None:
    web, rid = lead["web"], lead["review_id"]
    refused = upload(web, rid, b"\x00\x01\x02binary\x00" * 50, name="photo.csv")
    assert refused.status_code == 422
    assert "There is a problem" in refused.text or "field-error" in refused.text
    empty = upload(web, rid, b"", name="empty.csv")
    assert "Choose a file to upload" in empty.text


def test_upload_over_the_limit_gets_a_clear_error(app: Any, lead: dict[str, Any]) -> None:
    web, rid = lead["web"], lead["review_id"]
    app.config["EVIDENCE_MAX_BYTES"] = 1000
    try:
        too_big = upload(web, rid, csv_bytes(care_notes_a(40)))
    finally:
        app.config.pop("EVIDENCE_MAX_BYTES")
    assert too_big.status_code == 422
    assert "over the 0 MB limit" in too_big.text or "limit; nothing was saved" in too_big.text
    app.config["MAX_CONTENT_LENGTH"], saved = 2000, app.config["MAX_CONTENT_LENGTH"]
    try:
        body = upload(web, rid, csv_bytes(care_notes_a(80)))
    finally:
        app.config["MAX_CONTENT_LENGTH"] = saved
    assert body.status_code == 413
    assert "limit; nothing was saved" in body.text


def test_ambiguous_date_column_is_asked_about(lead: dict[str, Any]) -> None:
    web, rid = lead["web"], lead["review_id"]
    rows = [[f"0{d}/04/2026", "10:00", "Amir Khan", "P-1", f"Note {d}", "N"] for d in range(1, 6)]
    step = upload(web, rid, csv_bytes(rows))
    assert "How should the dates in “Date” be read?" in step.text
    form = mapping_form(step.text)
    unanswered = web.post(f"/reviews/{rid}/evidence/import", data={**form, "action": "dry-run"})
    assert unanswered.status_code == 422
    assert "Say how to read the dates in “Date”" in unanswered.text
    answered = web.post(
        f"/reviews/{rid}/evidence/import", data={**form, "action": "dry-run", "order-0": "mdy"}
    )
    assert answered.status_code == 200 and "<dd>5</dd>" in answered.text


def test_needs_attention_row_corrected_and_retried(app: Any, lead: dict[str, Any]) -> None:
    web, rid = lead["web"], lead["review_id"]
    rows = [*care_notes_a(3), ["30/02/2026", "09:00", "Beth Jones", "P-101", "Fixed later", "N"]]
    form = mapping_form(upload(web, rid, csv_bytes(rows)).text)
    web.post(f"/reviews/{rid}/evidence/import", data={**form, "action": "import"})
    with app.app_context():
        import_id = db.session.scalar(select(EvidenceImport.id))
    assert wait_for_import(app, import_id).imported == 3
    with app.app_context():
        rejected = db.session.scalars(select(RejectedRow)).one()
        rejected_id, headers = rejected.id, list(rejected.cells)
    pane = web.get(f"/reviews/{rid}/evidence").text
    assert 'value="30/02/2026"' in pane
    cells = {f"cell-{i}": rows[3][i] for i in range(len(headers))}
    still_bad = web.post(
        f"/reviews/{rid}/evidence/attention/{rejected_id}", data=cells, headers={"HX-Request": "1"}
    )
    assert still_bad.status_code == 422 and "Still not readable" in still_bad.text
    cells["cell-0"] = "28/02/2026"
    fixed = web.post(
        f"/reviews/{rid}/evidence/attention/{rejected_id}", data=cells, headers={"HX-Request": "1"}
    )
    assert fixed.status_code == 200 and fixed.headers["HX-Trigger"] == "evidence-changed"
    with app.app_context():
        assert db.session.get(RejectedRow, rejected_id).status == "resolved"
        assert db.session.scalar(select(func.count()).select_from(EvidenceRow)) == 4


def test_manual_evidence_is_validated_and_added(app: Any, lead: dict[str, Any]) -> None:
    web, rid = lead["web"], lead["review_id"]
    bad = web.post(f"/reviews/{rid}/evidence/manual", data={"manual_kind": "interview"})
    assert bad.status_code == 422
    assert "Date is required" in bad.text and "Summary is required" in bad.text
    form = {
        "manual_kind": "interview",
        "manual_on": "2026-10-03",
        "manual_at": "14:30",
        "manual_author": "Lena Lead",
        "manual_text": "Night senior said the <script>alert(1)</script> MAR chart was missing.",
    }
    assert web.post(f"/reviews/{rid}/evidence/manual", data=form).status_code == 303
    again = web.post(f"/reviews/{rid}/evidence/manual", data=form)
    assert again.status_code == 422 and "already recorded" in again.text
    pane = web.get(f"/reviews/{rid}/evidence").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pane and "<script>alert(1)" not in pane
    with app.app_context():
        row = db.session.scalars(select(EvidenceRow)).one()
        assert row.kind == "interview" and row.author == "Lena Lead"
        assert row.occurred_at is not None and row.occurred_at.hour == 13  # 14:30 BST in UTC


def test_filters_detail_and_access(
    app: Any, lead: dict[str, Any], make_user: Any, web_as: Any, make_service: Any
) -> None:
    web, rid = lead["web"], lead["review_id"]
    rows = care_notes_a(60)
    rows[5][4] = '=HYPERLINK("http://x") <script>alert(2)</script>'
    form = mapping_form(upload(web, rid, csv_bytes(rows)).text)
    web.post(f"/reviews/{rid}/evidence/import", data={**form, "action": "import"})
    with app.app_context():
        import_id = db.session.scalar(select(EvidenceImport.id))
    assert wait_for_import(app, import_id).imported == 60

    first = web.get(f"/reviews/{rid}/evidence").text
    assert "60 rows; showing 1–50" in first and 'id="ev-next"' in first
    second = web.get(f"/reviews/{rid}/evidence/rows?page=2", headers={"HX-Request": "1"})
    assert "showing 51–60" in second.text
    assert second.headers["HX-Push-Url"].endswith("/evidence?page=2")
    zoe = web.get(f"/reviews/{rid}/evidence/rows?q=zoe+smith", headers={"HX-Request": "1"}).text
    assert "20 rows" in zoe
    person = web.get(f"/reviews/{rid}/evidence/rows?person=p-101", headers={"HX-Request": "1"})
    assert "12 rows" in person.text
    dated = web.get(
        f"/reviews/{rid}/evidence/rows?date_from=2026-10-13&date_to=2026-10-13",
        headers={"HX-Request": "1"},
    )
    assert "4 rows" in dated.text
    bad_date = web.get(f"/reviews/{rid}/evidence?date_from=31/02/2026").text
    assert "31/02/2026 is not a real date" in bad_date and "60 rows" in bad_date

    with app.app_context():
        row = db.session.scalars(select(EvidenceRow).where(EvidenceRow.row_number == 7)).one()
        file_sha256 = row.file_sha256  # the file's, kept on the row's import
        assert file_sha256 and len(file_sha256) == 64
    detail = web.get(f"/reviews/{rid}/evidence/rows/{row.id}", headers={"HX-Request": "1"}).text
    assert "Row 7 of notes.csv" in detail and file_sha256 in detail
    assert row.content_hash in detail and "Lena Lead" in detail
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in detail and "<script>alert(2)" not in detail
    plain = web.get(f"/reviews/{rid}/evidence/rows/{row.id}")
    assert plain.status_code == 302 and f"row={row.id}" in plain.headers["Location"]

    # Someone from another service: 404 everywhere; a viewer may look but not import.
    elm = make_service("ELM")
    outsider = web_as(make_user("out@example.org", "investigator", [elm]))
    assert outsider.get(f"/reviews/{rid}/evidence/rows/{row.id}", headers=HX).status_code == 404
    assert outsider.get(f"/reviews/{rid}/evidence/export.csv").status_code == 404
    assert upload(outsider, rid, csv_bytes(rows)).status_code == 404
    viewer = web_as(make_user("view@example.org", "read-only", [lead["service"]]))
    assert viewer.get(f"/reviews/{rid}/evidence").status_code == 200
    assert upload(viewer, rid, csv_bytes(rows)).status_code == 403
    assert viewer.post(f"/reviews/{rid}/evidence/manual", data={}).status_code == 403


def test_needs_attention_is_paged_and_a_retry_stays_on_its_page(
    app: Any, lead: dict[str, Any]
) -> None:
    """A messy export leaves more rows needing attention than one page: each page of 50 can be
    reached, and correcting a row on page 3 answers with page 3 again."""
    from rca.evidence.importer import ImportRequest, run_import
    from rca.evidence.reading import read_table
    from rca.reviews.models import Review

    web, rid = lead["web"], lead["review_id"]
    bad = [
        [f"3{i % 2}/02/2026", "09:00", "Beth Jones", "P-101", f"Visit {i}", "N"] for i in range(120)
    ]
    good = care_notes_a(2)
    with app.app_context():
        table = read_table(csv_bytes([*good, *bad]), "messy.csv")
        review = db.session.get(Review, rid)
        outcome = run_import(
            db.session, ImportRequest(review=review, kind="care-notes", table=table)
        )
        db.session.commit()
    assert len(outcome.rejected) == 120
    first = web.get(f"/reviews/{rid}/evidence").text
    assert "Rows 1–50 of 120" in first and 'id="attention-next"' in first
    assert 'id="attention-prev"' not in first
    third = web.get(f"/reviews/{rid}/evidence?attention_page=3").text
    assert "Rows 101–120 of 120" in third and 'id="attention-next"' not in third
    # Spreadsheet rows 104-123 are on page 3 (header = row 1, two good rows first).
    assert "Row 123 of messy.csv" in third and "Row 103 of messy.csv" not in third
    beyond = web.get(f"/reviews/{rid}/evidence?attention_page=9").text  # past the end: the last
    assert "Rows 101–120 of 120" in beyond and "Row 123 of messy.csv" in beyond
    with app.app_context():
        item = db.session.scalars(select(RejectedRow).where(RejectedRow.row_number == 123)).one()
        item_id, width = item.id, len(item.cells)
    cells = {f"cell-{i}": v for i, v in enumerate(bad[-1][:width])}
    cells.update({"cell-0": "28/02/2026", "attention_page": "3"})
    fixed = web.post(f"/reviews/{rid}/evidence/attention/{item_id}", data=cells, headers=HX)
    assert fixed.status_code == 200
    assert "Rows 101–119 of 119" in fixed.text and "Row 123 of messy.csv" not in fixed.text
    plain = web.post(f"/reviews/{rid}/evidence/attention/{item_id - 1}", data=cells)
    assert plain.status_code == 303 and plain.headers["Location"].endswith(
        "?attention_page=3#attention"
    )
