"""``flask --app rca services ...``"""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from rca.audit.recorder import acting_as
from rca.db import db
from rca.provider.models import NATIONS, SERVICE_KINDS, Service

services_cli = AppGroup("services", help="Manage the provider's services.")


@services_cli.command("add")
@click.argument("code")
@click.option("--name", required=True, help="The service's name.")
@click.option("--kind", required=True, type=click.Choice(list(SERVICE_KINDS)))
@click.option(
    "--nation",
    default="ENG",
    show_default=True,
    type=click.Choice(list(NATIONS)),
    help="Decides the bank holidays used for working days.",
)
def add_service(code: str, name: str, kind: str, nation: str) -> None:
    """Add a service with a short CODE."""
    code = code.strip()
    if not code or len(code) > 32:
        raise click.ClickException("CODE must be 1 to 32 characters.")
    if db.session.scalars(select(Service).where(Service.code == code)).first():
        raise click.ClickException(f"A service with code {code!r} already exists.")
    with acting_as(None, "cli"):
        db.session.add(Service(code=code, name=name.strip(), kind=kind, nation=nation))
        db.session.commit()
    click.echo(f"Added service {code}: {name} ({SERVICE_KINDS[kind]}).")


@services_cli.command("list")
def list_services() -> None:
    """List services."""
    for s in db.session.scalars(select(Service).order_by(Service.code)):
        click.echo(f"{s.code}\t{s.kind}\t{s.nation}\t{s.name}")


def register(app: Flask) -> None:
    app.cli.add_command(services_cli)
