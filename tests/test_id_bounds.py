"""Ids out of range are "not found", never a 500: every rule of the URL map with an int argument
is requested with a huge value, signed in (and with a token on the API), by every method it
allows; out-of-range ids in JSON bodies and forms are field errors (4xx)."""

from __future__ import annotations

import re

import pytest
from conftest import PASSWORD, Browserless
from werkzeug.routing import IntegerConverter

from rca.accounts.models import User
from rca.accounts.tokens import issue_token
from rca.db import db

HUGE = "99999999999999999999999"
#: Past every integer column (2^31 - 1 on PostgreSQL) yet inside SQLite's 64 bits.
BIG = str(2**40)
#: Longer than Python converts from text by default (4,300 digits).
ENDLESS = "9" * 5000
#: Plausible values for the string arguments, so only the int is out of range.
STRINGS = {"pane": "triage", "fragment": "record", "part": "outline", "key": "a" * 64}
_ARG = re.compile(r"<(?:(\w+):)?(\w+)>")


def _int_rules(app):
    for rule in app.url_map.iter_rules():
        if any(isinstance(conv, IntegerConverter) for conv in rule._converters.values()):
            yield rule


def _path(rule, value: str) -> str:
    def fill(m: re.Match[str]) -> str:
        kind, name = m.group(1), m.group(2)
        return value if kind == "int" else STRINGS.get(name, "x")

    return _ARG.sub(fill, rule.rule)


@pytest.fixture
def admin(app, make_service, make_user):
    make_service("OAK")
    user = make_user("admin@example.org", "admin", None)
    with app.app_context():
        token = issue_token(db.session, db.session.get(User, user.id))
        db.session.commit()
    web = Browserless(app.test_client())
    assert web.login(user.email, PASSWORD).status_code == 302
    web.client.get("/")  # the token on the page is the session's
    return web, token


def test_the_walk_covers_the_routes(app):
    rules = list(_int_rules(app))
    assert len(rules) > 60
    assert any(r.rule.startswith("/api/") for r in rules)
    assert "/reviews/<int:review_id>" in {r.rule for r in rules}


@pytest.mark.parametrize("value", [HUGE, BIG, ENDLESS], ids=["huge", "2^40", "5000-digits"])
def test_every_route_answers_not_found_for_an_id_out_of_range(app, admin, value):
    web, token = admin
    failures = []
    for rule in _int_rules(app):
        path = _path(rule, value)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            try:
                response, json_ok = _request(web, token, path, method)
            except Exception as exc:  # noqa: BLE001 - the test client re-raises what would be a 500
                failures.append(f"{method} {rule.rule}: {type(exc).__name__}: {exc}")
                continue
            if response.status_code not in (404, 405) or not json_ok:
                failures.append(f"{method} {rule.rule}: {response.status_code}")
    assert not failures, "\n".join(failures)


def _request(web, token, path, method):
    if path.startswith("/api/"):
        response = web.client.open(
            path,
            method=method,
            headers={"Authorization": f"Bearer {token}"},
            json={} if method != "GET" else None,
        )
        return response, response.is_json and set(response.get_json()) == {"error", "field"}
    data = {"csrf_token": web.token} if method != "GET" else None
    return web.client.open(path, method=method, data=data), True


#: Past MAX_ID; and a character str.isdigit() accepts that int() does not.
BAD_NUMBERS = [HUGE, "²"]


@pytest.fixture
def review_setup(app, admin, make_review):
    from rca.provider.models import Service

    web, token = admin
    with app.app_context():
        user = db.session.query(User).first()
        service = db.session.query(Service).first()
        user_id = user.id
    review_id = make_review(user, service)
    return web, token, review_id, user_id


def _not_500(call):
    try:
        response = call()
    except Exception as exc:  # noqa: BLE001 - the test client re-raises what would be a 500
        return f"{type(exc).__name__}: {exc}"
    return None if response.status_code < 500 else str(response.status_code)


