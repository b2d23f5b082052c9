"""The learning API's Contract on the hand-checked provider: shapes, access, and bad input
answered 4xx (or an empty, well-formed answer), never 500 and never another service's data."""

from __future__ import annotations

import pytest

from graph.conftest import A, E, M
from rca.actions.models import Action, ProgressNote
from rca.db import db, today_london


def test_factors_pairs_themes_and_recurrence_answer_the_contract(provider, api_as):
    api = api_as(provider["lead"])
    factors = api.get("/api/v1/learning/factors").json
    assert set(factors[0]) >= {"code", "label", "reviews", "services", "first_seen",
                               "last_seen", "by_quarter"}  # fmt: skip
    assert (factors[0]["code"], factors[0]["reviews"], factors[0]["first_seen"]) == (
        A,
        4,
        "2025-02-10",
    )
    assert factors[0]["by_quarter"]["2025-Q1"] == 1
    pairs = api.get("/api/v1/learning/pairs?min_reviews=2").json
    assert [(p["code_a"], p["code_b"], p["reviews"], p["lift"]) for p in pairs][0] == (
        A,
        M,
        3,
        1.75,
    )
    assert {"code_a", "code_b", "reviews", "lift"} <= set(pairs[0])
    themes = api.get("/api/v1/learning/themes?min_reviews=2").json
    assert set(themes) == {"method", "stability", "themes"}
    assert set(themes["method"]) == {"algorithm", "seed", "parameters", "data_hash"}
    assert themes["themes"][0] == {"name": themes["themes"][0]["name"], "factors": [A, M],
                                   "reviews": 3, "services": 2}  # fmt: skip
    recurrence = api.get("/api/v1/learning/recurrence?window_days=183").json
    assert recurrence["by_strength"]["individual"]["actions"] == 2
    assert recurrence["by_strength"]["system"]["followed_by_recurrence"] == 1
    assert set(recurrence["by_strength"]["system"]) >= {"actions", "followed_by_recurrence"}
    first = recurrence["actions"][0]
    assert set(first) >= {"action_id", "review_id", "action_type", "strength", "done_on",
                          "recurrences"}  # fmt: skip
    x4 = next(a for a in recurrence["actions"] if a["action_id"] == provider["actions"]["X4"])
    assert x4["recurrences"] == [
        {"review_id": provider["reviews"]["R6"], "factor_code": E, "occurred_on": "2026-03-01"}
    ]


def test_similar_lists_at_most_five_best_first_and_only_visible_reviews(provider, api_as):
    r = provider["reviews"]
    everything = api_as(provider["lead"]).get(f"/api/v1/reviews/{r['R2']}/similar").json
    assert [s["review_id"] for s in everything] == [r["R3"], r["R1"], r["R5"], r["R4"], r["R7"]]
    assert set(everything[0]) == {"review_id", "reference", "service", "score",
                                  "shared_factors", "why"}  # fmt: skip
    assert everything[0]["shared_factors"] == [M, A]
    oak = api_as(provider["oak_only"])
    assert [s["service"] for s in oak.get(f"/api/v1/reviews/{r['R2']}/similar").json] == [
        "OAK",
        "OAK",
    ]
    assert oak.get(f"/api/v1/reviews/{r['R3']}/similar").status_code == 404
    assert oak.get(f"/api/v1/reviews/{r['R8']}/similar").json == []


