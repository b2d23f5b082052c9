"""The actions and monitoring panes through the web: plan from a cause, progress by the owner,
learning shared and reach."""

from __future__ import annotations

from sqlalchemy import select

from rca.actions.models import Action, CompletionEvidence
from rca.actions.monitoring_models import Dissemination
from rca.db import db
from tests.actions.helpers import add_action


def test_the_plan_groups_actions_under_causes_with_smart_badges(app, plan_setup, web_as):
    rid = plan_setup["review_id"]
    add_action(app, rid, cause_ids=[plan_setup["root_id"]], target="")
    page = web_as(plan_setup["lead"]).get(f"/reviews/{rid}/actions").get_data(as_text=True)
    assert "No one owns checking agency staff know the MAR process" in page
    assert "Not SMART" in page and "measurable: no target given" in page
    assert "No action addresses this cause yet." in page  # the contributory factor
    assert f"/reviews/{rid}/actions?plan={plan_setup['root_id']}" in page


def test_plan_an_action_from_a_cause(app, plan_setup, web_as):
    rid, cause = plan_setup["review_id"], plan_setup["contributory_id"]
    web = web_as(plan_setup["lead"])
    form = web.get(f"/reviews/{rid}/actions?plan={cause}").get_data(as_text=True)
    assert f'id="af-cause-{cause}" name="cause_ids" value="{cause}" checked' in form
    r = web.post(
        f"/reviews/{rid}/actions",
        {
            "form_id": "action-form",
            "cause_ids": str(cause),
            "text": "Add the eMAR prompts to the agency induction checklist and sign-off",
            "action_type": "process",
            "owner": f"user:{plan_setup['lead'].id}",
            "due": "2027-01-15",
            "review_points": "29/01/2027, 26/02/2027",
            "measure": "% of agency staff signed off on eMAR before their first round",
            "target": "100%",
        },
    )
    assert r.status_code == 303 and r.headers["HX-Trigger"] == "rca:changed"
    with app.app_context():
        action = db.session.scalars(select(Action)).one()
        assert action.kind == "system" and action.action_type == "process"
        assert [link.cause_id for link in action.cause_links] == [cause]
        assert len(action.review_points) == 2


def test_bad_input_names_the_field_and_saves_nothing(app, plan_setup, web_as):
    rid = plan_setup["review_id"]
    r = web_as(plan_setup["lead"]).post(
        f"/reviews/{rid}/actions",
        {"form_id": "action-form", "text": "", "action_type": "training", "due": "31/02/2027"},
    )
    assert r.status_code == 422
    body = r.get_data(as_text=True)
    assert "What will change is required." in body
    assert "February 2027 has 28 days" in body
    with app.app_context():
        assert db.session.scalars(select(Action)).all() == []


def test_a_read_only_owner_records_progress_and_evidence_but_cannot_edit(app, plan_setup, web_as):
    rid = plan_setup["review_id"]
    action_id = add_action(app, rid, owner="lucy@example.org")
    web = web_as(plan_setup["owner"])
    page = web.get(f"/reviews/{rid}/actions?action={action_id}").get_data(as_text=True)
    assert "Record progress" in page and "Save action" not in page
    r = web.post(
        f"/reviews/{rid}/actions/{action_id}/progress",
        {"note": "Checklist drafted", "status": "done"},
    )
    assert r.status_code == 303
    from io import BytesIO

    r = web.client.post(
        f"/reviews/{rid}/actions/{action_id}/evidence",
        data={
            "csrf_token": web.token,
            "file": (BytesIO(b"%PDF-1.4 signed checklist"), "checklist.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert r.status_code == 303
    r = web.client.post(
        f"/reviews/{rid}/actions/{action_id}/evidence?action={action_id}",
        data={"csrf_token": web.token, "file": (BytesIO(b"MZ\x90\x00"), "setup.pdf")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 422 and "does not hold what its name says" in r.get_data(as_text=True)
    with app.app_context():
        action = db.session.get(Action, action_id)
        assert action.status == "done" and action.completed_on is not None
        item = db.session.scalars(select(CompletionEvidence)).one()
    download = web.get(f"/actions/files/{item.id}")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    assert (
        web.post(f"/reviews/{rid}/actions/{action_id}", {"text": "x", "kind": "system"}).status_code
        == 403
    )
    assert web_as(plan_setup["other"]).get(f"/actions/files/{item.id}").status_code == 404


def test_someone_else_cannot_record_progress_on_an_action_they_do_not_own(
    app, plan_setup, web_as, make_user
):
    viewer = make_user("viewer@example.org", "read-only", [plan_setup["oak"]])
    action_id = add_action(app, plan_setup["review_id"])
    r = web_as(viewer).post(
        f"/reviews/{plan_setup['review_id']}/actions/{action_id}/progress", {"note": "x"}
    )
    assert r.status_code == 403


def test_stale_edit_is_409_and_nothing_is_overwritten(app, plan_setup, web_as):
    rid = plan_setup["review_id"]
    action_id = add_action(app, rid)
    r = web_as(plan_setup["lead"]).post(
        f"/reviews/{rid}/actions/{action_id}",
        {"version": "0", "text": "Overwritten text that should not land", "kind": "system"},
    )
    assert r.status_code == 409
    with app.app_context():
        assert "Overwritten" not in db.session.get(Action, action_id).text


def test_learning_shared_and_the_share_of_in_scope_staff_reached(app, plan_setup, web_as):
    rid = plan_setup["review_id"]
    web = web_as(plan_setup["lead"])
    r = web.post(
        f"/reviews/{rid}/monitoring/learning",
        {"learning": "Agency staff need the eMAR prompts before their first round"},
    )
    assert r.status_code == 303
    staff = plan_setup["staff_ids"]
    r = web.post(
        f"/reviews/{rid}/monitoring/dissemination",
        {
            "on": "2026-11-20",
            "method": "team-meeting",
            "staff": [str(staff[0]), str(staff[1])],
            "understanding_checked": "y",
            "teams": "Evening team",
        },
    )
    assert r.status_code == 303
    page = web.get(f"/reviews/{rid}/monitoring").get_data(as_text=True)
    assert "67%" in page and "2 of 3" in page and "Rosa Fernandes" in page
    assert "Agency staff need the eMAR prompts" in page
    with app.app_context():
        assert db.session.scalars(select(Dissemination)).one().understanding_checked is True
    r = web.post(
        f"/reviews/{rid}/monitoring/dissemination", {"on": "2026-11-20", "method": "gossip"}
    )
    assert r.status_code == 422


def test_monitoring_records_a_check_and_draws_the_trend(app, plan_setup, web_as):
    rid = plan_setup["review_id"]
    web = web_as(plan_setup["lead"])
    r = web.post(
        f"/reviews/{rid}/monitoring/checks",
        {
            "action_id": "",
            "numerator": "45",
            "denominator": "50",
            "period_start": "2026-11-01",
            "period_end": "2026-11-28",
            "source": "Weekly MAR audit",
        },
    )
    assert r.status_code == 303
    page = web.get(f"/reviews/{rid}/monitoring").get_data(as_text=True)
    assert "<svg" in page and "90% (45/50)" in page and "Not embedded" in page