@pytest.mark.parametrize("bad", BAD_NUMBERS, ids=["huge", "superscript"])
def test_query_string_ids_out_of_range_are_ignored(review_setup, bad):
    web, _, rid, _ = review_setup
    urls = [
        f"/?page={bad}",
        f"/reviews/{rid}/analysis?cause={bad}&edit={bad}&drawer={bad}",
        f"/reviews/{rid}/fishbone.svg?cause={bad}",
        f"/reviews/{rid}/actions?action={bad}&plan={bad}&edit={bad}",
        f"/reviews/{rid}/monitoring?check={bad}",
        f"/reviews/{rid}/evidence?row={bad}&staff={bad}&after={bad}&page={bad}",
        f"/reviews/{rid}/evidence?before={bad}&attention_page={bad}",
        f"/reviews/{rid}/timeline?staff={bad}&event={bad}&tpage={bad}",
        f"/actions/tracker?page={bad}&review={bad}",
    ]
    failures = [f"{url}: {e}" for url in urls if (e := _not_500(lambda u=url: web.get(u)))]
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("bad", BAD_NUMBERS, ids=["huge", "superscript"])
def test_form_ids_out_of_range_are_refused_not_failed(app, review_setup, bad):
    from tests.actions.helpers import add_action

    web, _, rid, user_id = review_setup
    action_id = add_action(app, rid, owner=None)
    with app.app_context():
        from rca.fishbone import causes
        from rca.reviews.models import Review

        review = db.session.get(Review, rid)
        cause_id = causes.add_cause(
            db.session, review, None, {"text": "Rushed", "category": "communication"}
        ).id
        db.session.commit()
    posts = [
        (
            f"/reviews/{rid}/causes",
            {"text": "Rushed", "category": "communication", "parent_id": bad},
        ),
        (
            f"/reviews/{rid}/causes",
            {"text": "Rushed", "category": "communication", "evidence_ids": bad},
        ),
        (
            f"/reviews/{rid}/causes/{cause_id}/move",
            {"version": "1", "parent_id": bad, "position": bad},
        ),
        (f"/reviews/{rid}/causes/{cause_id}", {"version": bad, "text": "Rushed"}),
        (f"/reviews/{rid}/scope", {"lead_id": bad, "panel": bad, "staff": bad}),
        (
            f"/reviews/{rid}/actions",
            {"text": "Check MAR", "kind": "system", "owner": f"staff:{bad}", "cause_ids": bad},
        ),
        (
            f"/reviews/{rid}/actions",
            {"text": "Check MAR", "kind": "system", "owner": f"user:{bad}"},
        ),
        (f"/reviews/{rid}/actions/{action_id}/evidence", {"evidence_id": bad}),
        (
            f"/reviews/{rid}/monitoring/checks",
            {"action_id": bad, "numerator": "1", "denominator": "2"},
        ),
        (
            f"/reviews/{rid}/monitoring/dissemination",
            {"staff": bad, "on": "2026-11-01", "how": "Team meeting"},
        ),
        (f"/reviews/{rid}/monitoring/learning/1/delete", {"point_id": bad}),
        (f"/reviews/{rid}/timeline/annotations", {"evidence_id": bad, "text": "Late"}),
        (f"/reviews/{rid}/timeline/marks", {"evidence_id": bad}),
        (f"/reviews/{rid}/framework", {"framework": "yorkshire", f"place-{bad}": "x"}),
        (f"/admin/users/{user_id}/roles", {"role": "investigator", "services": bad}),
        ("/reviews/new", {"service": bad, "title": "T", "trigger": "incident"}),
    ]
    failures = [
        f"{url} {data}: {e}"
        for url, data in posts
        if (e := _not_500(lambda u=url, d=data: web.post(u, d)))
    ]
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("bad", [10**23, 2**40], ids=["huge", "2^40"])
def test_json_ids_out_of_range_are_field_errors(app, review_setup, bad):
    _, token, rid, _ = review_setup
    client = app.test_client()
    auth = {"Authorization": f"Bearer {token}"}
    with app.app_context():
        from rca.fishbone import causes
        from rca.reviews.models import Review

        cause = causes.add_cause(
            db.session,
            db.session.get(Review, rid),
            None,
            {"text": "Rushed", "category": "communication"},
        )
        db.session.commit()
        cause_id, version = cause.id, cause.version
    calls = [
        ("POST", f"/api/v1/reviews/{rid}/causes", {"text": "Why", "parent_id": bad}, "parent_id"),
        (
            "POST",
            f"/api/v1/reviews/{rid}/causes",
            {"text": "Why", "category": "communication", "evidence_ids": [bad]},
            "evidence_ids",
        ),
        (
            "PATCH",
            f"/api/v1/reviews/{rid}/causes/{cause_id}",
            {"version": bad, "text": "x"},
            "version",
        ),
        (
            "PATCH",
            f"/api/v1/reviews/{rid}/causes/{cause_id}",
            {"version": version, "evidence_ids": [bad]},
            "evidence_ids",
        ),
        (
            "POST",
            f"/api/v1/reviews/{rid}/actions",
            {"text": "Check MAR", "kind": "system", "cause_ids": [bad]},
            "cause_ids",
        ),
    ]
    failures = []
    for method, url, body, field in calls:
        try:
            response = client.open(url, method=method, json=body, headers=auth)
        except Exception as exc:  # noqa: BLE001
            failures.append(f"{method} {url} {body}: {type(exc).__name__}: {exc}")
            continue
        got = response.get_json() if response.is_json else None
        if response.status_code != 422 or not got or got.get("field") != field:
            failures.append(f"{method} {url} {body}: {response.status_code} {got}")
    assert not failures, "\n".join(failures)