def test_an_investigator_at_one_service_counts_only_its_reviews(provider, api_as):
    oak = api_as(provider["oak_only"])
    factors = {f["code"]: f["reviews"] for f in oak.get("/api/v1/learning/factors").json}
    assert factors == {A: 3, M: 2, "communication.handover-not-recorded": 1,
                       "environment.poor-lighting": 1}  # fmt: skip
    assert all(f["services"] == 1 for f in oak.get("/api/v1/learning/factors").json)


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/learning/factors?service=WIL", "service"),  # a service oak.only cannot see
        ("/api/v1/learning/factors?service=NOPE", "service"),
        ("/api/v1/learning/factors?since=2026-02-31", "since"),
        ("/api/v1/learning/factors?since=2026-03-01&until=2026-01-01", "until"),
        ("/api/v1/learning/factors?kind=castle", "kind"),
        ("/api/v1/learning/factors?colour=red", "colour"),
        ("/api/v1/learning/pairs?factor=staffing.made-up", "factor"),
        ("/api/v1/learning/pairs?min_reviews=0", "min_reviews"),
        ("/api/v1/learning/recurrence?window_days=0", "window_days"),
        ("/api/v1/learning/recurrence?window_days=5000", "window_days"),
        ("/api/v1/learning/recurrence?window_days=six", "window_days"),
        ("/api/v1/learning/themes?min_reviews=-1", "min_reviews"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(provider, api_as, url, field):
    response = api_as(provider["oak_only"]).get(url)
    assert response.status_code == 422, response.json
    assert response.json["field"] == field
    assert response.json["error"]


def test_a_hidden_service_is_refused_like_a_missing_one(provider, api_as):
    oak = api_as(provider["oak_only"])
    hidden = oak.get("/api/v1/learning/factors?service=WIL").json["error"]
    missing = oak.get("/api/v1/learning/factors?service=ZZZ").json["error"]
    assert hidden.replace("WIL", "?") == missing.replace("ZZZ", "?")


def test_a_period_with_no_reviews_and_an_empty_provider_answer_empty(provider, api_as, make_user):
    api = api_as(provider["lead"])
    assert api.get("/api/v1/learning/factors?since=2020-01-01&until=2020-12-31").json == []
    assert api.get("/api/v1/learning/pairs?since=2020-01-01&until=2020-12-31").json == []
    empty = api.get("/api/v1/learning/themes?since=2020-01-01&until=2020-12-31").json
    assert empty["themes"] == [] and empty["stability"] is None
    recurrence = api.get("/api/v1/learning/recurrence?since=2020-01-01&until=2020-12-31").json
    assert recurrence["actions"] == []
    assert recurrence["by_strength"]["system"] == {
        "actions": 0,
        "followed_by_recurrence": 0,
        "watching": 0,
    }


def _action(app, action_id):
    with app.app_context():
        action = db.session.get(Action, action_id)
        return action.status, action.completed_on, action.version


def test_patch_action_closes_it_and_records_the_day(app, provider, api_as):
    x5 = provider["actions"]["X5"]
    api = api_as(provider["admin"])
    _status, _done, version = _action(app, x5)
    response = api.patch(f"/api/v1/actions/{x5}", {"status": "done", "note": "Briefed all",
                                                    "version": version})  # fmt: skip
    assert response.status_code == 200, response.json
    assert response.json["status"] == "done"
    assert response.json["completed_on"] == today_london().isoformat()
    assert response.json["version"] == version + 1
    assert _action(app, x5) == ("done", today_london(), version + 1)
    with app.app_context():
        note = db.session.query(ProgressNote).filter_by(action_id=x5).one()
        assert (note.text, note.status_from, note.status_to) == ("Briefed all", "in-progress",
                                                                 "done")  # fmt: skip
    # The stale version it had: 409, and nothing written.
    stale = api.patch(f"/api/v1/actions/{x5}", {"status": "planned", "version": version})
    assert stale.status_code == 409
    assert stale.json["field"] == "version"
    assert _action(app, x5) == ("done", today_london(), version + 1)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"status": "finished", "version": 1}, "status"),
        ({"status": "done"}, "version"),
        ({"status": "done", "version": "1"}, "version"),
        ({"status": "done", "version": 1, "owner": "x"}, "owner"),
        ({"status": "in-progress", "version": 1}, "note"),  # no change and nothing said
    ],
)
def test_patch_action_refuses_bad_input(app, provider, api_as, body, field):
    x5 = provider["actions"]["X5"]
    before = _action(app, x5)
    response = api_as(provider["admin"]).patch(f"/api/v1/actions/{x5}", body)
    assert response.status_code == 422, response.json
    assert response.json["field"] == field
    assert _action(app, x5) == before


def test_patch_action_needs_a_role_that_may_record_progress(app, provider, api_as, make_user):
    x5 = provider["actions"]["X5"]
    reader = api_as(provider["lead"])  # read-only everywhere, and not the owner
    assert (
        reader.patch(f"/api/v1/actions/{x5}", {"status": "done", "version": 1}).status_code == 403
    )
    x3 = provider["actions"]["X3"]  # at WIL
    other = api_as(provider["oak_only"])
    assert other.patch(f"/api/v1/actions/{x3}", {"status": "done", "version": 1}).status_code == 404
    assert (
        other.patch("/api/v1/actions/999999", {"status": "done", "version": 1}).status_code == 404
    )


def test_causes_list_the_frameworks_bones(provider, api_as):
    body = api_as(provider["admin"]).get(f"/api/v1/reviews/{provider['reviews']['R1']}/causes").json
    assert body["bones"][0] == {"key": "staffing", "label": "Staffing and workload"}
    assert [b["key"] for b in body["bones"]][-1] == "person"
