"""The /api/v1 contract: shared fixtures and payloads for the API tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from rca.accounts.models import User
from rca.accounts.tokens import issue_token
from rca.db import db

SEVERE = {
    "service": "OAK",
    "title": "Fall in the lounge",
    "trigger": "incident",
    "occurred_on": "2026-10-02",
    "severity": "severe",
    "people_affected": 1,
    "safeguarding": False,
    "notified": False,
}
LOW = {**SEVERE, "title": "Missed evening medication", "severity": "low"}
ERROR_KEYS = {"error", "field"}


@pytest.fixture
def token_for(app: Flask) -> Callable[[User], str]:
    def make(user: User) -> str:
        with app.app_context():
            token = issue_token(db.session, db.session.get(User, user.id))
            db.session.commit()
            return token

    return make


class Api:
    """A test client that sends a bearer token (or none) on every request."""

    def __init__(self, app: Flask, token: str | None):
        self.client = app.test_client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, url: str, **kw: Any) -> Any:
        return self.client.get(url, headers=self.headers, **kw)

    def post(self, url: str, body: Any = None, **kw: Any) -> Any:
        kw.setdefault("json", body)
        return self.client.post(url, headers=self.headers, **kw)


@pytest.fixture
def api_as(app: Flask, token_for: Callable[[User], str]) -> Callable[[User], Api]:
    return lambda user: Api(app, token_for(user))


@pytest.fixture
def oak(make_service):  # type: ignore[no-untyped-def]
    return make_service("OAK")


@pytest.fixture
def investigator(make_user, oak) -> User:  # type: ignore[no-untyped-def]
    return make_user("inv@example.org", "investigator", [oak], name="Ivy Investigator")


def count(app: Flask, model: Any, *where: Any) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0
