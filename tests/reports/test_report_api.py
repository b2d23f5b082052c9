"""The Contract: GET report.pdf[?draft=true], POST/GET issues, and the report CLI; access
rules (another service's review is a 404; read-only never gets names)."""

from __future__ import annotations

from typing import Any

from rca.db import db
from rca.reports import issued

from .conftest import SECRETS, pdf_text


def test_draft_pdf_and_no_issued_version_yet(api_as: Any, report_review: Any) -> None:
    api = api_as(report_review.user)
    rid = report_review.review_id
    draft = api.get(f"/api/v1/reviews/{rid}/report.pdf?draft=true")
    assert draft.status_code == 200 and draft.mimetype == "application/pdf"
    assert draft.headers["X-Report-SHA256"] == issued.sha256(draft.data)
    assert "DRAFT" in pdf_text(draft.data)
    none = api.get(f"/api/v1/reviews/{rid}/report.pdf")
    assert none.status_code == 404
    assert "has been issued yet" in none.json["error"] and none.json["field"] is None
    assert api.get(f"/api/v1/reviews/{rid}/report.pdf?draft=maybe").status_code == 422


def test_issue_then_fetch_the_same_bytes(api_as: Any, report_review: Any) -> None:
    api = api_as(report_review.user)
    rid = report_review.review_id
    made = api.post(f"/api/v1/reviews/{rid}/issues", {"recipient": "Westshire CCG"})
    assert made.status_code == 201, made.json
    body = made.json
    assert set(body) == {"version", "sha256", "issued_at", "url"}
    assert body["version"] == 1 and body["url"] == made.headers["Location"]
    fetched = api.get(body["url"])
    assert fetched.status_code == 200 and issued.sha256(fetched.data) == body["sha256"]
    latest = api.get(f"/api/v1/reviews/{rid}/report.pdf")
    assert latest.data == fetched.data and latest.headers["X-Report-Version"] == "1"
    listed = api.get(f"/api/v1/reviews/{rid}/issues").json["issues"]
    assert [(i["version"], i["sha256"], i["recipient"]) for i in listed] == [
        (1, body["sha256"], "Westshire CCG")
    ]
    for secret in SECRETS:
        assert secret not in pdf_text(fetched.data)
    assert api.get(f"/api/v1/reviews/{rid}/report.pdf?version=9").status_code == 404


def test_issue_needs_a_recipient_and_an_editing_role(
    api_as: Any, make_user: Any, report_review: Any, app: Any
) -> None:
    rid = report_review.review_id
    api = api_as(report_review.user)
    bad = api.post(f"/api/v1/reviews/{rid}/issues", {"recipient": ""})
    assert bad.status_code == 422 and bad.json["field"] == "recipient"
    assert api.post(f"/api/v1/reviews/{rid}/issues", {"to": "x"}).status_code == 422
    with app.app_context():
        from rca.provider.models import Service

        oak = db.session.get(Service, report_review.service_id)
        db.session.expunge(oak)
    reader = api_as(make_user("gov@example.org", "read-only", [oak]))
    assert reader.post(f"/api/v1/reviews/{rid}/issues", {"recipient": "x"}).status_code == 403
    assert reader.get(f"/api/v1/reviews/{rid}/report.pdf?draft=true").status_code == 200
    internal = reader.get(f"/api/v1/reviews/{rid}/report.pdf?draft=true&internal=true")
    assert internal.status_code == 403
    full = api.get(f"/api/v1/reviews/{rid}/report.pdf?draft=true&internal=true")
    assert full.status_code == 200 and "Edith Brown" in pdf_text(full.data)


def test_another_services_review_is_a_404(
    api_as: Any, make_service: Any, make_user: Any, report_review: Any
) -> None:
    wil = make_service("WIL", "supported-living")
    outsider = api_as(make_user("wil@example.org", "admin", None))
    other = api_as(make_user("other@example.org", "investigator", [wil]))
    rid = report_review.review_id
    assert outsider.get(f"/api/v1/reviews/{rid}/issues").status_code == 200  # admin: all
    for url in (f"/api/v1/reviews/{rid}/report.pdf?draft=true", f"/api/v1/reviews/{rid}/issues"):
        assert other.get(url).status_code == 404
    assert other.post(f"/api/v1/reviews/{rid}/issues", {"recipient": "x"}).status_code == 404


def test_openapi_documents_the_pdf_as_binary(app: Any) -> None:
    spec = app.test_client().get("/api/v1/openapi.json").json
    get = spec["paths"]["/api/v1/reviews/{review_id}/report.pdf"]["get"]
    assert get["responses"]["200"]["content"]["application/pdf"]["schema"]["format"] == "binary"
    assert "201" in spec["paths"]["/api/v1/reviews/{review_id}/issues"]["post"]["responses"]


def test_cli_writes_the_pdf_and_refuses_an_unknown_reference(
    app: Any, report_review: Any, tmp_path: Any
) -> None:
    runner = app.test_cli_runner()
    out = tmp_path / "report.pdf"
    done = runner.invoke(args=["report", "RCA-2026-0001", "--out", str(out)])
    assert done.exit_code == 0, done.output
    text = pdf_text(out.read_bytes())
    assert "Action plan" in text and "Care Worker, agency" in text
    named = runner.invoke(args=["report", "RCA-2026-0001", "--out", str(out), "--names"])
    assert named.exit_code == 0 and "Ben Okoro" in pdf_text(out.read_bytes())
    missing = tmp_path / "none.pdf"
    refused = runner.invoke(args=["report", "RCA-1999-0001", "--out", str(missing)])
    assert refused.exit_code != 0 and "No review with reference RCA-1999-0001" in refused.output
    assert len(refused.output.strip().splitlines()) == 1 and not missing.exists()
