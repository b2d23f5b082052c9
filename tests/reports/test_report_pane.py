"""The report pane: the draft rendered in the background and shown page by page, the
replacements preview, the names choice, issuing with a recipient, the verify-upload form."""

from __future__ import annotations

import io
import re
import time
from typing import Any

from rca.db import db
from rca.provider.models import Service
from rca.reports.models import IssuedReport, ReportSetting


def _pane(web: Any, rid: int, **params: str) -> str:
    page = web.get(f"/reviews/{rid}/report", query_string=params)
    assert page.status_code == 200, page.text
    return page.text


def _wait_for_pages(web: Any, rid: int, timeout: float = 30) -> str:
    """Poll the draft fragment as htmx would (the URL the pane gave) until the pages are there."""
    html = _pane(web, rid)
    polled = re.search(r'hx-get="(/reviews/\d+/report/draft\?key=[0-9a-f]{64})"', html)
    url = polled.group(1) if polled else f"/reviews/{rid}/report/draft"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        fragment = web.get(url, headers={"HX-Request": "true"})
        assert fragment.status_code == 200
        if "report-pages" in fragment.text:
            return fragment.text
        assert 'hx-trigger="every 1s"' in fragment.text  # still polling while it runs
        time.sleep(0.2)
    raise AssertionError("the draft did not render in time")


def _reader(app: Any, make_user: Any, report_review: Any) -> Any:
    with app.app_context():
        oak = db.session.get(Service, report_review.service_id)
        db.session.expunge(oak)
    return make_user("reader@example.org", "read-only", [oak])


def test_the_draft_renders_in_the_background_and_shows_its_pages(
    app: Any, web_as: Any, report_review: Any
) -> None:
    web = web_as(report_review.user)
    rid = report_review.review_id
    html = _pane(web, rid)
    assert "Draft of version 1" in html and "Replacements made" in html
    assert "Edith Brown" in html and "Person A" in html  # the preview, for an investigator
    fragment = _wait_for_pages(web, rid)
    image = re.search(r'src="(/reviews/\d+/report/pages/[0-9a-f]{64}/1\.png)"', fragment)
    assert image, fragment
    png = web.get(image.group(1))
    assert png.status_code == 200 and png.data.startswith(b"\x89PNG")
    # An unchanged review: the pane shows the cached pages at once, no job, no polling.
    assert "report-pages" in _pane(web, rid) and 'hx-trigger="every 1s"' not in _pane(web, rid)
    draft = web.get(f"/reviews/{rid}/report/draft.pdf")
    assert draft.status_code == 200 and draft.data.startswith(b"%PDF")


def test_issue_lists_the_version_and_verify_recognises_it(
    app: Any, web_as: Any, report_review: Any
) -> None:
    web = web_as(report_review.user)
    rid = report_review.review_id
    refused = web.post(f"/reviews/{rid}/report/issue", {"recipient": ""})
    assert refused.status_code == 422 and "Enter who the report is issued to." in refused.text
    done = web.post(
        f"/reviews/{rid}/report/issue", {"recipient": "Westshire CCG", "flags_checked": "yes"}
    )
    assert done.status_code == 303, done.text
    html = _pane(web, rid, issued="1")
    assert "Version 1 issued" in html and "Westshire CCG" in html
    with app.app_context():
        record = db.session.query(IssuedReport).one()
        data, digest = bytes(record.pdf), record.sha256
    assert digest in html
    stored = web.get(f"/reviews/{rid}/report/issued/1.pdf")
    assert stored.data == data
    exact = web.post(
        f"/reviews/{rid}/report/verify",
        {"file": (io.BytesIO(data), "from-email.pdf")},
        content_type="multipart/form-data",
    )
    assert "is exactly version 1 of RCA-2026-0001" in exact.text
    altered = web.post(
        f"/reviews/{rid}/report/verify",
        {"file": (io.BytesIO(data[:-10] + b"0000000000"), "edited.pdf")},
        content_type="multipart/form-data",
    )
    assert "matches no issued version" in altered.text


def test_flagged_words_must_be_checked_before_issue(
    app: Any, web_as: Any, report_review: Any
) -> None:
    from rca.fishbone.models import Cause

    with app.app_context():
        db.session.get(Cause, report_review.causes["ruled_out"]).text = "Mrs Henderson's lamp"
        db.session.commit()
    web = web_as(report_review.user)
    rid = report_review.review_id
    assert "Check before issue" in _pane(web, rid) and "Mrs Henderson" in _pane(web, rid)
    refused = web.post(f"/reviews/{rid}/report/issue", {"recipient": "CQC"})
    assert refused.status_code == 422 and "tick the box" in refused.text
    with app.app_context():
        assert db.session.query(IssuedReport).count() == 0


def test_the_names_choice_is_recorded_and_read_only_never_sees_names(
    app: Any, web_as: Any, make_user: Any, report_review: Any
) -> None:
    rid = report_review.review_id
    web = web_as(report_review.user)
    assert web.post(f"/reviews/{rid}/report/settings", {"staff_names": "yes"}).status_code == 303
    with app.app_context():
        assert db.session.query(ReportSetting).one().staff_names is True
    assert "staff by name, as the provider chose" in _pane(web, rid)
    reader = web_as(_reader(app, make_user, report_review))
    html = _pane(reader, rid)
    assert "Edith Brown" not in html and "Replacements made" in html
    assert reader.get(f"/reviews/{rid}/report", query_string={"internal": "1"}).status_code == 403
    assert reader.get(f"/reviews/{rid}/report/draft.pdf?internal=1").status_code == 403
    assert reader.post(f"/reviews/{rid}/report/issue", {"recipient": "x"}).status_code == 403
    assert reader.post(f"/reviews/{rid}/report/settings", {"staff_names": "no"}).status_code == 403
