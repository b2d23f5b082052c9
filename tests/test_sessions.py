"""Signing out ends the session on the server: a copy of the cookie taken before opens nothing
afterwards. A password change ends the user's other sessions, deactivation ends all of them,
idle expiry ends the one that idled; API tokens are not sessions and carry on."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import pytest
from conftest import PASSWORD, Browserless, csrf_token
from flask_login.utils import encode_cookie
from sqlalchemy import func, select

from rca.accounts.models import User
from rca.accounts.tokens import issue_token
from rca.config import DEFAULTS
from rca.db import db
from rca.fishbone.models import Cause

NEW_PASSWORD = "a-brand-new-passphrase"


@pytest.fixture
def oak(make_service):
    return make_service("OAK")


@pytest.fixture
def ivy(make_user, oak):
    return make_user("inv@example.org", "investigator", [oak])


def _copy(web: Browserless, app) -> Browserless:
    """Another browser holding a copy of ``web``'s session cookie (and its CSRF token)."""
    thief = Browserless(app.test_client())
    thief.client.set_cookie("session", web.client.get_cookie("session").value)
    thief.token = web.token
    return thief


def _signed_out(response) -> bool:
    return response.status_code == 302 and urlsplit(response.headers["Location"]).path == "/login"


def _causes(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Cause))


def test_a_cookie_copied_before_sign_out_opens_nothing_after(app, ivy, make_review, oak, web_as):
    review_id = make_review(ivy, oak)
    web = web_as(ivy)
    assert web.get("/").status_code == 200
    copy = _copy(web, app)
    assert copy.get("/").status_code == 200, "the copy is a working session before sign-out"

    assert web.post("/logout").status_code == 302

    assert _signed_out(copy.get("/"))
    assert _signed_out(copy.get(f"/reviews/{review_id}/analysis"))
    saved = copy.post(
        f"/reviews/{review_id}/causes", {"text": "Handover rushed", "category": "communication"}
    )
    assert saved.status_code in (302, 400), saved.status_code
    assert _causes(app) == 0


def test_signing_out_ends_that_session_only(app, ivy, web_as):
    laptop, tablet = web_as(ivy), web_as(ivy)
    assert laptop.post("/logout").status_code == 302
    assert _signed_out(laptop.get("/"))
    assert tablet.get("/").status_code == 200


def test_changing_password_ends_the_other_sessions_and_keeps_this_one(app, ivy, web_as):
    here, elsewhere = web_as(ivy), web_as(ivy)
    copy = _copy(elsewhere, app)
    page = here.get("/account/password")
    here.token = csrf_token(page.text)
    response = here.post(
        "/account/password",
        {
            "current_password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
        },
    )
    assert response.status_code == 303, response.text
    assert here.get("/").status_code == 200
    assert _signed_out(elsewhere.get("/"))
    assert _signed_out(copy.get("/"))
    assert Browserless(app.test_client()).login(ivy.email, NEW_PASSWORD).status_code == 302


def test_deactivation_ends_every_session_even_after_reactivation(app, ivy, make_user, web_as):
    admin = web_as(make_user("admin@example.org", "admin", None))
    victim = web_as(ivy)
    assert admin.post(f"/admin/users/{ivy.id}/active", {"active": "0"}).status_code == 303
    assert admin.post(f"/admin/users/{ivy.id}/active", {"active": "1"}).status_code == 303
    assert _signed_out(victim.get("/"))
    assert web_as(ivy).get("/").status_code == 200  # signing in again works


def test_idle_expiry_ends_the_session_for_every_copy(app, ivy, web_as):
    web = web_as(ivy)
    copy = _copy(web, app)  # its own last_seen stays fresh
    with web.client.session_transaction() as session:
        session["last_seen"] = time.time() - (DEFAULTS["SESSION_IDLE_MINUTES"] + 1) * 60
    assert _signed_out(web.get("/"))
    assert _signed_out(copy.get("/"))


def test_a_remember_cookie_opens_no_session(app, ivy, web_as):
    """Flask-Login reads a "remember me" cookie when the session has no user; the app never
    sets one, and one forged from a user id (with the secret key) still opens nothing."""
    web = web_as(ivy)
    assert web.post("/logout").status_code == 302
    with app.test_request_context():
        forged = encode_cookie(str(ivy.id))
    stranger = Browserless(app.test_client())
    stranger.client.set_cookie("remember_token", forged)
    assert _signed_out(stranger.get("/"))


def test_api_tokens_outlive_sign_out_and_password_change(app, ivy, web_as):
    with app.app_context():
        token = issue_token(db.session, db.session.get(User, ivy.id))
        db.session.commit()
    web = web_as(ivy)
    web.token = csrf_token(web.get("/account/password").text)
    assert (
        web.post(
            "/account/password",
            {
                "current_password": PASSWORD,
                "new_password": NEW_PASSWORD,
                "confirm_password": NEW_PASSWORD,
            },
        ).status_code
        == 303
    )
    assert web.post("/logout").status_code == 302
    api = app.test_client().get("/api/v1/reviews", headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 200
