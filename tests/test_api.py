"""The /api/v1 contract: create, read, list, errors, access, audit and the OpenAPI document."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from rca.accounts.models import ApiToken, User
from rca.accounts.tokens import issue_token, revoke_token
from rca.audit.models import AuditEntry
from rca.db import db, today_london
from rca.provider.models import PersonSupported
from rca.reviews.models import Review, ReviewPerson

SEVERE = {
    "service": "OAK",
    "title": "Fall in the lounge",
    "trigger": "incident",
    "occurred_on": "2026-10-02",
    "severity": "severe",
    "people_affected": 1,
    "safeguarding": False,
    "notified": False,
}
LOW = {**SEVERE, "title": "Missed evening medication", "severity": "low"}
ERROR_KEYS = {"error", "field"}


@pytest.fixture
def token_for(app: Flask) -> Callable[[User], str]:
    def make(user: User) -> str:
        with app.app_context():
            token = issue_token(db.session, db.session.get(User, user.id))
            db.session.commit()
            return token

    return make


class Api:
    """A test client that sends a bearer token (or none) on every request."""

    def __init__(self, app: Flask, token: str | None):
        self.client = app.test_client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, url: str, **kw: Any) -> Any:
        return self.client.get(url, headers=self.headers, **kw)

    def post(self, url: str, body: Any = None, **kw: Any) -> Any:
        kw.setdefault("json", body)
        return self.client.post(url, headers=self.headers, **kw)


@pytest.fixture
def api_as(app: Flask, token_for: Callable[[User], str]) -> Callable[[User], Api]:
    return lambda user: Api(app, token_for(user))


@pytest.fixture
def oak(make_service):  # type: ignore[no-untyped-def]
    return make_service("OAK")


@pytest.fixture
def investigator(make_user, oak) -> User:  # type: ignore[no-untyped-def]
    return make_user("inv@example.org", "investigator", [oak], name="Ivy Investigator")


def count(app: Flask, model: Any, *where: Any) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0


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


# --- Access --------------------------------------------------------------------------------


@pytest.fixture
def elm_review(make_service, make_user, make_review) -> int:  # type: ignore[no-untyped-def]
    elm = make_service("ELM")
    elm_user = make_user("elm@example.org", "investigator", [elm])
    return make_review(elm_user, elm, title="Elm incident")


def test_another_services_review_is_indistinguishable_from_a_missing_one(
    app, oak, investigator, api_as, elm_review
):
    api = api_as(investigator)
    hidden = api.get(f"/api/v1/reviews/{elm_review}")
    missing = api.get("/api/v1/reviews/999999")

    assert hidden.status_code == missing.status_code == 404
    assert hidden.json == missing.json
    assert set(hidden.json) == ERROR_KEYS
    assert "Elm" not in hidden.text


def test_the_list_holds_only_reviews_at_the_users_services(
    app, oak, investigator, api_as, make_review, elm_review
):
    own = make_review(investigator, oak)
    api = api_as(investigator)

    assert [r["id"] for r in api.get("/api/v1/reviews").json["reviews"]] == [own]
    assert api.get("/api/v1/reviews?service=ELM").json == {
        "reviews": [],
        "total": 0,
        "limit": 50,
        "offset": 0,
    }


def test_an_all_services_user_sees_every_review(app, oak, make_user, api_as, elm_review):
    admin = make_user("admin@example.org", "admin")
    reviews = api_as(admin).get("/api/v1/reviews").json["reviews"]
    assert [r["id"] for r in reviews] == [elm_review]


def test_no_review_can_be_started_at_another_service(app, oak, investigator, api_as, elm_review):
    response = api_as(investigator).post("/api/v1/reviews", {**LOW, "service": "ELM"})

    assert response.status_code == 422
    assert response.json["field"] == "service"
    # Same words as for a service that does not exist: existence does not leak.
    assert response.json["error"] == "No service 'ELM' where you can start reviews."
    assert count(app, Review) == 1


@pytest.mark.parametrize("role", ["read-only", "contributor"])
def test_roles_without_create_cannot_start_reviews_but_can_read(
    app, oak, investigator, make_user, make_review, api_as, role
):
    """403: the role forbids starting reviews anywhere (decided before the service is read)."""
    existing = make_review(investigator, oak)
    api = api_as(make_user("reader@example.org", role, [oak]))

    response = api.post("/api/v1/reviews", LOW)

    assert response.status_code == 403
    assert set(response.json) == ERROR_KEYS
    assert count(app, Review) == 1
    assert api.get(f"/api/v1/reviews/{existing}").status_code == 200


# --- Reading -------------------------------------------------------------------------------


def test_one_review_carries_triage_and_terms_of_reference_with_pseudonyms_only(
    app, oak, investigator, api_as, make_review
):
    review_id = make_review(investigator, oak, severity="moderate", notified=True)
    with app.app_context():
        review = db.session.get(Review, review_id)
        review.question = "Why was the evening dose missed?"
        review.period_start, review.period_end = date(2026, 9, 1), date(2026, 10, 1)
        review.baseline_issue = "Handover sheets omit time-critical medicines."
        review.target_measure = "evening doses given on time"
        review.target_threshold = Decimal("95.5")
        review.target_period_weeks = 8
        person = PersonSupported(service_id=oak.id, reference="P-1042", name="Margaret Smith")
        db.session.add(person)
        db.session.flush()
        review.people.append(ReviewPerson(person_id=person.id, pseudonym="Person A"))
        db.session.commit()
        version = review.version

    response = api_as(investigator).get(f"/api/v1/reviews/{review_id}")

    assert response.status_code == 200
    body = response.json
    assert body == {
        "id": review_id,
        "reference": "RCA-2026-0001",
        "service": "OAK",
        "title": "Missed evening medication",
        "trigger": "incident",
        "occurred_on": "2026-10-01",
        "severity": "moderate",
        "people_affected": 1,
        "safeguarding": False,
        "notified": True,
        "repeats_12m": 0,
        "stage": "triage",
        "recommended_depth": "full-rca",
        "reasons": ["It was notified to the CQC or the local authority."],
        "depth": "full-rca",
        "depth_override_reason": None,
        "version": version,
        "created_at": body["created_at"],
        "updated_at": body["updated_at"],
        "terms_of_reference": {
            "question": "Why was the evening dose missed?",
            "period_start": "2026-09-01",
            "period_end": "2026-10-01",
            "baseline_issue": "Handover sheets omit time-critical medicines.",
            "lead": "Ivy Investigator",
            "target": {
                "measure": "evening doses given on time",
                "threshold": 95.5,
                "period_weeks": 8,
            },
            "people": [{"pseudonym": "Person A"}],
        },
    }
    assert "Margaret" not in response.text
    assert "P-1042" not in response.text
    assert response.headers["Cache-Control"] == "no-store"


def test_the_list_filters_and_pages(app, oak, investigator, api_as, make_review):
    first = make_review(investigator, oak, occurred_on="2026-09-01")
    second = make_review(investigator, oak, occurred_on="2026-09-02", trigger="complaint")
    third = make_review(investigator, oak, occurred_on="2026-09-03")
    with app.app_context():
        db.session.get(Review, third).stage = "scope"
        db.session.commit()
    api = api_as(investigator)

    def ids(query: str) -> list[int]:
        response = api.get(f"/api/v1/reviews{query}")
        assert response.status_code == 200, response.json
        return [r["id"] for r in response.json["reviews"]]

    assert ids("") == [third, second, first]  # newest event first
    assert ids("?trigger=complaint") == [second]
    assert ids("?stage=scope") == [third]
    assert ids("?service=OAK&trigger=incident") == [third, first]
    assert ids("?limit=2") == [third, second]
    assert ids("?limit=2&offset=2") == [first]
    page = api.get("/api/v1/reviews?limit=1&offset=1").json
    assert (page["total"], page["limit"], page["offset"]) == (3, 1, 1)
    summary = page["reviews"][0]
    assert summary["reference"] == "RCA-2026-0002"
    assert summary["service"] == "OAK"
    assert summary["occurred_on"] == "2026-09-02"


BAD_QUERIES = ["limit=0", "limit=201", "limit=ten", "offset=-1", "stage=done", "trigger=fire"]


@pytest.mark.parametrize("query", BAD_QUERIES)
def test_bad_list_parameters_answer_422(oak, investigator, api_as, query):
    response = api_as(investigator).get(f"/api/v1/reviews?{query}")
    assert response.status_code == 422
    assert response.json["field"] == query.split("=")[0]


def test_unknown_paths_and_methods_answer_json(oak, investigator, api_as):
    api = api_as(investigator)
    missing = api.get("/api/v1/nothing-here")
    assert missing.status_code == 404
    assert set(missing.json) == ERROR_KEYS
    wrong = api.client.delete("/api/v1/reviews", headers=api.headers)
    assert wrong.status_code == 405
    assert set(wrong.json) == ERROR_KEYS


# --- OpenAPI -------------------------------------------------------------------------------


def test_openapi_document_describes_the_api(app):
    response = app.test_client().get("/api/v1/openapi.json")

    assert response.status_code == 200
    assert response.mimetype == "application/json"
    doc = response.json
    assert doc["openapi"].startswith("3.")
    assert set(doc["paths"]) == {"/api/v1/reviews", "/api/v1/reviews/{review_id}"}
    assert set(doc["paths"]["/api/v1/reviews"]) == {"get", "post"}
    schemes = doc["components"]["securitySchemes"]
    assert schemes["bearerAuth"]["type"] == "http"
    assert schemes["bearerAuth"]["scheme"] == "bearer"
    assert doc["security"] == [{"bearerAuth": []}]

    post = doc["paths"]["/api/v1/reviews"]["post"]
    ref = post["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    request_schema = doc["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert set(request_schema["properties"]) == set(SEVERE)
    assert request_schema["properties"]["safeguarding"]["type"] == "boolean"
    assert request_schema["properties"]["trigger"]["enum"][0] == "incident"
    assert {"201", "400", "401", "403", "422"} <= set(post["responses"])
    error = doc["components"]["schemas"]["ErrorBody"]
    assert set(error["properties"]) == ERROR_KEYS
    # No Swagger/Redoc pages: they would load scripts from CDNs.
    assert not [r for r in app.url_map.iter_rules() if re.search("swagger|redoc|apidoc", str(r))]


def test_openapi_document_is_valid(app):
    validator = pytest.importorskip("openapi_spec_validator")
    validator.validate(app.test_client().get("/api/v1/openapi.json").json)
