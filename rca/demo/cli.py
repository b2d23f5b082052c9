"""``flask --app rca demo``: load the demo provider into an empty database."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext

from rca.accounts.models import ROLES
from rca.db import db, today_london
from rca.demo import data, loader
from rca.demo.evidence import import_demo_evidence
from rca.demo.exports_cli import demo_exports_command
from rca.reviews.models import DEPTHS, STAGES


@click.command("demo")
@click.option(
    "--reset",
    is_flag=True,
    help="Delete everything first, then load. Refused unless the database holds only demo data.",
)
@click.option("--yes", is_flag=True, help="Do not ask before --reset deletes data.")
@click.option(
    "--with-evidence",
    is_flag=True,
    help="Also import every demo review's generated export files (as demo-exports writes them), "
    "so timelines and reports have evidence.",
)
@with_appcontext
def demo_command(reset: bool, yes: bool, with_evidence: bool) -> None:
    """Load a realistic demo provider: 4 services, staff, users for every role and 8 reviews.

    Does nothing (and says so) when the database already holds data, so it is safe to run on
    every start.
    """
    session = db.session
    counts = loader.existing_data(session)
    if any(counts.values()):
        if not reset:
            found = ", ".join(f"{n} {what}" for what, n in counts.items())
            click.echo(f"The database already holds data ({found}); the demo was not loaded.")
            click.echo("Nothing was changed. For a fresh demo: flask --app rca demo --reset --yes")
            _print_sign_in()
            return
        # Only the demo's own data may be thrown away: a real provider's records never are.
        if not loader.is_demo_only(session):
            raise click.ClickException(
                "--reset refused: the database holds services or users that are not the demo's."
            )
        if not yes:
            click.confirm(
                "Delete every record in the database and load the demo again?", abort=True
            )
        loader.empty_database(session)
        click.echo("Deleted the previous demo data.")
    try:
        reviews = loader.load(session, today_london())
    except Exception:
        session.rollback()
        raise
    click.echo(
        f"Loaded the demo provider {data.PROVIDER}: {len(data.SERVICES)} services, "
        f"{len(data.STAFF)} staff, {sum(len(p) for p in data.PEOPLE.values())} people "
        f"supported, {len(data.USERS)} users and {len(reviews)} reviews."
    )
    click.echo("")
    for r in reviews:
        depth = DEPTHS[r.depth] + (" (override)" if r.overridden else "")
        click.echo(f"  {r.reference}  {r.service}  {STAGES[r.stage]:<10}  {depth:<34}  {r.title}")
    if with_evidence:
        imported = import_demo_evidence(session)
        click.echo("")
        click.echo(
            f"Imported {sum(imported.values())} evidence rows from the demo exports into "
            f"{len(imported)} reviews (bad and repeated rows on purpose: see Needs attention)."
        )
    _print_sign_in()


def _print_sign_in() -> None:
    click.echo("")
    click.echo(f"Sign in with any of these accounts; the password is {data.DEMO_PASSWORD}")
    for u in data.USERS:
        where = ", ".join(u.services) if u.services else "all services"
        click.echo(f"  {u.email:<34} {ROLES[u.role]:<13} {where:<13} {u.name}, {u.job}")


def register(app: Flask) -> None:

    app.cli.add_command(demo_command)
    app.cli.add_command(demo_exports_command)
