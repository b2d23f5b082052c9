"""``flask --app rca users ...`` and ``flask --app rca tokens ...``"""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import func, select

from rca.accounts.models import ROLES, ApiToken, Membership, User
from rca.accounts.passwords import hash_password
from rca.accounts.tokens import issue_token, revoke_token
from rca.audit.recorder import acting_as
from rca.db import db
from rca.provider.models import Service

users_cli = AppGroup("users", help="Manage user accounts.")
tokens_cli = AppGroup("tokens", help="Manage API bearer tokens.")


def _user(email: str) -> User:
    user = db.session.scalars(
        select(User).where(func.lower(User.email) == email.strip().lower())
    ).first()
    if user is None:
        raise click.ClickException(f"No user with email {email!r}.")
    return user


@users_cli.command("add")
@click.argument("email")
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice(list(ROLES)))
@click.option("--service", "services", multiple=True, help="Service CODE (repeatable).")
@click.option("--all-services", is_flag=True, help="The role applies at every service.")
@click.option("--password-stdin", is_flag=True, required=True, help="Read the password from stdin.")
def add_user(
    email: str,
    name: str,
    role: str,
    services: tuple[str, ...],
    all_services: bool,
    password_stdin: bool,
) -> None:
    """Add a user with a role at some services or all of them."""
    if bool(services) == all_services:
        raise click.ClickException("Give either --service CODE (one or more) or --all-services.")
    if role == "admin" and not all_services:
        raise click.ClickException("Admins hold their role at every service: use --all-services.")
    email = email.strip().lower()
    if "@" not in email or len(email) > 254:
        raise click.ClickException(f"{email!r} is not an email address.")
    if db.session.scalars(select(User).where(func.lower(User.email) == email)).first():
        raise click.ClickException(f"A user with email {email!r} already exists.")
    found = {
        s.code: s for s in db.session.scalars(select(Service).where(Service.code.in_(services)))
    }
    if missing := [c for c in services if c not in found]:
        raise click.ClickException(f"Unknown service code(s): {', '.join(missing)}.")
    password = sys.stdin.readline().rstrip("\r\n")
    try:
        password_hash = hash_password(password)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    with acting_as(None, "cli"):
        user = User(email=email, name=name.strip(), password_hash=password_hash)
        if all_services:
            user.memberships.append(Membership(role=role, service_id=None))
        for code in dict.fromkeys(services):
            user.memberships.append(Membership(role=role, service_id=found[code].id))
        db.session.add(user)
        db.session.commit()
    click.echo(f"Added {email} as {ROLES[role]} ({', '.join(services) or 'all services'}).")


@tokens_cli.command("add")
@click.argument("email")
def add_token(email: str) -> None:
    """Create a bearer token for EMAIL and print it alone on one line."""
    user = _user(email)
    if not user.active:
        raise click.ClickException(f"{email} is deactivated.")
    with acting_as(None, "cli"):
        token = issue_token(db.session, user)
        db.session.commit()
    click.echo(token)


@tokens_cli.command("list")
@click.argument("email")
def list_tokens(email: str) -> None:
    """List a user's tokens (id, prefix, created, state)."""
    user = _user(email)
    for t in db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)):
        state = f"revoked {t.revoked_at:%Y-%m-%d}" if t.revoked_at else "active"
        click.echo(f"{t.id}\t{t.prefix}…\t{t.created_at:%Y-%m-%d %H:%M}\t{state}")


@tokens_cli.command("revoke")
@click.argument("token_id", type=int)
def revoke(token_id: int) -> None:
    """Revoke the token with TOKEN_ID (from ``tokens list``)."""
    with acting_as(None, "cli"):
        if not revoke_token(db.session, token_id):
            raise click.ClickException(f"No active token with id {token_id}.")
        db.session.commit()
    click.echo(f"Revoked token {token_id}.")


def register(app: Flask) -> None:
    app.cli.add_command(users_cli)
    app.cli.add_command(tokens_cli)
