"""The causes API contract: 201 with the whole cause, 409 on a stale version, 422 with the rule,
404 for another service, strict types and unknown fields refused."""

from __future__ import annotations

from rca.db import db
from rca.fishbone.models import Cause

CAUSE_KEYS = {
    "id",
    "text",
    "category",
    "parent_id",
    "position",
    "status",
    "conclusion",
    "factor_code",
    "version",
    "depth",
    "evidence_ids",
    "children",
}


def _url(fb, suffix=""):
    return f"/api/v1/reviews/{fb.review_id}/causes{suffix}"


def test_add_answers_201_with_the_whole_cause(fb, api):
    body = {
        "text": "Agency staff unfamiliar with MAR",
        "category": "training",
        "parent_id": None,
        "status": "supported",
        "conclusion": "contributory",
        "evidence_ids": [fb.evidence["mar"], fb.evidence["interview"]],
        "reason": "Interview and MAR agree",
    }
    r = api(fb.user, "POST", _url(fb), json=body)
    assert r.status_code == 201, r.text
    assert set(r.json) == CAUSE_KEYS
    assert r.json["version"] >= 1 and isinstance(r.json["id"], int)
    assert r.json["status"] == "supported" and r.json["conclusion"] == "contributory"
    assert r.json["evidence_ids"] == sorted([fb.evidence["mar"], fb.evidence["interview"]])
    why = api(
        fb.user,
        "POST",
        _url(fb),
        json={"text": "No MAR competency check", "parent_id": r.json["id"]},
    )
    assert why.status_code == 201 and why.json["depth"] == 1
    assert why.json["category"] == "training" and why.json["status"] == "hypothesis"
    tree = api(fb.user, "GET", _url(fb))
    assert tree.status_code == 200
    assert tree.json["framework"] == "care-default"
    assert [c["text"] for c in tree.json["causes"][0]["children"]] == ["No MAR competency check"]


def test_patch_with_a_stale_version_answers_409_and_overwrites_nothing(fb, api, app):
    made = api(
        fb.user, "POST", _url(fb), json={"text": "Handover rushed", "category": "communication"}
    ).json
    url = _url(fb, f"/{made['id']}")
    ok = api(fb.user, "PATCH", url, json={"version": made["version"], "text": "Rushed at 19:00"})
    assert ok.status_code == 200 and ok.json["version"] == made["version"] + 1
    stale = api(fb.user, "PATCH", url, json={"version": made["version"], "text": "Skipped"})
    assert stale.status_code == 409 and stale.json["field"] == "version"
    with app.app_context():
        assert db.session.get(Cause, made["id"]).text == "Rushed at 19:00"


def test_a_status_change_needs_a_reason(fb, api):
    made = api(fb.user, "POST", _url(fb), json={"text": "Rota gaps", "category": "staffing"}).json
    url = _url(fb, f"/{made['id']}")
    r = api(fb.user, "PATCH", url, json={"version": made["version"], "status": "ruled-out"})
    assert r.status_code == 422 and r.json["field"] == "reason"
    r = api(
        fb.user,
        "PATCH",
        url,
        json={
            "version": made["version"],
            "status": "ruled-out",
            "reason": "Rota fully staffed that week",
        },
    )
    assert r.status_code == 200 and r.json["status"] == "ruled-out"


def test_a_root_conclusion_a_rule_forbids_answers_422_with_the_rule(fb, api):
    r = api(
        fb.user,
        "POST",
        _url(fb),
        json={
            "text": "Staff error: carer forgot the dose",
            "category": "staffing",
            "conclusion": "root",
        },
    )
    assert r.status_code == 422, r.text
    assert r.json["rule"] == "staff-error-tested" and r.json["error"]
    assert api(fb.user, "GET", _url(fb)).json["causes"] == []  # nothing half-written


def test_strict_types_and_unknown_fields_are_refused(fb, api):
    for body, field in [
        ({"text": 5, "category": "staffing"}, "text"),
        ({"text": "x", "category": "staffing", "parent_id": "3"}, "parent_id"),
        ({"text": "x", "category": "staffing", "status": "maybe"}, "status"),
        ({"text": "x", "category": "staffing", "evidence_ids": ["1"]}, "evidence_ids"),
        ({"text": "x", "category": "staffing", "colour": "red"}, "colour"),
        ({"text": "x", "category": "nowhere"}, "category"),
        ({"text": "x", "category": "staffing", "evidence_ids": [10**6]}, "evidence_ids"),
    ]:
        r = api(fb.user, "POST", _url(fb), json=body)
        assert r.status_code == 422, (body, r.text)
        assert r.json["field"] == field, (body, r.json)
    made = api(fb.user, "POST", _url(fb), json={"text": "x", "category": "staffing"}).json
    r = api(fb.user, "PATCH", _url(fb, f"/{made['id']}"), json={"version": "1"})
    assert r.status_code == 422 and r.json["field"] == "version"
    r = api(fb.user, "PATCH", _url(fb, f"/{made['id']}"), json={"version": 1, "parent_id": 2})
    assert r.status_code == 422 and r.json["field"] == "parent_id"


def test_another_services_review_is_404_and_reading_is_not_writing(fb, api):
    assert api(fb.outsider, "GET", _url(fb)).status_code == 404
    assert (
        api(fb.outsider, "POST", _url(fb), json={"text": "x", "category": "staffing"}).status_code
        == 404
    )
    assert api(fb.reader, "GET", _url(fb)).status_code == 200
    assert (
        api(fb.reader, "POST", _url(fb), json={"text": "x", "category": "staffing"}).status_code
        == 403
    )
    theirs = f"/api/v1/reviews/{fb.other_review_id}/causes"
    made = api(fb.outsider, "POST", theirs, json={"text": "Theirs", "category": "staffing"}).json
    # Their cause through my review's URL: not found, never changed.
    r = api(fb.user, "PATCH", _url(fb, f"/{made['id']}"), json={"version": 1, "text": "Mine"})
    assert r.status_code == 404


def test_the_openapi_document_describes_the_causes(fb, api):
    doc = api(fb.user, "GET", "/api/v1/openapi.json").json
    paths = doc["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/reviews/{review_id}/causes"])
    assert "patch" in paths["/api/v1/reviews/{review_id}/causes/{cause_id}"]
    assert "reason" in str(doc["components"])
