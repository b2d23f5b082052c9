"""The Contract CLI commands, run through Flask's CLI runner against the real database."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from rca.accounts.models import ApiToken, User
from rca.accounts.passwords import verify_password
from rca.db import db
from rca.provider.models import Service

PASSWORD = "a-long-enough-password"


@pytest.fixture
def cli(app: Flask):  # type: ignore[no-untyped-def]
    runner = app.test_cli_runner()

    def run(*args: str, input: str | None = None) -> Any:
        return runner.invoke(args=list(args), input=input)

    return run


def _account(app: Flask, email: str) -> dict[str, Any] | None:
    """What the CLI stored for ``email``, read while the session is open."""
    with app.app_context():
        user = db.session.scalars(select(User).where(User.email == email)).first()
        if user is None:
            return None
        roles = sorted((m.role, m.service.code if m.service else None) for m in user.memberships)
        return {"name": user.name, "password_hash": user.password_hash, "roles": roles}


# --- services ------------------------------------------------------------------------------


def test_services_add(app, cli):
    result = cli("services", "add", "OAK", "--name", "Oak House", "--kind", "care-home")

    assert result.exit_code == 0, result.output
    assert "Added service OAK" in result.output
    with app.app_context():
        service = db.session.scalars(select(Service)).one()
        assert (service.code, service.name, service.kind) == ("OAK", "Oak House", "care-home")


def test_services_add_refuses_a_duplicate_code(app, cli, make_service):
    make_service("OAK")
    result = cli("services", "add", "OAK", "--name", "Another", "--kind", "homecare")

    assert result.exit_code == 1
    assert "already exists" in result.output
    with app.app_context():
        assert len(db.session.scalars(select(Service)).all()) == 1


def test_services_add_refuses_an_unknown_kind(app, cli):
    result = cli("services", "add", "OAK", "--name", "Oak House", "--kind", "hospital")

    assert result.exit_code == 2
    assert "Invalid value for '--kind'" in result.output
    with app.app_context():
        assert db.session.scalars(select(Service)).first() is None


@pytest.mark.parametrize("kind", ["care-home", "supported-living", "homecare"])
def test_services_add_accepts_every_kind(app, cli, kind):
    assert cli("services", "add", "S1", "--name", "S", "--kind", kind).exit_code == 0


# --- users ---------------------------------------------------------------------------------


def test_users_add_at_a_service_reads_the_password_from_stdin(app, cli, make_service):
    make_service("OAK")
    make_service("ELM")
    result = cli(
        "users", "add", "Ann@Example.org", "--name", "Ann Lead", "--role", "investigator",
        "--service", "OAK", "--service", "ELM", "--password-stdin",
        input=PASSWORD + "\n",
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output
    account = _account(app, "ann@example.org")
    assert account is not None
    assert account["name"] == "Ann Lead"
    assert verify_password(account["password_hash"], PASSWORD)
    assert account["roles"] == [("investigator", "ELM"), ("investigator", "OAK")]


def test_users_add_for_all_services(app, cli):
    result = cli(
        "users", "add", "boss@example.org", "--name", "Boss", "--role", "admin",
        "--all-services", "--password-stdin", input=PASSWORD + "\n",
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    assert _account(app, "boss@example.org")["roles"] == [("admin", None)]


@pytest.mark.parametrize(
    ("args", "password", "message"),
    [
        (["--service", "OAK"], "short", "at least 10 characters"),
        (["--service", "NOPE"], PASSWORD, "Unknown service code(s): NOPE"),
        (["--service", "OAK", "--all-services"], PASSWORD, "either --service"),
        ([], PASSWORD, "either --service"),
    ],
    ids=["short-password", "unknown-service", "both", "neither"],
)
def test_users_add_refusals(app, cli, make_service, args, password, message):
    make_service("OAK")
    result = cli(
        "users", "add", "ann@example.org", "--name", "Ann", "--role", "investigator",
        *args, "--password-stdin", input=password + "\n",
    )  # fmt: skip

    assert result.exit_code == 1
    assert message in result.output
    assert _account(app, "ann@example.org") is None


def test_users_add_refuses_a_duplicate_email(app, cli, make_user):
    make_user("ann@example.org")
    result = cli(
        "users", "add", "ANN@example.org", "--name", "Ann", "--role", "investigator",
        "--all-services", "--password-stdin", input=PASSWORD + "\n",
    )  # fmt: skip
    assert result.exit_code == 1
    assert "already exists" in result.output


def test_users_add_requires_password_stdin(app, cli):
    result = cli(
        "users", "add", "a@example.org", "--name", "A", "--role", "admin", "--all-services"
    )
    assert result.exit_code == 2
    assert "--password-stdin" in result.output


# --- tokens --------------------------------------------------------------------------------


def test_tokens_add_prints_a_working_token_and_revoke_stops_it(
    app, cli, make_service, make_user, make_review
):
    oak = make_service("OAK")
    user = make_user("inv@example.org", "investigator", [oak])
    review_id = make_review(user, oak)

    result = cli("tokens", "add", "inv@example.org")

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) == 1, "the token must be alone on one line, for scripts"
    token = lines[0]
    assert re.fullmatch(r"rca_[A-Za-z0-9_-]{20,}", token)

    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    listed = client.get("/api/v1/reviews", headers=headers)
    assert listed.status_code == 200
    assert [r["id"] for r in listed.json["reviews"]] == [review_id]

    listing = cli("tokens", "list", "inv@example.org")
    assert listing.exit_code == 0
    token_id, prefix = listing.output.split("\t")[:2]
    assert token.startswith(prefix.rstrip("…"))
    assert "active" in listing.output

    revoked = cli("tokens", "revoke", token_id)
    assert revoked.exit_code == 0, revoked.output
    after = client.get("/api/v1/reviews", headers=headers)
    assert after.status_code == 401
    assert after.headers["WWW-Authenticate"].startswith("Bearer")
    assert "revoked" in cli("tokens", "list", "inv@example.org").output

    again = cli("tokens", "revoke", token_id)
    assert again.exit_code == 1
    assert "No active token" in again.output


def test_tokens_are_stored_only_as_hashes(app, cli, make_user):
    make_user("inv@example.org")
    token = cli("tokens", "add", "inv@example.org").output.strip()
    with app.app_context():
        row = db.session.scalars(select(ApiToken)).one()
        assert token not in (row.token_hash, row.prefix)
        assert len(row.token_hash) == 64


def test_tokens_add_refuses_an_unknown_user(app, cli):
    result = cli("tokens", "add", "nobody@example.org")
    assert result.exit_code == 1
    assert "No user with email" in result.output


# --- db ------------------------------------------------------------------------------------


def test_db_upgrade_is_registered(cli):
    result = cli("db", "--help")
    assert result.exit_code == 0
    assert re.search(r"^\s+upgrade\b", result.output, re.MULTILINE)
