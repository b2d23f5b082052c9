"""``flask --app rca report REFERENCE --out FILE [--names] [--draft|--issued [--version N]]``:
write a review's PDF.

By default it writes the current draft, pseudonymised as the provider chose; ``--names`` names
staff (people supported keep their pseudonyms). ``--issued`` writes the latest issued version's
stored bytes instead (``--version N`` a given one). An unknown reference (or no issued version)
exits non-zero with a one-line reason on stderr; nothing is written then.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from rca.db import db
from rca.reports import drafts, issued
from rca.reviews.models import Review


@click.command("report")
@click.argument("reference")
@click.option(
    "--out", "out", required=True, type=click.Path(dir_okay=False, writable=True, path_type=Path)
)
@click.option("--names", is_flag=True, help="Name staff rather than show them by role.")
@click.option("--issued", "as_issued", is_flag=True, help="The issued version, not the draft.")
@click.option("--version", "number", type=int, help="With --issued: this issued version.")
@with_appcontext
def report_command(
    reference: str, out: Path, names: bool, as_issued: bool, number: int | None
) -> None:
    """Write the report of the review REFERENCE (e.g. RCA-2026-0003) as a PDF to FILE."""
    review = db.session.scalar(select(Review).where(Review.reference == reference.strip()))
    if review is None:
        raise click.ClickException(f"No review with reference {reference}.")
    if as_issued:
        record = issued.version(db.session, review, number)
        if record is None:
            what = f"version {number}" if number else "version"
            raise click.ClickException(f"{review.reference} has no issued {what}.")
        data = record.pdf
    else:
        mode = "staff-names" if names else drafts.chosen_mode(db.session, review)
        data = drafts.draft_today(current_app, db.session, review, mode)
    try:
        out.write_bytes(data)
    except OSError as exc:
        raise click.ClickException(f"Could not write {out}: {exc.strerror}.") from None
    click.echo(f"{out} {issued.sha256(data)}")


def register(app: Flask) -> None:
    """Add the report command to the app's CLI."""
    app.cli.add_command(report_command)
