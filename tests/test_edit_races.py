"""Twenty people save the same thing at the same moment, through a real server: one wins, every
other answer is the 409 conflict (never a 500), on SQLite and on PostgreSQL.

Each scenario reads the version once, then 20 threads send the same change with that version
through a real server thread (werkzeug's threaded server, as gunicorn's threads would), held at a
barrier so they arrive together.
"""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pytest
from conftest import PASSWORD, csrf_token
from flask import Flask

from rca.accounts.models import User
from rca.accounts.tokens import issue_token
from rca.actions import planning
from rca.db import db
from rca.fishbone import causes, meeting
from rca.fishbone.settings import settings_for
from rca.reviews.models import Review
from tests.helpers import serving

RACERS = 20


@pytest.fixture(scope="module")
def server(app: Flask) -> Iterator[str]:
    with serving(app, "race-server") as port:
        yield f"127.0.0.1:{port}"


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: str


def send(
    host: str,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> Answer:
    conn = http.client.HTTPConnection(host, timeout=60)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return Answer(resp.status, dict(resp.getheaders()), resp.read().decode())
    finally:
        conn.close()


def _cookie(answer: Answer) -> str:
    raw = answer.headers.get("Set-Cookie", "")
    return raw.split(";", 1)[0]


class Browser:
    """One signed-in browser session (its cookie and CSRF token), shared by the racing threads:
    the same person pressing Save in twenty tabs."""

    def __init__(self, host: str, email: str):
        self.host = host
        page = send(host, "GET", "/login")
        self.cookie = _cookie(page)
        self.token = csrf_token(page.body)
        signed = self.form("/login", {"email": email, "password": PASSWORD})
        assert signed.status == 302, signed.body
        self.cookie = _cookie(signed) or self.cookie

    def form(self, path: str, data: dict[str, Any], htmx: bool = False) -> Answer:
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": self.cookie}
        if htmx:
            headers["HX-Request"] = "true"
        body = urlencode({"csrf_token": self.token, **data}, doseq=True).encode()
        return send(self.host, "POST", path, body, headers)


def race(request: Callable[[int], Answer]) -> list[Answer]:
    """``request(i)`` from RACERS threads at once."""
    barrier = threading.Barrier(RACERS)
    answers: list[Answer | BaseException] = [None] * RACERS  # type: ignore[list-item]

    def run(i: int) -> None:
        barrier.wait()
        try:
            answers[i] = request(i)
        except BaseException as exc:  # noqa: BLE001 - reported below, with the others
            answers[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(RACERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    failed = [a for a in answers if isinstance(a, BaseException)]
    assert not failed, failed
    return answers  # type: ignore[return-value]


def assert_one_wins(answers: list[Answer], won: set[int], conflict: Callable[[Answer], bool]):
    statuses = sorted(a.status for a in answers)
    assert all(a.status in won | {409} for a in answers), str(statuses)
    winners = [a for a in answers if a.status in won]
    assert len(winners) == 1, str(statuses)
    for loser in (a for a in answers if a.status == 409):
        assert conflict(loser), loser.body[:2000]


@pytest.fixture
def oak_review(app: Flask, make_service, make_user, make_review):
    oak = make_service("OAK")
    user = make_user("inv@example.org", "investigator", [oak])
    review_id = make_review(user, oak)
    return user, review_id


def _add_cause(app: Flask, user: User, review_id: int) -> tuple[int, int]:
    with app.app_context():
        review = db.session.get(Review, review_id)
        cause = causes.add_cause(
            db.session,
            review,
            db.session.get(User, user.id),
            {"text": "Handover rushed", "category": "communication"},
        )
        db.session.commit()
        return cause.id, cause.version


def test_racing_api_patches_of_one_cause(app, server, oak_review):
    user, review_id = oak_review
    cause_id, version = _add_cause(app, user, review_id)
    with app.app_context():
        token = issue_token(db.session, db.session.get(User, user.id))
        db.session.commit()
    path = f"/api/v1/reviews/{review_id}/causes/{cause_id}"
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    answers = race(
        lambda i: send(
            server,
            "PATCH",
            path,
            json.dumps({"version": version, "text": f"Take {i}"}).encode(),
            headers,
        )
    )

    def conflict(a: Answer) -> bool:
        body = json.loads(a.body)
        return body["field"] == "version" and "Someone else changed this cause" in body["error"]

    assert_one_wins(answers, {200}, conflict)


@pytest.mark.parametrize("htmx", [True, False])
def test_racing_cause_forms(app, server, oak_review, htmx):
    user, review_id = oak_review
    cause_id, version = _add_cause(app, user, review_id)
    browser = Browser(server, user.email)
    path = f"/reviews/{review_id}/causes/{cause_id}"

    answers = race(lambda i: browser.form(path, {"version": version, "text": f"Take {i}"}, htmx))

    def conflict(a: Answer) -> bool:
        return "Someone else changed this cause" in a.body and "Keep my version" in a.body

    assert_one_wins(answers, {200} if htmx else {303}, conflict)


def test_racing_cause_moves(app, server, oak_review):
    user, review_id = oak_review
    cause_id, version = _add_cause(app, user, review_id)
    browser = Browser(server, user.email)
    path = f"/reviews/{review_id}/causes/{cause_id}/move"

    answers = race(
        lambda i: browser.form(path, {"version": version, "category": "training"}, htmx=True)
    )
    assert_one_wins(answers, {200}, lambda a: "Someone else changed this cause" in a.body)


def test_racing_cause_deletes(app, server, oak_review):
    """The one that wins deletes it; the rest find it changed (409) or already gone (404)."""
    user, review_id = oak_review
    cause_id, version = _add_cause(app, user, review_id)
    browser = Browser(server, user.email)
    path = f"/reviews/{review_id}/causes/{cause_id}/delete"

    answers = race(lambda i: browser.form(path, {"version": version}, htmx=True))
    statuses = sorted(a.status for a in answers)
    assert all(a.status in (200, 404, 409) for a in answers), str(statuses)
    assert statuses.count(200) == 1, str(statuses)


def _triage_form(review: Review, i: int) -> dict[str, Any]:
    return {
        "version": review.version,
        "title": f"Missed evening medication ({i})",
        "trigger": review.trigger,
        "occurred_on": review.occurred_on.isoformat(),
        "severity": review.severity,
        "people_affected": review.people_affected,
    }


def test_racing_triage_forms(app, server, oak_review):
    user, review_id = oak_review
    with app.app_context():
        review = db.session.get(Review, review_id)
        forms = [_triage_form(review, i) for i in range(RACERS)]
    browser = Browser(server, user.email)

    answers = race(lambda i: browser.form(f"/reviews/{review_id}/triage", forms[i], htmx=True))
    assert_one_wins(answers, {200}, lambda a: "Someone else changed this review" in a.body)


def test_racing_action_forms(app, server, oak_review):
    user, review_id = oak_review
    raw = {
        "text": "Make the shift lead check agency staff's MAR induction at every handover",
        "kind": "system",
        "owner": user.name,
        "due": "2027-01-15",
        "measure": "% of agency shifts with a MAR induction check",
        "target": "95%",
    }
    with app.app_context():
        review = db.session.get(Review, review_id)
        data = planning.parse_action(db.session, review, raw, [], ["2027-01-29"])
        action = planning.create_action(db.session, review, data, None)
        db.session.commit()
        action_id, version = action.id, action.version
    browser = Browser(server, user.email)
    path = f"/reviews/{review_id}/actions/{action_id}"

    answers = race(
        lambda i: browser.form(path, {**raw, "version": version, "target": f"{70 + i}%"}, htmx=True)
    )
    assert_one_wins(answers, {200}, lambda a: "Someone else changed this action" in a.body)


def test_racing_problem_statements(app, server, oak_review):
    user, review_id = oak_review
    with app.app_context():
        review = db.session.get(Review, review_id)
        version = settings_for(db.session, review).version
        db.session.commit()
    browser = Browser(server, user.email)
    path = f"/reviews/{review_id}/problem"

    answers = race(
        lambda i: browser.form(
            path, {"version": version, "problem_statement": f"Why were doses missed ({i})?"}, True
        )
    )
    assert_one_wins(
        answers, {200}, lambda a: "Someone else changed the analysis settings" in a.body
    )


def test_racing_meeting_notes(app, server, oak_review):
    """Notes carry no version (the last save stands), but two saves that meet in the database
    must still not answer 500: a save that lost the race says so."""
    user, review_id = oak_review
    with app.app_context():
        review = db.session.get(Review, review_id)
        record = meeting.start_meeting(db.session, review, db.session.get(User, user.id))
        db.session.commit()
        meeting_id = record.id
    browser = Browser(server, user.email)
    path = f"/reviews/{review_id}/meetings/{meeting_id}/notes"

    answers = race(lambda i: browser.form(path, {"notes": f"Agreed ({i})"}, htmx=True))
    statuses = sorted(a.status for a in answers)
    assert all(a.status in (200, 409) for a in answers), str(statuses)
    assert 200 in statuses
    for loser in (a for a in answers if a.status == 409):
        assert "saved the meeting record at the same moment" in loser.body, loser.body[:2000]
