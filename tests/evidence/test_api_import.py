"""``POST /api/v1/reviews/{id}/imports``: the Contract import over HTTP."""

from __future__ import annotations

import io

import pytest
from flask import Flask

from rca.accounts.models import User
from rca.accounts.tokens import issue_token
from rca.db import db

from ._importing import CARE_NOTES_A, CONTRACT_KEYS, care_notes_a, counts, new_review, write_csv


@pytest.fixture
def setup(app: Flask, make_service, make_user, make_review):
    review_id = new_review(make_service, make_user, make_review)
    other = make_service("ELM")
    with app.app_context():
        lead = db.session.scalars(db.select(User)).first()
        outsider = make_user("elm@example.org", "investigator", [other])
        viewer = make_user("viewer@example.org", "read-only", None)
        tokens = {
            name: issue_token(db.session, db.session.get(User, u.id))
            for name, u in (("lead", lead), ("outsider", outsider), ("viewer", viewer))
        }
        db.session.commit()
    return review_id, tokens


def _post(app: Flask, review_id: int, token: str, content: bytes, **form):
    data = {"file": (io.BytesIO(content), "notes.csv"), "kind": "care-notes", **form}
    return app.test_client().post(
        f"/api/v1/reviews/{review_id}/imports",
        data=data,
        content_type="multipart/form-data",
        headers={"Authorization": f"Bearer {token}"},
    )


def _counts(app: Flask) -> dict[str, int]:
    with app.app_context():
        c = counts()
        c.pop("audit")  # token use is audited by the API itself
        return c


def test_import_answers_the_contract_and_writes(app, setup, tmp_path):
    review_id, tokens = setup
    content = write_csv(tmp_path / "n.csv", CARE_NOTES_A, care_notes_a(4)).read_bytes()
    resp = _post(app, review_id, tokens["lead"], content)
    assert resp.status_code == 201, resp.json
    assert set(resp.json) == set(CONTRACT_KEYS)
    assert (resp.json["file"], resp.json["imported"]) == ("notes.csv", 4)
    again = _post(app, review_id, tokens["lead"], content)
    assert again.json["imported"] == 0 and len(again.json["duplicates"]) == 4


def test_dry_run_answers_200_and_writes_nothing(app, setup, tmp_path):
    review_id, tokens = setup
    content = write_csv(tmp_path / "n.csv", CARE_NOTES_A, care_notes_a(3)).read_bytes()
    before = _counts(app)
    resp = _post(app, review_id, tokens["lead"], content, dry_run="true")
    assert resp.status_code == 200 and resp.json["imported"] == 3
    assert _counts(app) == before


def test_another_services_review_is_404_and_a_viewer_403(app, setup, tmp_path):
    review_id, tokens = setup
    content = write_csv(tmp_path / "n.csv", CARE_NOTES_A, care_notes_a(1)).read_bytes()
    assert _post(app, review_id, tokens["outsider"], content).status_code == 404
    assert _post(app, review_id, tokens["viewer"], content).status_code == 403
    assert _counts(app)["evidence"] == 0


def test_refused_file_is_422_with_the_reason(app, setup):
    review_id, tokens = setup
    before = _counts(app)
    resp = _post(app, review_id, tokens["lead"], b"")
    assert resp.status_code == 422 and resp.json["field"] == "file"
    assert set(resp.json) == {"error", "field"}
    resp = _post(app, review_id, tokens["lead"], b"A,B\n1,2\n", kind="diary")
    assert resp.status_code == 422 and resp.json["field"] == "kind"
    assert _counts(app) == before


def test_over_the_size_limit_is_413(app, setup, tmp_path):
    review_id, tokens = setup
    app.config["EVIDENCE_MAX_BYTES"] = 100
    try:
        content = write_csv(tmp_path / "n.csv", CARE_NOTES_A, care_notes_a(10)).read_bytes()
        resp = _post(app, review_id, tokens["lead"], content)
    finally:
        app.config.pop("EVIDENCE_MAX_BYTES")
    assert resp.status_code == 413 and set(resp.json) == {"error", "field"}


def test_the_route_is_in_the_openapi_document(app):
    doc = app.test_client().get("/api/v1/openapi.json").json
    operation = doc["paths"]["/api/v1/reviews/{review_id}/imports"]["post"]
    assert operation["operationId"] == "importEvidence"
    assert "multipart/form-data" in operation["requestBody"]["content"]
