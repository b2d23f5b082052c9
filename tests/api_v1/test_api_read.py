"""The /api/v1 contract: access, reading, listing, errors and the OpenAPI document."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from api_v1.conftest import ERROR_KEYS, LOW, SEVERE, count
from rca.db import db
from rca.provider.models import PersonSupported
from rca.reviews.models import Review, ReviewPerson

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
    # Every Contract path of every issue, with exactly its methods: a route that loses its
    # documentation, or a documented path with no route, fails here.
    assert {path: set(ops) for path, ops in doc["paths"].items()} == {
        "/api/v1/reviews": {"get", "post"},
        "/api/v1/reviews/{review_id}": {"get"},
        "/api/v1/reviews/{review_id}/timeline": {"get"},
        "/api/v1/reviews/{review_id}/imports": {"post"},
        "/api/v1/reviews/{review_id}/causes": {"get", "post"},
        "/api/v1/reviews/{review_id}/causes/{cause_id}": {"patch"},
        "/api/v1/reviews/{review_id}/guidance": {"get"},
        "/api/v1/reviews/{review_id}/actions": {"post"},
        "/api/v1/actions": {"get"},
        "/api/v1/actions/{action_id}.ics": {"get"},
        "/api/v1/actions/{action_id}/effectiveness": {"post"},
        "/api/v1/reviews/{review_id}/report.pdf": {"get"},
        "/api/v1/reviews/{review_id}/issues": {"get", "post"},
        "/api/v1/reviews/{review_id}/bundle": {"get"},
        "/api/v1/actions/{action_id}": {"patch"},
        "/api/v1/reviews/{review_id}/similar": {"get"},
        "/api/v1/learning/factors": {"get"},
        "/api/v1/learning/pairs": {"get"},
        "/api/v1/learning/themes": {"get"},
        "/api/v1/learning/recurrence": {"get"},
        "/api/v1/learning/near-miss-patterns": {"get"},
        "/api/v1/learning/near-miss-patterns/{run_key}": {"post"},
        "/api/v1/learning/quality-statements": {"get"},
        "/api/v1/learning/suggestions": {"get"},
        "/api/v1/learning/suggestions/{key}": {"post"},
    }
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
