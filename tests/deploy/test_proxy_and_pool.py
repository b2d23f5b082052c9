"""What the app expects of its place behind nginx, and of its PostgreSQL pool: the client's address
comes from X-Forwarded-For only when a proxy is configured as trusted, and a request that cannot
get a database connection in time answers 503 with Retry-After, not 500."""

from __future__ import annotations

import os
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from rca import create_app
from rca.accounts.models import SignInEvent
from rca.db import db
from tests.conftest import csrf_token


def failed_sign_in(flask_app: Flask, forwarded_for: str) -> str | None:
    client = flask_app.test_client()
    token = csrf_token(client.get("/login").text)
    client.post(
        "/login",
        data={"email": "nobody@example.org", "password": "wrong", "csrf_token": token},
        headers={"X-Forwarded-For": forwarded_for},
    )
    with flask_app.app_context():
        address = db.session.scalars(
            select(SignInEvent.remote_addr).order_by(SignInEvent.id.desc())
        ).first()
        db.session.remove()
        return address


def behind_proxy(app: Flask, **config: Any) -> Flask:
    """Another app on this run's database and files, with some settings changed."""
    keys = ("DATABASE_URL", "SECRET_KEY", "JOBS_SQLITE_PATH", "EVIDENCE_UPLOAD_DIR")
    base = {k: app.config[k] for k in keys if k in app.config}
    return create_app({**base, "TESTING": True, "SESSION_COOKIE_SECURE": False, **config})


def test_the_client_address_is_the_proxys_view_only_when_the_proxy_is_trusted(
    app: Flask,
) -> None:
    # No proxy configured: a forged header changes nothing (the address sign-in limits count).
    assert failed_sign_in(app, "203.0.113.9") == "127.0.0.1"
    proxied = behind_proxy(app, TRUSTED_PROXIES=1)
    assert failed_sign_in(proxied, "203.0.113.9") == "203.0.113.9"
    # nginx replaces the header with its own view; with one trusted hop only the last counts.
    assert failed_sign_in(proxied, "198.51.100.1, 203.0.113.10") == "203.0.113.10"


@pytest.mark.skipif(
    not os.environ.get("RCA_TEST_DATABASE_URL", "").startswith("postgres"),
    reason="the connection pool settings are PostgreSQL's",
)
def test_a_request_that_waits_too_long_for_a_connection_is_told_to_retry(app: Flask) -> None:
    small = behind_proxy(app, DB_POOL_SIZE=1, DB_MAX_OVERFLOW=0, DB_POOL_TIMEOUT=1)
    with small.app_context():
        assert db.engine.pool.size() == 1
        assert db.engine.pool.timeout() == 1
        client = small.test_client()
        token = csrf_token(client.get("/login").text)  # the form itself reads nothing
        held = db.engine.connect()  # the pool's only connection, busy elsewhere
        try:
            form = {"email": "ann@example.org", "password": "x" * 12, "csrf_token": token}
            page = client.post("/login", data=form)
            api = small.test_client().get(
                "/api/v1/reviews", headers={"Authorization": "Bearer rca_x"}
            )
        finally:
            held.close()
        db.engine.dispose()
    assert page.status_code == 503 and page.headers["Retry-After"] == "5"
    assert "too busy" in page.text
    assert api.status_code == 503 and "too busy" in api.json["error"]
