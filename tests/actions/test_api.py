"""The actions API contract: shapes, strict types, errors naming the field, access."""

from __future__ import annotations

import icalendar

from rca.actions.models import Action
from rca.db import db
from tests.actions.helpers import add_action, token_for


def _post(client, token, url, body):
    return client.post(url, json=body, headers={"Authorization": f"Bearer {token}"})


def _get(client, token, url):
    return client.get(url, headers={"Authorization": f"Bearer {token}"})


GOOD = {
    "text": "Make the shift lead own MAR checks for agency staff on every evening shift",
    "kind": "system",
    "cause_ids": [],
    "owner": "sarah@example.org",
    "due": "2027-01-15",
    "review_points": ["2027-01-29", "2027-03-01"],
    "measure": "% of evening rounds with a MAR check by the shift lead",
    "target": "100%",
}


def test_create_answers_201_with_id_and_smart(app, plan_setup):
    client, token = app.test_client(), token_for(app, plan_setup["lead"])
    body = {**GOOD, "cause_ids": [plan_setup["root_id"]]}
    r = _post(client, token, f"/api/v1/reviews/{plan_setup['review_id']}/actions", body)
    assert r.status_code == 201, r.json
    assert r.json["smart"] == {"ok": True, "missing": []}
    assert r.headers["HX-Trigger"] == "rca:changed"
    with app.app_context():
        action = db.session.get(Action, r.json["id"])
        assert [link.cause_id for link in action.cause_links] == [plan_setup["root_id"]]
        assert [p.on.isoformat() for p in action.review_points] == ["2027-01-29", "2027-03-01"]
        assert action.owner_user_id == plan_setup["lead"].id


def test_a_bare_action_is_saved_and_smart_names_what_is_missing(app, plan_setup):
    client, token = app.test_client(), token_for(app, plan_setup["lead"])
    body = {"text": "Remind staff about MAR", "kind": "individual"}
    r = _post(client, token, f"/api/v1/reviews/{plan_setup['review_id']}/actions", body)
    assert r.status_code == 201
    assert r.json["smart"]["ok"] is False
    assert "measurable: no target given" in r.json["smart"]["missing"]
    assert "assigned: no named owner" in r.json["smart"]["missing"]


def test_cause_of_another_review_is_422_naming_the_field(app, plan_setup):
    client, token = app.test_client(), token_for(app, plan_setup["lead"])
    body = {**GOOD, "cause_ids": [plan_setup["foreign_cause_id"]]}
    r = _post(client, token, f"/api/v1/reviews/{plan_setup['review_id']}/actions", body)
    assert r.status_code == 422
    assert r.json["field"] == "cause_ids"
    with app.app_context():
        assert db.session.query(Action).count() == 0


def test_unknown_owner_is_422_naming_the_field(app, plan_setup):
    client, token = app.test_client(), token_for(app, plan_setup["lead"])
    body = {**GOOD, "owner": "Grace Adeyemi"}  # a user at another service only
    r = _post(client, token, f"/api/v1/reviews/{plan_setup['review_id']}/actions", body)
    assert r.status_code == 422
    assert r.json["field"] == "owner"
    assert "Grace Adeyemi" in r.json["error"]


def test_owner_can_be_a_member_of_staff_by_name(app, plan_setup):
    client, token = app.test_client(), token_for(app, plan_setup["lead"])
    body = {**GOOD, "owner": "patrick nolan"}
    r = _post(client, token, f"/api/v1/reviews/{plan_setup['review_id']}/actions", body)
    assert r.status_code == 201
    assert r.json["owner"].startswith("Patrick Nolan")


def test_strict_types_and_unknown_fields_are_refused(app, plan_setup):
    client, token = app.test_client(), token_for(app, plan_setup["lead"])
    url = f"/api/v1/reviews/{plan_setup['review_id']}/actions"
    r = _post(client, token, url, {**GOOD, "cause_ids": ["1"]})
    assert (r.status_code, r.json["field"]) == (422, "cause_ids")
    r = _post(client, token, url, {**GOOD, "owners": "x"})
    assert (r.status_code, r.json["field"]) == (422, "owners")
    r = _post(client, token, url, {**GOOD, "kind": "both"})
    assert (r.status_code, r.json["field"]) == (422, "kind")
    r = _post(client, token, url, {**GOOD, "due": "31/02/2027"})
    assert (r.status_code, r.json["field"]) == (422, "due")
    r = _post(client, token, url, {**GOOD, "review_points": ["2027-13-01"]})
    assert (r.status_code, r.json["field"]) == (422, "review_points")


