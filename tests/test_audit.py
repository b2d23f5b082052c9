"""The audit trail: every change is recorded, attributed to the right user and channel, with
before and after values; a change that is rolled back leaves no entry."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from rca.accounts.models import Membership, User
from rca.audit.models import AuditEntry
from rca.audit.recorder import acting_as
from rca.db import db
from rca.reviews.models import Review

NEW_REVIEW = {
    "service": "OAK",
    "title": "Missed evening medication",
    "trigger": "incident",
    "occurred_on": "01/10/2026",
    "severity": "low",
    "people_affected": "1",
}
TERMS = {
    "question": "Why?",
    "period_start": "2026-09-01",
    "period_end": "2026-10-01",
    "baseline_issue": "Care plans out of date.",
    "target_measure": "care plans updated in 5 days",
    "target_threshold": "95",
    "target_period_weeks": "8",
    "people": "P-1",
}


def entries(app, **where) -> list[AuditEntry]:
    with app.app_context():
        stmt = select(AuditEntry).order_by(AuditEntry.id)
        for key, value in where.items():
            stmt = stmt.where(getattr(AuditEntry, key) == value)
        rows = list(db.session.scalars(stmt))
        db.session.expunge_all()
        return rows


def count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(AuditEntry.id)))


def version(app, review_id) -> int:
    with app.app_context():
        return db.session.get(Review, review_id).version


@pytest.fixture
def team(make_service, make_user):
    oak = make_service("OAK")
    return {
        "oak": oak,
        "inv": make_user("inv@example.org", "investigator", [oak], name="Ivy"),
        "pat": make_user("pat@example.org", "contributor", [oak], name="Pat"),
        "admin": make_user("admin@example.org", "admin", None, name="Ada"),
    }


@pytest.fixture
def started(app, team, web_as):
    """A review started through the web form by the investigator."""
    web = web_as(team["inv"])
    response = web.post("/reviews/new", NEW_REVIEW)
    assert response.status_code == 303
    review_id = int(response.headers["Location"].split("/")[-2])
    return web, review_id


def test_creating_a_review_is_recorded(app, team, started):
    _, review_id = started
    [entry] = entries(app, entity="review", review_id=review_id)
    assert (entry.action, entry.user_id, entry.channel) == ("create", team["inv"].id, "web")
    assert entry.changes["title"] == [None, NEW_REVIEW["title"]]
    assert entry.changes["severity"] == [None, "low"]
    assert entry.label.startswith("Review RCA-2026-")


def test_triage_update_records_before_and_after(app, team, started):
    web, review_id = started
    form = {**NEW_REVIEW, "severity": "severe", "repeats_12m": "0"}
    form["version"] = version(app, review_id)
    assert web.post(f"/reviews/{review_id}/triage", form).status_code == 303
    updates = entries(app, entity="review", review_id=review_id, action="update")
    assert updates, "no audit entry for the triage update"
    changes: dict = {}
    for e in updates:
        assert (e.user_id, e.channel) == (team["inv"].id, "web")
        changes.update(e.changes)
    assert changes["severity"] == ["low", "severe"]
    assert changes["recommended_depth"] == ["learning-review", "full-rca"]
    assert changes["depth"] == ["learning-review", "full-rca"]


def test_scope_change_and_panel_addition_are_recorded(app, team, started):
    web, review_id = started
    terms = {**TERMS, "lead_id": str(team["inv"].id)}
    url = f"/reviews/{review_id}/scope"
    data = {**terms, "panel": str(team["pat"].id), "version": version(app, review_id)}
    assert web.post(url, data).status_code == 303
    [scope_change] = entries(app, entity="review", review_id=review_id, action="update")
    assert scope_change.changes["question"] == [None, "Why?"]
    assert scope_change.changes["target_threshold"] == [None, "95"]
    assert (scope_change.user_id, scope_change.channel) == (team["inv"].id, "web")
    [added] = entries(app, entity="review_panel_member", action="create")
    assert added.review_id == review_id and added.changes["user_id"] == [None, team["pat"].id]
    [person] = entries(app, entity="review_person", action="create")
    assert person.changes["pseudonym"] == [None, "Person A"]


def test_panel_removal_is_recorded(app, team, started):
    web, review_id = started
    url = f"/reviews/{review_id}/scope"
    data = {**TERMS, "lead_id": str(team["inv"].id), "version": version(app, review_id)}
    assert web.post(url, {**data, "panel": str(team["pat"].id)}).status_code == 303
    data["version"] = version(app, review_id)
    assert web.post(url, data).status_code == 303  # Pat leaves the panel
    [removed] = entries(app, entity="review_panel_member", action="delete")
    assert removed.review_id == review_id
    assert removed.changes["user_id"] == [team["pat"].id, None]
    assert (removed.user_id, removed.channel) == (team["inv"].id, "web")


def test_stage_move_is_recorded(app, team, started):
    web, review_id = started
    response = web.post(
        f"/reviews/{review_id}/stage", {"stage": "scope", "version": version(app, review_id)}
    )
    assert response.status_code == 303
    [move] = entries(app, entity="review", review_id=review_id, action="update")
    assert move.changes["stage"] == ["triage", "scope"]
    assert move.user_id == team["inv"].id


def test_user_and_role_changes_are_recorded_against_the_admin(app, team, web_as):
    admin = web_as(team["admin"])
    oak = team["oak"]
    response = admin.post(
        "/admin/users",
        {
            "email": "new@example.org",
            "name": "Newt",
            "password": "long-enough-password",
            "role": "contributor",
            "services": str(oak.id),
        },
    )
    assert response.status_code == 303, response.text[:300]
    with app.app_context():
        newt = db.session.scalars(select(User).where(User.email == "new@example.org")).one()
        newt_id = newt.id
    [created] = entries(app, entity="user_account", action="create", entity_id=newt_id)
    assert (created.user_id, created.channel) == (team["admin"].id, "web")
    assert created.changes["password_hash"] == ["(hidden)", "(changed)"]
    assert created.changes["email"] == [None, "new@example.org"]
    [role] = entries(app, entity="membership", action="create", user_id=team["admin"].id)
    assert role.changes["role"] == [None, "contributor"]

    assert admin.post(
        f"/admin/users/{newt_id}/roles", {"role": "facilitator", "services": str(oak.id)}
    ).status_code in (302, 303)
    granted = entries(app, entity="membership", action="create")[-1]
    assert granted.user_id == team["admin"].id
    assert granted.changes["role"] == [None, "facilitator"]

    assert admin.post(f"/admin/users/{newt_id}/active", {"active": "0"}).status_code in (302, 303)
    deactivated = entries(app, entity="user_account", action="update", entity_id=newt_id)[-1]
    assert deactivated.changes["active"] == [True, False]
    assert deactivated.user_id == team["admin"].id
    assert set(deactivated.changes) == {"active"}  # the ended sessions are not audit noise


def test_role_removal_is_recorded(app, team, web_as):
    admin = web_as(team["admin"])
    pat = team["pat"]
    response = admin.post(
        f"/admin/users/{pat.id}/roles", {"role": "facilitator", "services": str(team["oak"].id)}
    )
    assert response.status_code in (302, 303)
    [removed] = entries(app, entity="membership", action="delete")
    assert removed.changes["role"] == ["contributor", None]
    assert removed.user_id == team["admin"].id


def test_a_rolled_back_change_leaves_no_entry(ctx, team):
    before = db.session.scalar(select(func.count(AuditEntry.id)))
    with acting_as(team["inv"].id, "web"):
        user = db.session.get(User, team["pat"].id)
        user.name = "Changed then rolled back"
        user.memberships.append(Membership(role="read-only", service_id=None))
        db.session.flush()
        assert db.session.scalar(select(func.count(AuditEntry.id))) > before
        db.session.rollback()
    assert db.session.scalar(select(func.count(AuditEntry.id))) == before
    assert db.session.get(User, team["pat"].id).name == "Pat"


def test_a_refused_form_leaves_no_entry(app, team, started):
    web, review_id = started
    before = count(app)
    bad = {**NEW_REVIEW, "occurred_on": "31/02/2026", "version": version(app, review_id)}
    assert web.post(f"/reviews/{review_id}/triage", bad).status_code == 422
    assert web.post("/reviews/new", {**NEW_REVIEW, "severity": ""}).status_code == 422
    assert count(app) == before


def test_changes_outside_a_request_are_attributed_to_the_system(ctx, team):
    from rca.reviews import lifecycle

    user = db.session.get(User, team["inv"].id)
    with acting_as(None, "cli"):
        review = lifecycle.create_review(db.session, user, NEW_REVIEW, date(2026, 11, 23))
        db.session.commit()
    [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.review_id == review.id))
    assert (entry.user_id, entry.channel) == (None, "cli")


def test_history_pane_shows_the_entries(app, team, started):
    web, review_id = started
    page = web.get(f"/reviews/{review_id}/history")
    assert page.status_code == 200
    assert "Ivy" in page.text
    assert NEW_REVIEW["title"] in page.text
