"""Role x route matrix, generated from app.url_map: another service's review is invisible.

Every rule that takes a review id (``review_id``, or ``id`` under /api/) is requested with every
method it accepts, by users holding each role only at service A, against a review at service B.
Every answer must be 404 (existence does not leak) and the database must be unchanged: 0 reads,
0 writes. Admins hold their role at every service, so "another service" does not exist for them;
``test_admin_sees_every_service`` records that they legitimately see B's review.

The matrix is built from the URL map, not a hand-kept list, so a new review route is covered the
day it is added; ``test_matrix_covers_the_known_review_routes`` stops a refactor (a renamed
argument, say) from silently emptying it, and the own-service checks prove the requests used here
can succeed at all.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import Browserless
from flask import Flask
from sqlalchemy import func, select
from werkzeug.routing import IntegerConverter, Rule

from rca.accounts.models import ROLES, User
from rca.accounts.tokens import issue_token
from rca.audit.models import AuditEntry
from rca.db import db
from rca.reviews.models import Review, ReviewPanelMember, ReviewPerson, ReviewStaff
from rca.reviews.views import PANES

METHODS = ("GET", "POST", "PATCH", "PUT", "DELETE")
SCOPED_ROLES = [r for r in ROLES if r != "admin"]
KNOWN_REVIEW_ENDPOINTS = {
    "reviews.show",
    "reviews.pane",
    "reviews.update_triage",
    "reviews.choose_depth",
    "reviews.update_scope",
    "reviews.move_stage",
    "api.get_review",
}
#: GET routes of a thing that exists only once made (an issued report, a rendered page image):
#: at the user's own service they may answer 404 for it; another service's is 404 as for all.
NEEDS_A_RESOURCE = {"api.get_report_pdf", "reports.page_image", "reports.issued_pdf"}
#: GET routes that answer a file (not JSON), and only to the roles allowed to take it away: a
#: review bundle holds names and care references (rca.access "export"); others get 403.
FILE_FOR_SOME_ROLES = {"api.get_review_bundle": {"investigator", "facilitator"}}
#: A plausible body for any write: if a route forgot its access check, the change would go
#: through, so "nothing written" means something.
PLAUSIBLE_BODY = {
    "title": "Changed by someone from another service",
    "trigger": "complaint",
    "occurred_on": "2026-10-05",
    "severity": "moderate",
    "people_affected": "3",
    "depth": "learning-review",
    "depth_override_reason": "Because",
    "stage": "scope",
    "question": "Why?",
    "baseline_issue": "Something",
    "period_start": "2026-09-01",
    "period_end": "2026-10-01",
    "target_measure": "care plans updated",
    "target_threshold": "90",
    "target_period_weeks": "6",
    "people": "P-1, P-2",
}


def review_id_argument(rule: Rule) -> str | None:
    if "review_id" in rule.arguments:
        return "review_id"
    if rule.rule.startswith("/api/") and "id" in rule.arguments:
        return "id"
    return None


def review_rules(app: Flask) -> list[Rule]:
    rules = [
        r for r in app.url_map.iter_rules() if r.endpoint != "static" and review_id_argument(r)
    ]
    return sorted(rules, key=lambda r: (r.rule, r.endpoint))


def urls_for(rule: Rule, review_id: int, method: str) -> list[str]:
    """The rule's URLs for this review, other arguments filled with plausible values."""
    choices: dict[str, list[Any]] = {}
    for arg in rule.arguments:
        if arg == review_id_argument(rule):
            choices[arg] = [review_id]
        elif arg == "pane":
            choices[arg] = list(PANES) if method == "GET" else ["history"]
        elif isinstance(rule._converters.get(arg), IntegerConverter):
            choices[arg] = [1]
        else:
            choices[arg] = ["history"]
    combos: list[dict[str, Any]] = [{}]
    for arg, values in choices.items():
        combos = [{**c, arg: v} for c in combos for v in values]
    urls = []
    for values in combos:
        built = rule.build(values, append_unknown=False)
        assert built is not None, f"cannot build {rule.rule} from {values}"
        urls.append(built[1])
    return urls


def matrix(app: Flask, review_id: int) -> list[tuple[Rule, str, str]]:
    return [
        (rule, method, url)
        for rule in review_rules(app)
        for method in METHODS
        if method in rule.methods
        for url in urls_for(rule, review_id, method)
    ]


def snapshot(app: Flask, review_id: int) -> dict[str, Any]:
    """Everything a request could have written about the review."""
    with app.app_context():
        row = db.session.execute(select(Review.__table__).where(Review.id == review_id)).mappings()
        counts = {
            model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
            for model in (AuditEntry, ReviewPanelMember, ReviewPerson, ReviewStaff, Review)
        }
        db.session.remove()
        return {"row": dict(row.one()), **counts}


