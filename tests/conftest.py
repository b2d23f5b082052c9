"""Shared fixtures: a real database (SQLite by default, PostgreSQL when RCA_TEST_DATABASE_URL
names one), migrated with Alembic once per run and emptied after every test; factories for
services, users and reviews; a client that signs in.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from rca import create_app
from rca.accounts.models import Membership, User
from rca.accounts.passwords import hash_password
from rca.db import db
from rca.provider.models import Service
from rca.reviews import lifecycle

PASSWORD = "correct-horse-battery"
#: A review's starting fields as the new-review form sends them (at OAK unless told).
REVIEW_FIELDS = {
    "service": "OAK",
    "title": "Missed evening medication",
    "trigger": "incident",
    "occurred_on": "2026-10-01",
    "severity": "low",
    "people_affected": 1,
}


def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    import os

    url = os.environ.get("RCA_TEST_DATABASE_URL")
    if url:
        return url
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite3")


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    # The job queue, uploads and report cache of this run, never the checkout's instance/: two
    # runs at once (SQLite and PostgreSQL, or two people) must not take each other's jobs.
    files = tmp_path_factory.mktemp("instance")
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url(tmp_path_factory),
            "JOBS_SQLITE_PATH": str(files / "jobs.sqlite3"),
            "EVIDENCE_UPLOAD_DIR": str(files / "uploads"),
            "REPORTS_CACHE_DIR": str(files / "reports" / "cache"),
            "SECRET_KEY": "test-secret-key-not-for-production",
            "SESSION_COOKIE_SECURE": False,
            "REMEMBER_COOKIE_SECURE": False,
        }
    )
    with app.app_context():
        _drop_everything()
        upgrade(directory=app.root_path + "/migrations")
    yield app


def _drop_everything() -> None:
    """Start each run from an empty schema (a PostgreSQL test database may hold an old one)."""
    engine = db.engine
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    else:
        db.metadata.drop_all(engine)
        with engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))


def _quiet_jobs(app: Flask) -> None:
    """Let a test's background jobs end before its rows go: a job still writing would deadlock
    with the TRUNCATE below (PostgreSQL), or run in the next test against ids reused by
    RESTART IDENTITY. The embedded workers finish what they hold and the queue is emptied; the
    next enqueue starts them again."""
    jobs = app.extensions.get("rca_jobs")
    if jobs is None:
        return
    jobs.stop_consumer()
    jobs.huey.flush()


def _empty_tables() -> None:
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    if db.engine.dialect.name != "postgresql":
        with db.engine.begin() as conn:
            for name in tables:
                conn.execute(text(f'DELETE FROM "{name}"'))
        return
    # A live-server thread may still be answering a request the browser sent as the test
    # ended; TRUNCATE then waits for its locks (or deadlocks with it). Wait briefly, retry,
    # and if the tables still cannot be emptied, say who holds them rather than letting the
    # next test fail on a duplicate key.
    for attempt in range(5):
        try:
            with db.engine.begin() as conn:
                conn.execute(text("SET LOCAL lock_timeout = '3s'"))
                conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
            return
        except OperationalError:
            time.sleep(0.2 * (attempt + 1))
    with db.engine.connect() as conn:
        holders = conn.execute(
            text(
                "SELECT pid, state, left(query, 120) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ).all()
    raise RuntimeError(f"could not empty the test tables; other sessions: {holders}")


@pytest.fixture(autouse=True)
def _clean_database(request: pytest.FixtureRequest) -> Iterator[None]:
    if "app" not in request.fixturenames:
        yield
        return
    app: Flask = request.getfixturevalue("app")
    yield
    with app.app_context():
        db.session.remove()
        _quiet_jobs(app)
        _empty_tables()


@pytest.fixture
def ctx(app: Flask) -> Iterator[Flask]:
    """An app context for tests that call domain functions directly."""
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture
def make_service(app: Flask) -> Callable[..., Service]:
    def make(code: str = "OAK", kind: str = "care-home", name: str | None = None) -> Service:
        with app.app_context():
            service = Service(code=code, name=name or f"{code} service", kind=kind)
            db.session.add(service)
            db.session.commit()
            db.session.refresh(service)
            db.session.expunge(service)
            return service

    return make


@pytest.fixture
def make_user(app: Flask) -> Callable[..., User]:
    def make(
        email: str,
        role: str = "investigator",
        services: list[Service] | None = None,
        name: str | None = None,
    ) -> User:
        """A user with ``role`` at ``services`` (every service when None)."""
        with app.app_context():
            user = User(
                email=email,
                name=name or email.split("@")[0].title(),
                password_hash=hash_password(PASSWORD),
            )
            if services is None:
                user.memberships.append(Membership(role=role, service_id=None))
            for s in services or []:
                user.memberships.append(Membership(role=role, service_id=s.id))
            db.session.add(user)
            db.session.commit()
            return db.session.get(User, user.id)  # type: ignore[return-value]

    return make


@pytest.fixture
def make_review(app: Flask) -> Callable[..., int]:
    def make(user: User, service: Service, **fields: Any) -> int:
        """Create a review as ``user`` through the domain function; returns its id."""
        raw = {**REVIEW_FIELDS, "service": service.code, **fields}
        with app.app_context():
            acting = db.session.get(User, user.id)
            review = lifecycle.create_review(db.session, acting, raw, date(2026, 11, 23))
            db.session.commit()
            return review.id

    return make


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


class Browserless:
    """A test client that signs in through the real form and posts forms with their token."""

    def __init__(self, client: FlaskClient):
        self.client = client
        self.token = ""

    def login(self, email: str, password: str = PASSWORD) -> Any:
        page = self.client.get("/login")
        self.token = csrf_token(page.text)
        return self.client.post(
            "/login", data={"email": email, "password": password, "csrf_token": self.token}
        )

    def get(self, url: str, **kw: Any) -> Any:
        return self.client.get(url, **kw)

    def post(self, url: str, data: dict[str, Any] | None = None, **kw: Any) -> Any:
        if not self.token:
            self.token = csrf_token(self.client.get("/login").text)
        return self.client.post(url, data={"csrf_token": self.token, **(data or {})}, **kw)


@pytest.fixture
def web(app: Flask) -> Browserless:
    return Browserless(app.test_client())


@pytest.fixture
def web_as(app: Flask) -> Callable[[User], Browserless]:
    def signed_in(user: User) -> Browserless:
        b = Browserless(app.test_client())
        response = b.login(user.email)
        assert response.status_code == 302, response.text
        return b

    return signed_in
