"""GET /api/v1/learning/near-miss-patterns and POST .../{run_key}: the contract, the access rules
of the other learning routes, and bad input answered 4xx with nothing changed."""

from __future__ import annotations

from api_v1.conftest import count

from governance.test_patterns import FALLS
from rca.governance.pattern_models import NearMissDecision
from rca.reviews.models import Review

URL = "/api/v1/learning/near-miss-patterns"


def test_the_list_answers_the_contract(people, oak_review, log_incidents, api_as):
    log_incidents(oak_review, FALLS)
    [p] = api_as(people["manager"]).get(URL).json
    assert {
        "service",
        "type",
        "count",
        "first",
        "last",
        "incident_ids",
        "status",
        "run_key",
    } <= set(p)
    assert (p["service"], p["type"], p["count"], p["status"]) == ("OAK", "Fall", 3, "proposed")
    assert (p["first"], p["last"]) == ("2026-10-01", "2026-10-28")
    assert len(p["incident_ids"]) == 3 and p["incidents"][0]["review"].startswith("RCA-")


def test_only_visible_services_and_an_unseen_service_is_refused(
    people, oak_review, log_incidents, api_as
):
    log_incidents(oak_review, FALLS)
    wil = api_as(people["wil_manager"])
    assert wil.get(URL).json == []
    refused = wil.get(f"{URL}?service=OAK")
    assert refused.status_code == 422 and refused.json["field"] == "service"
    assert api_as(people["lead"]).get(f"{URL}?service=OAK").status_code == 200
    assert api_as(people["lead"]).get(f"{URL}?since=2026-12-01").json == []


def test_accept_then_a_second_decision_is_409(app, people, oak_review, log_incidents, api_as):
    log_incidents(oak_review, FALLS)
    api = api_as(people["manager"])
    key = api.get(URL).json[0]["run_key"]
    accepted = api.post(f"{URL}/{key}", {"decision": "accept"})
    assert accepted.status_code == 201, accepted.json
    assert accepted.json["status"] == "accepted" and accepted.json["review"].startswith("RCA-")
    again = api.post(f"{URL}/{key}", {"decision": "decline", "reason": "Too late."})
    assert again.status_code == 409 and set(again.json) == {"error", "field"}
    assert count(app, NearMissDecision) == 1 and count(app, Review) == 2
    assert api.get(f"{URL}?status=proposed").json == []
    assert [p["status"] for p in api.get(f"{URL}?status=accepted").json] == ["accepted"]


def test_bad_decisions_are_refused_and_change_nothing(
    app, people, oak_review, log_incidents, api_as
):
    log_incidents(oak_review, FALLS)
    api = api_as(people["manager"])
    key = api.get(URL).json[0]["run_key"]
    no_reason = api.post(f"{URL}/{key}", {"decision": "decline"})
    assert no_reason.status_code == 422 and no_reason.json["field"] == "reason"
    assert api.post(f"{URL}/{key}", {"decision": "maybe"}).status_code == 422
    assert api.post(f"{URL}/{key}", [1]).status_code == 400
    assert (
        api_as(people["wil_manager"]).post(f"{URL}/{key}", {"decision": "accept"}).status_code
        == 404
    )
    assert api_as(people["lead"]).post(f"{URL}/{key}", {"decision": "accept"}).status_code == 403
    assert api.post(f"{URL}/{'0' * 64}", {"decision": "accept"}).status_code == 404
    assert count(app, NearMissDecision) == 0 and count(app, Review) == 1


def test_the_openapi_document_describes_both_routes(app):
    doc = app.test_client().get("/api/v1/openapi.json").json
    assert "get" in doc["paths"][URL]
    assert "post" in doc["paths"][URL + "/{run_key}"]
    assert "incident_ids" in doc["components"]["schemas"]["NearMissPatternBody"]["properties"]