def test_read_only_role_cannot_plan_and_other_service_is_404(app, plan_setup):
    client = app.test_client()
    url = f"/api/v1/reviews/{plan_setup['review_id']}/actions"
    r = _post(client, token_for(app, plan_setup["owner"]), url, GOOD)
    assert r.status_code == 403
    r = _post(client, token_for(app, plan_setup["other"]), url, GOOD)
    assert r.status_code == 404


def test_list_filters_overdue_due_before_and_owner(app, plan_setup):
    rid = plan_setup["review_id"]
    late = add_action(app, rid, due="2026-11-01", review_points=["2026-11-15"])
    add_action(app, rid, due="2027-02-01", owner="Patrick Nolan")
    add_action(app, plan_setup["other_review_id"], owner="Grace Adeyemi", due="2026-10-01")
    client, token = app.test_client(), token_for(app, plan_setup["lead"])
    r = _get(client, token, "/api/v1/actions?overdue=true")
    assert r.status_code == 200
    assert [a["id"] for a in r.json["actions"]] == [late]
    assert r.json["actions"][0]["overdue"] is True
    r = _get(client, token, "/api/v1/actions?due_before=2027-01-01")
    assert [a["id"] for a in r.json["actions"]] == [late]
    r = _get(client, token, "/api/v1/actions?owner=Patrick%20Nolan")
    assert [a["owner"] for a in r.json["actions"]] == ["Patrick Nolan (Team Leader)"]
    assert r.json["total"] == 1
    r = _get(client, token, "/api/v1/actions")
    assert r.json["total"] == 2  # the other service's action never appears
    r = _get(client, token, "/api/v1/actions?overdue=perhaps")
    assert (r.status_code, r.json["field"]) == (422, "overdue")


def test_effectiveness_answers_the_contract(app, plan_setup):
    action_id = add_action(app, plan_setup["review_id"])
    client, token = app.test_client(), token_for(app, plan_setup["lead"])
    body = {
        "numerator": 19,
        "denominator": 20,
        "period_start": "2026-11-01",
        "period_end": "2026-11-28",
        "source": "Weekly MAR audit",
    }
    r = _post(client, token, f"/api/v1/actions/{action_id}/effectiveness", body)
    assert r.status_code == 200, r.json
    assert {
        k: r.json[k] for k in ("result_percent", "target_met", "verdict", "review_reopened")
    } == {
        "result_percent": 95.0,
        "target_met": True,
        "verdict": "embedded",
        "review_reopened": False,
    }
    r = _post(
        client, token, f"/api/v1/actions/{action_id}/effectiveness", {**body, "numerator": 21}
    )
    assert (r.status_code, r.json["field"]) == (422, "numerator")
    r = _post(
        client, token, f"/api/v1/actions/{action_id}/effectiveness", {**body, "numerator": "19"}
    )
    assert (r.status_code, r.json["field"]) == (422, "numerator")
    other = token_for(app, plan_setup["other"])
    r = _post(client, other, f"/api/v1/actions/{action_id}/effectiveness", body)
    assert r.status_code == 404


def test_action_ics_needs_the_token_and_holds_its_dates(app, plan_setup):
    action_id = add_action(app, plan_setup["review_id"], review_points=["2027-01-29", "2027-02-26"])
    client = app.test_client()
    assert client.get(f"/api/v1/actions/{action_id}.ics").status_code == 401
    r = _get(client, token_for(app, plan_setup["lead"]), f"/api/v1/actions/{action_id}.ics")
    assert r.status_code == 200 and r.mimetype == "text/calendar"
    cal = icalendar.Calendar.from_ical(r.data)
    starts = sorted(str(e.decoded("dtstart")) for e in cal.walk("VEVENT"))
    assert starts == ["2027-01-15", "2027-01-29", "2027-02-26"]
    assert (
        _get(
            client, token_for(app, plan_setup["other"]), f"/api/v1/actions/{action_id}.ics"
        ).status_code
        == 404
    )


def test_the_openapi_document_describes_the_contract(app):
    doc = app.test_client().get("/api/v1/openapi.json").json
    paths = doc["paths"]
    assert "post" in paths["/api/v1/reviews/{review_id}/actions"]
    assert "get" in paths["/api/v1/actions"]
    assert "post" in paths["/api/v1/actions/{action_id}/effectiveness"]
    assert "get" in paths["/api/v1/actions/{action_id}.ics"]
    props = doc["components"]["schemas"]["NewAction"]["properties"]
    assert {
        "text",
        "kind",
        "cause_ids",
        "owner",
        "due",
        "review_points",
        "measure",
        "target",
    } <= set(props)
