"""GET /api/v1/reviews/{id}/timeline: the contract's fields exactly, and access."""

from __future__ import annotations

from rca.accounts.tokens import issue_token
from rca.db import db

EVENT_KEYS = {"id", "at", "lane", "kind", "staff", "person", "text", "concern", "provenance"}
SHIFT_KEYS = {"staff", "start", "end", "employment"}
STATUS_KEYS = {
    "staff", "role", "employment", "last_supervision", "supervision_due",
    "supervision_overdue", "trainings", "induction_record",
}  # fmt: skip
TRAINING_KEYS = {"course", "completed", "expires", "expired"}
DELAY_KEYS = {
    "standard", "from_event", "to_event", "from_at", "to_at",
    "working_days", "limit_working_days", "breached",
}  # fmt: skip


def _get(app, user, url):
    with app.app_context():
        token = issue_token(db.session, user)
        db.session.commit()
    return app.test_client().get(url, headers={"Authorization": f"Bearer {token}"})


def test_the_contract_fields_exactly(app, scenario):
    response = _get(app, scenario.user, f"/api/v1/reviews/{scenario.review_id}/timeline")
    assert response.status_code == 200, response.text
    body = response.json
    assert set(body) == {"events", "shifts", "staff_status", "delays"}
    assert all(set(e) == EVENT_KEYS for e in body["events"])
    assert all(set(s) == SHIFT_KEYS for s in body["shifts"])
    assert all(set(s) == STATUS_KEYS for s in body["staff_status"])
    assert all(set(t) == TRAINING_KEYS for s in body["staff_status"] for t in s["trainings"])
    assert all(set(d) == DELAY_KEYS for d in body["delays"])

    bruise = next(e for e in body["events"] if e["id"] == scenario.rows["bruise"])
    assert bruise == {
        "id": scenario.rows["bruise"],
        "at": "2026-10-01T10:15+01:00",
        "lane": "care",
        "kind": "care-notes",
        "staff": "Amy Patel",
        "person": "P-1042",
        "text": "Bruise on left forearm noticed during personal care.",
        "concern": True,
        "provenance": {"file": "nourish.csv", "row": 14},
    }
    assert {"staff": "Ben Okoro", "start": "2026-10-01T19:00+01:00",
            "end": "2026-10-02T07:00+01:00", "employment": "agency"} in body["shifts"]  # fmt: skip
    amy = next(s for s in body["staff_status"] if s["staff"] == "Amy Patel")
    assert amy["last_supervision"] == "2026-07-01"
    assert amy["supervision_due"] == "2026-08-26" and amy["supervision_overdue"] is True
    assert {"course": "Moving and handling", "completed": "2025-09-01",
            "expires": "2026-09-01", "expired": True} in amy["trainings"]  # fmt: skip
    assert body["delays"][0] == {
        "standard": "Concern indicator reviewed by management within 1 working day",
        "from_event": scenario.rows["bruise"],
        "to_event": scenario.rows["review"],
        "from_at": "2026-10-01T10:15+01:00",
        "to_at": "2026-10-05T09:30+01:00",
        "working_days": 2,
        "limit_working_days": 1,
        "breached": True,
    }


def test_person_filter_and_unknown_person(app, scenario):
    url = f"/api/v1/reviews/{scenario.review_id}/timeline"
    body = _get(app, scenario.user, url + "?person=P-2001").json
    assert {e["person"] for e in body["events"]} == {"P-2001", None}
    missing = _get(app, scenario.user, url + "?person=P-9999")
    assert missing.status_code == 422
    assert missing.json["field"] == "person" and "P-9999" in missing.json["error"]


def test_another_services_review_answers_404(app, scenario, make_service, make_user):
    elm = make_service("ELM")
    stranger = make_user("elm@example.org", "admin", [elm])
    url = f"/api/v1/reviews/{scenario.review_id}/timeline"
    response = _get(app, stranger, url)
    assert response.status_code == 404
    assert response.json["field"] is None
    assert app.test_client().get(url).status_code == 401


def test_the_endpoint_is_in_the_openapi_document(app):
    doc = app.test_client().get("/api/v1/openapi.json").json
    path = doc["paths"]["/api/v1/reviews/{review_id}/timeline"]["get"]
    assert {"200", "401", "404", "422"} <= set(path["responses"])
    schema = doc["components"]["schemas"]["TimelineBody"]
    assert set(schema["properties"]) == {"events", "shifts", "staff_status", "delays"}
    assert set(doc["components"]["schemas"]["DelayBody"]["properties"]) == DELAY_KEYS
