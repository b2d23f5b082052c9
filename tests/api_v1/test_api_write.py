"""The /api/v1 contract: creating reviews, validation and authentication."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from api_v1.conftest import ERROR_KEYS, LOW, SEVERE, Api, count
from rca.accounts.models import ApiToken, User
from rca.accounts.tokens import revoke_token
from rca.audit.models import AuditEntry
from rca.db import db, today_london
from rca.reviews.models import Review

# --- Creating ------------------------------------------------------------------------------


def test_create_severe_harm_recommends_full_rca(app, oak, investigator, api_as):
    response = api_as(investigator).post("/api/v1/reviews", SEVERE)

    assert response.status_code == 201, response.json
    assert response.mimetype == "application/json"
    body = response.json
    assert set(body) >= {"id", "reference", "recommended_depth", "reasons"}
    assert body["reference"] == "RCA-2026-0001"
    assert body["recommended_depth"] == "full-rca"
    assert body["reasons"] == ["Serious harm: the event resulted in severe harm."]
    assert body["depth"] == "full-rca"
    assert body["stage"] == "triage"
    assert response.headers["Location"] == f"/api/v1/reviews/{body['id']}"
    with app.app_context():
        review = db.session.get(Review, body["id"])
        assert review.service_id == oak.id
        assert review.created_by_id == investigator.id
        assert (review.title, review.trigger, review.severity) == (
            "Fall in the lounge",
            "incident",
            "severe",
        )
        assert review.occurred_on == date(2026, 10, 2)


NO_THRESHOLD = (
    "No threshold for a full review is met: harm was below severe, one person was affected, no "
    "safeguarding concern, not notified to a regulator, and no earlier review of the same type "
    "in the last 12 months."
)
EVERY_REASON = [
    "A safeguarding concern was raised.",
    "It was notified to the CQC or the local authority.",
    "Several people were affected (3).",
]


@pytest.mark.parametrize(
    ("change", "depth", "reasons"),
    [
        ({}, "learning-review", [NO_THRESHOLD]),
        ({"safeguarding": True, "notified": True, "people_affected": 3}, "full-rca", EVERY_REASON),
    ],
    ids=["low-harm-one-person", "safeguarding-notified-several"],
)
def test_triage_recommendation_and_reasons(oak, investigator, api_as, change, depth, reasons):
    body = api_as(investigator).post("/api/v1/reviews", {**LOW, **change}).json

    assert (body["recommended_depth"], body["depth"], body["reasons"]) == (depth, depth, reasons)


def test_optional_fields_take_their_defaults(oak, investigator, api_as):
    optional = ("people_affected", "safeguarding", "notified")
    api = api_as(investigator)
    created = api.post("/api/v1/reviews", {k: v for k, v in LOW.items() if k not in optional})
    assert created.status_code == 201
    review = api.get(created.headers["Location"]).json
    assert [review[k] for k in optional] == [1, False, False]
    assert review["terms_of_reference"] == {
        **dict.fromkeys(["question", "period_start", "period_end", "baseline_issue"]),
        "lead": "Ivy Investigator",  # the creator leads until someone else is named
        "target": {"measure": None, "threshold": None, "period_weeks": None},
        "people": [],
    }


def test_create_writes_audit_entries_on_the_api_channel(app, oak, investigator, api_as):
    review_id = api_as(investigator).post("/api/v1/reviews", SEVERE).json["id"]

    with app.app_context():
        entries = db.session.scalars(
            select(AuditEntry).where(AuditEntry.review_id == review_id)
        ).all()
    assert entries, "creating a review must be audited"
    assert {(e.channel, e.user_id, e.action) for e in entries} == {
        ("api", investigator.id, "create")
    }


def test_html_in_a_title_is_returned_verbatim_as_json_data(oak, investigator, api_as):
    title = '<script>alert("x")</script> & co'
    api = api_as(investigator)
    created = api.post("/api/v1/reviews", {**LOW, "title": title})
    assert created.status_code == 201

    shown = api.get(created.headers["Location"])
    assert shown.mimetype == "application/json"
    assert shown.headers["X-Content-Type-Options"] == "nosniff"
    assert shown.json["title"] == title
    listed = api.get("/api/v1/reviews")
    assert listed.mimetype == "application/json"
    assert listed.json["reviews"][0]["title"] == title


# --- Validation ----------------------------------------------------------------------------

INVALID = [
    pytest.param(
        {"occurred_on": "2026-02-31"}, "occurred_on", "February 2026 has 28 days", id="31feb"
    ),
    pytest.param({"occurred_on": "tomorrow"}, "occurred_on", None, id="not-a-date"),
    pytest.param({"occurred_on": 20261001}, "occurred_on", "must be a string", id="date-number"),
    pytest.param({"title": ""}, "title", "Title is required", id="empty-title"),
    pytest.param({"title": "   "}, "title", "Title is required", id="blank-title"),
    pytest.param({"title": None}, "title", "must be a string", id="null-title"),
    pytest.param({"title": "x" * 201}, "title", "200 characters", id="long-title"),
    pytest.param({"people_affected": -1}, "people_affected", "less than 0", id="negative"),
    pytest.param({"people_affected": "three"}, "people_affected", "whole number", id="words"),
    pytest.param({"people_affected": "3"}, "people_affected", "whole number", id="int-string"),
    pytest.param({"people_affected": 2.5}, "people_affected", "whole number", id="fraction"),
    pytest.param({"safeguarding": "maybe"}, "safeguarding", "true or false", id="bool-word"),
    pytest.param({"notified": 1}, "notified", "true or false", id="bool-number"),
    pytest.param({"trigger": "fire"}, "trigger", "Trigger must be one of", id="trigger"),
    pytest.param({"severity": "awful"}, "severity", "Severity must be one of", id="severity"),
    pytest.param({"service": "NOPE"}, "service", "No service 'NOPE'", id="unknown-service"),
    pytest.param({"service": 7}, "service", "must be a string", id="service-number"),
    pytest.param({"severty": "low"}, "severty", "not a field", id="misspelt-field"),
]


@pytest.mark.parametrize(("change", "field", "message"), INVALID)
def test_invalid_fields_answer_422_naming_the_field_and_write_nothing(
    app, oak, investigator, api_as, change, field, message
):
    response = api_as(investigator).post("/api/v1/reviews", {**LOW, **change})

    assert response.status_code == 422, response.json
    assert set(response.json) == ERROR_KEYS
    assert response.json["field"] == field
    if message:
        assert message in response.json["error"]
    assert count(app, Review) == 0
    assert count(app, AuditEntry, AuditEntry.entity == "review") == 0


def test_a_future_date_is_refused(app, oak, investigator, api_as):
    tomorrow = (today_london() + timedelta(days=1)).isoformat()
    response = api_as(investigator).post("/api/v1/reviews", {**LOW, "occurred_on": tomorrow})

    assert response.status_code == 422
    assert response.json["field"] == "occurred_on"
    assert "cannot be in the future" in response.json["error"]
    assert count(app, Review) == 0


@pytest.mark.parametrize("field", ["service", "title", "trigger", "occurred_on", "severity"])
def test_a_missing_required_field_is_named(app, oak, investigator, api_as, field):
    raw = {k: v for k, v in LOW.items() if k != field}
    response = api_as(investigator).post("/api/v1/reviews", raw)
    assert response.status_code == 422
    assert response.json == {"error": f"{field} is required.", "field": field}


@pytest.mark.parametrize(
    "data",
    [b"{not json", b"", b"[1, 2]", b'"a string"', b"null", b"\xff\xfe"],
    ids=["broken", "empty", "array", "string", "null", "not-utf8"],
)
def test_malformed_or_non_object_bodies_answer_400(app, oak, investigator, api_as, data):
    response = api_as(investigator).post(
        "/api/v1/reviews", json=None, data=data, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json["field"] is None
    assert set(response.json) == ERROR_KEYS
    assert count(app, Review) == 0


# --- Authentication ------------------------------------------------------------------------


def _assert_401(response: Any) -> None:
    assert response.status_code == 401
    assert set(response.json) == ERROR_KEYS
    assert response.headers["WWW-Authenticate"].startswith("Bearer ")


BAD_HEADERS = [None, "Bearer", "Bearer rca_not-a-token", "Basic dXNlcjpwYXNz", "rca_no-scheme"]


@pytest.mark.parametrize("header", BAD_HEADERS)
def test_missing_or_invalid_tokens_answer_401(app, oak, investigator, header):
    headers = {"Authorization": header} if header else {}
    client = app.test_client()
    _assert_401(client.get("/api/v1/reviews", headers=headers))
    _assert_401(client.post("/api/v1/reviews", json=LOW, headers=headers))
    assert count(app, Review) == 0


@pytest.mark.parametrize("stop", ["revoke the token", "deactivate the user"])
def test_a_revoked_token_or_deactivated_user_answers_401(app, oak, investigator, token_for, stop):
    api = Api(app, token_for(investigator))
    assert api.get("/api/v1/reviews").status_code == 200
    with app.app_context():
        if stop == "revoke the token":
            assert revoke_token(db.session, db.session.scalars(select(ApiToken)).one().id)
        else:
            db.session.get(User, investigator.id).active = False
        db.session.commit()
    _assert_401(api.get("/api/v1/reviews"))


def test_a_session_cookie_does_not_authenticate_the_api(app, oak, investigator, web_as):
    web = web_as(investigator)
    assert web.get("/").status_code == 200  # signed in for the web screens
    _assert_401(web.client.get("/api/v1/reviews"))
    _assert_401(web.client.post("/api/v1/reviews", json=LOW))
    assert count(app, Review) == 0


def test_using_a_token_records_when_it_was_last_used(app, oak, investigator, token_for):
    Api(app, token_for(investigator)).get("/api/v1/reviews")
    with app.app_context():
        assert db.session.scalars(select(ApiToken)).one().last_used_at is not None
