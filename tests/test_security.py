"""Request-wide protections: CSRF, idle expiry, slowed sign-ins, headers, cookies, escaping,
open redirects, password hashing and ending a deactivated user's session."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import pytest
from conftest import PASSWORD, Browserless, csrf_token
from sqlalchemy import func, select

from rca.accounts.models import SignInEvent, User
from rca.audit.models import AuditEntry
from rca.config import DEFAULTS
from rca.db import db
from rca.reviews.models import Review

NEW_REVIEW = {
    "service": "OAK",
    "title": "Missed medication",
    "trigger": "incident",
    "occurred_on": "01/10/2026",
    "severity": "low",
    "people_affected": "1",
}
GENERIC = "The email address or password is not right."


def _count(app, model) -> int:
    with app.app_context():
        n = db.session.scalar(select(func.count()).select_from(model))
        db.session.remove()
        return n


@pytest.fixture
def investigator(make_service, make_user):
    oak = make_service("OAK")
    return make_user("inv@example.org", "investigator", [oak])


def test_form_post_without_csrf_token_is_refused_and_writes_nothing(app, investigator, web_as):
    web = web_as(investigator)
    audit_before = _count(app, AuditEntry)
    response = web.client.post("/reviews/new", data=NEW_REVIEW)
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "This form has expired" in body
    assert "nothing was saved" in body
    assert _count(app, Review) == 0
    assert _count(app, AuditEntry) == audit_before
    # The same post with its token goes through, so the refusal was the token's doing.
    assert web.post("/reviews/new", NEW_REVIEW).status_code == 303
    assert _count(app, Review) == 1


def test_wrong_token_is_refused_too(app, investigator, web_as):
    web = web_as(investigator)
    response = web.client.post("/reviews/new", data={**NEW_REVIEW, "csrf_token": "forged"})
    assert response.status_code == 400
    assert _count(app, Review) == 0


@pytest.mark.parametrize("htmx", [False, True])
def test_idle_session_expires(app, investigator, web_as, htmx):
    web = web_as(investigator)
    assert web.get("/").status_code == 200
    idle = (DEFAULTS["SESSION_IDLE_MINUTES"] + 1) * 60
    with web.client.session_transaction() as session:
        session["last_seen"] = time.time() - idle
    headers = {"HX-Request": "true"} if htmx else {}
    response = web.get("/", headers=headers)
    if htmx:
        assert response.status_code == 204
        assert response.headers["HX-Redirect"] == "/login"
    else:
        assert response.status_code == 302
        assert urlsplit(response.headers["Location"]).path == "/login"
    # Signed out for good, not just for one request.
    again = web.get("/")
    assert again.status_code == 302 and "/login" in again.headers["Location"]


def test_recent_activity_keeps_the_session(app, investigator, web_as):
    web = web_as(investigator)
    with web.client.session_transaction() as session:
        session["last_seen"] = time.time() - (DEFAULTS["SESSION_IDLE_MINUTES"] - 1) * 60
    assert web.get("/").status_code == 200


def test_repeated_failures_slow_sign_in_and_are_logged(app, investigator, web):
    free = DEFAULTS["SIGNIN_FREE_FAILURES"]
    for _ in range(free):
        response = web.login("inv@example.org", "wrong-password-here")
        assert response.status_code == 401
        assert GENERIC in response.get_data(as_text=True)
    response = web.login("inv@example.org", PASSWORD)
    assert response.status_code == 429
    body = response.get_data(as_text=True)
    assert "Too many failed attempts" in body and "Wait" in body
    assert web.get("/").status_code == 302, "the refused attempt signed the user in"
    with app.app_context():
        events = db.session.scalars(select(SignInEvent).order_by(SignInEvent.id)).all()
        assert len([e for e in events if not e.succeeded]) == free
        assert not any(e.succeeded for e in events)
        assert {e.email for e in events} == {"inv@example.org"}
        assert all(e.user_id == investigator.id for e in events)
    # Another address is not slowed by this one's failures.
    assert web.login("other@example.org", "whatever-long").status_code == 401


def test_wrong_password_and_unknown_email_look_the_same(investigator, web):
    wrong = web.login("inv@example.org", "not-the-password")
    unknown = web.login("nobody@example.org", PASSWORD)
    assert wrong.status_code == unknown.status_code == 401
    for response in (wrong, unknown):
        assert GENERIC in response.get_data(as_text=True)


def test_security_headers(investigator, web_as, web):
    for response in (web.get("/login"), web_as(investigator).get("/")):
        h = response.headers
        assert "script-src 'self'" in h["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in h["Content-Security-Policy"]
        assert "unsafe-inline" not in h["Content-Security-Policy"]
        assert h["X-Frame-Options"] == "DENY"
        assert h["X-Content-Type-Options"] == "nosniff"
        assert h["Referrer-Policy"] in {"same-origin", "no-referrer", "strict-origin"}
        assert h["Cache-Control"] == "no-store"


def test_session_cookie_is_httponly_and_samesite(investigator, web):
    response = web.login("inv@example.org")
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert cookies
    attrs = {a.strip().lower() for a in cookies[-1].split(";")}
    assert "httponly" in attrs
    assert "samesite=lax" in attrs or "samesite=strict" in attrs
    # Secure is on by default; only the tests (plain http) and the local demo turn it off.
    assert DEFAULTS["SESSION_COOKIE_SECURE"] is True
    assert DEFAULTS["REMEMBER_COOKIE_SECURE"] is True


def test_script_in_a_title_is_escaped_everywhere(app, investigator, web_as):
    web = web_as(investigator)
    title = '<script>alert("x")</script>'
    response = web.post("/reviews/new", {**NEW_REVIEW, "title": title})
    assert response.status_code == 303
    review_url = response.headers["Location"]
    review_id = review_url.rstrip("/").split("/")[-2]
    for url in ("/", f"/reviews/{review_id}/triage", f"/reviews/{review_id}/history"):
        body = web.get(url).get_data(as_text=True)
        assert title not in body, url
        assert "&lt;script&gt;" in body, url


@pytest.mark.parametrize(
    "target",
    ["//evil.example", "https://evil.example/x", "/\\evil.example", "///evil.example", "\\\\x"],
)
def test_sign_in_refuses_to_redirect_off_site(investigator, web, target):
    page = web.client.get("/login", query_string={"next": target})

    response = web.client.post(
        "/login",
        query_string={"next": target},
        data={
            "email": "inv@example.org",
            "password": PASSWORD,
            "csrf_token": csrf_token(page.text),
        },
    )
    assert response.status_code == 302
    location = response.headers["Location"]
    # Browsers read a backslash as a slash; the address must stay on this site either way.
    normalised = location.replace("\\", "/")
    assert not normalised.startswith("//"), location
    assert urlsplit(normalised).netloc in ("", "localhost"), location


def test_sign_in_keeps_a_same_site_next(investigator, web):
    page = web.client.get("/login")

    response = web.client.post(
        "/login?next=/reviews/new",
        data={
            "email": "inv@example.org",
            "password": PASSWORD,
            "csrf_token": csrf_token(page.text),
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/reviews/new")


def test_passwords_are_argon2id_hashes(app, investigator):
    with app.app_context():
        stored = db.session.get(User, investigator.id).password_hash
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored


def test_deactivating_a_user_ends_their_session(app, make_user, investigator, web_as):
    admin = make_user("admin@example.org", "admin", None)
    victim = web_as(investigator)
    assert victim.get("/").status_code == 200
    admin_web = web_as(admin)
    response = admin_web.post(f"/admin/users/{investigator.id}/active", {"active": "0"})
    assert response.status_code in (302, 303)
    with app.app_context():
        assert db.session.get(User, investigator.id).active is False
    response = victim.get("/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    # And they cannot sign back in.
    again = Browserless(app.test_client()).login("inv@example.org")
    assert again.status_code == 401


def test_background_polls_do_not_keep_an_idle_session_alive(
    app, make_service, make_user, make_review, web_as
):
    """A meeting screen polls every second; that is not the person using the workbench."""
    service = make_service("OAK")
    user = make_user("poller@example.org", "investigator", [service])
    review_id = make_review(user, service)
    web = web_as(user)
    htmx = {"HX-Request": "true"}
    almost = time.time() - (DEFAULTS["SESSION_IDLE_MINUTES"] - 1) * 60
    with web.client.session_transaction() as session:
        session["last_seen"] = almost

    assert web.get(f"/reviews/{review_id}/live?since=x", headers=htmx).status_code in (200, 204)
    with web.client.session_transaction() as session:
        assert session["last_seen"] == almost, "a poll counted as activity"

    with web.client.session_transaction() as session:
        session["last_seen"] = time.time() - (DEFAULTS["SESSION_IDLE_MINUTES"] + 1) * 60
    response = web.get(
        f"/reviews/{review_id}/live?since=x",
        headers={**htmx, "HX-Current-URL": f"http://localhost/reviews/{review_id}/meeting"},
    )
    assert response.status_code == 204
    # Signed out, and sent back to the meeting screen after signing in again.
    assert response.headers["HX-Redirect"] == f"/login?next=/reviews/{review_id}/meeting"