@pytest.fixture
def two_services(make_service, make_user, make_review):
    a, b = make_service("AAA"), make_service("BBB")
    owner_b = make_user("owner-b@example.org", "investigator", [b])
    owner_a = make_user("owner-a@example.org", "investigator", [a])
    return {
        "a": a,
        "b": b,
        "review_a": make_review(owner_a, a, title="At A"),
        "review_b": make_review(owner_b, b, title="At B"),
    }


def _ui_request(web: Browserless, method: str, url: str) -> Any:
    if method == "GET":
        return web.get(url)
    return web.client.open(url, method=method, data={"csrf_token": web.token, **PLAUSIBLE_BODY})


def _api_request(client: Any, token: str, method: str, url: str) -> Any:
    headers = {"Authorization": f"Bearer {token}"}
    if method == "GET":
        return client.get(url, headers=headers)
    return client.open(url, method=method, headers=headers, json=PLAUSIBLE_BODY)


def _token_for(app: Flask, user: User) -> str:
    with app.app_context():
        token = issue_token(db.session, db.session.get(User, user.id))
        db.session.commit()
        return token


def test_matrix_covers_the_known_review_routes(app):
    endpoints = {rule.endpoint for rule in review_rules(app)}
    assert endpoints >= KNOWN_REVIEW_ENDPOINTS, KNOWN_REVIEW_ENDPOINTS - endpoints
    cells = matrix(app, 1)
    methods = {method for _, method, _ in cells}
    assert {"GET", "POST"} <= methods
    assert len(cells) >= len(KNOWN_REVIEW_ENDPOINTS) + len(PANES) - 1


@pytest.mark.parametrize("role", SCOPED_ROLES)
def test_other_services_review_is_404_everywhere_with_nothing_written(
    app, role, two_services, make_user, web_as
):
    user = make_user(f"{role}@example.org", role, [two_services["a"]])
    web = web_as(user)
    token = _token_for(app, user)
    api = app.test_client()
    review_b = two_services["review_b"]
    before = snapshot(app, review_b)

    cells = matrix(app, review_b)
    assert cells, "the access matrix is empty"
    wrong = []
    for rule, method, url in cells:
        if rule.rule.startswith("/api/"):
            response = _api_request(api, token, method, url)
        else:
            response = _ui_request(web, method, url)
        if response.status_code != 404:
            wrong.append(f"{role} {method} {url} -> {response.status_code}")
        body = response.get_data(as_text=True)
        assert "At B" not in body, f"{method} {url} leaked the review's title"

    assert not wrong, "\n".join(wrong)
    assert snapshot(app, review_b) == before, "a request for another service's review wrote"


@pytest.mark.parametrize("role", SCOPED_ROLES)
def test_own_services_review_answers_on_every_get_route(app, role, two_services, make_user, web_as):
    user = make_user(f"{role}@example.org", role, [two_services["a"]])
    web = web_as(user)
    token = _token_for(app, user)
    api = app.test_client()
    review_a = two_services["review_a"]
    gets = [(rule, url) for rule, method, url in matrix(app, review_a) if method == "GET"]
    assert gets
    for rule, url in gets:
        if rule.endpoint in NEEDS_A_RESOURCE:
            continue
        if rule.endpoint in FILE_FOR_SOME_ROLES:
            response = _api_request(api, token, "GET", url)
            allowed = role in FILE_FOR_SOME_ROLES[rule.endpoint]
            assert response.status_code == (200 if allowed else 403), (url, response.status_code)
            continue
        if rule.rule.startswith("/api/"):
            response = _api_request(api, token, "GET", url)
            assert response.status_code == 200, (url, response.status_code)
            # An empty list is a real answer (no similar reviews yet); the body must be JSON.
            assert isinstance(json.loads(response.get_data(as_text=True)), dict | list), url
        else:
            response = web.client.get(url, follow_redirects=True)
            assert response.status_code == 200, (url, response.status_code)
            if response.mimetype == "text/html":  # downloads (CSV, XLSX) carry no page title
                assert "At A" in response.get_data(as_text=True)


def test_a_write_from_the_matrix_goes_through_at_the_users_own_service(
    app, two_services, make_user, web_as
):
    """The requests the matrix sends can change a review: the 404s are not an artefact."""
    user = make_user("inv-a@example.org", "investigator", [two_services["a"]])
    web = web_as(user)
    review_a = two_services["review_a"]
    before = snapshot(app, review_a)
    response = _ui_request(web, "POST", f"/reviews/{review_a}/triage")
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    after = snapshot(app, review_a)
    assert after["row"]["title"] == PLAUSIBLE_BODY["title"]
    assert after["row"]["version"] > before["row"]["version"]
    assert after["audit_entry"] > before["audit_entry"]


def test_admin_sees_every_service(app, two_services, make_user, web_as):
    """Admins hold their role at every service (the directory allows nothing else)."""
    admin = make_user("admin@example.org", "admin", None)
    web = web_as(admin)
    review_b = two_services["review_b"]
    response = web.client.get(f"/reviews/{review_b}/history")
    assert response.status_code == 200
    assert "At B" in response.get_data(as_text=True)
