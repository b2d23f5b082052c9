"""``flask --app rca import-evidence``: the Contract command for scripts outside the project."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from rca.audit.recorder import acting_as
from rca.db import db
from rca.evidence.importer import ImportRequest, resolve_mapping, run_import
from rca.evidence.mapping import save_profile
from rca.evidence.models import KINDS
from rca.evidence.reading import FileRefused, read_table
from rca.evidence.uploads import sheet_limits
from rca.reviews.models import Review


def _pairs(values: tuple[str, ...], option: str) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for value in values:
        key, sep, rest = value.partition("=")
        if not sep or not key.strip():
            raise click.ClickException(f"{option} takes NAME=VALUE, not {value!r}.")
        pairs[key.strip()] = rest.strip()
    return pairs


def _refuse(message: str) -> click.ClickException:
    """The whole file is refused: one line on stderr, non-zero exit."""
    return click.ClickException(" ".join(message.split()))


@click.command("import-evidence")
@click.option(
    "--review", "reference", required=True, help="The review's reference (RCA-2026-0001)."
)
@click.option("--kind", required=True, help=f"What the file holds: {', '.join(KINDS)}.")
@click.option(
    "--mapping",
    default="auto",
    show_default=True,
    help="A saved mapping profile's NAME, or 'auto': the profile saved for these headers if any, "
    "else the proposed mapping.",
)
@click.option("--sheet", help="The workbook sheet to read (default: the first).")
@click.option("--dry-run", is_flag=True, help="Report what would be imported; write nothing.")
@click.option(
    "--date-order",
    "date_orders",
    multiple=True,
    metavar="COLUMN=dmy|mdy",
    help="How to read a date column whose every day is 12 or less (repeatable).",
)
@click.option(
    "--map",
    "overrides",
    multiple=True,
    metavar="FIELD=COLUMN",
    help="Send a target field to a source column, over the chosen mapping (repeatable; an empty "
    "COLUMN unmaps the field).",
)
@click.option(
    "--save-mapping",
    metavar="NAME",
    help="Save the mapping used (with any --date-order) as a profile named for the source system.",
)
@click.argument("file", metavar="FILE")
@with_appcontext
def import_evidence(
    reference: str,
    kind: str,
    mapping: str,
    sheet: str | None,
    dry_run: bool,
    date_orders: tuple[str, ...],
    overrides: tuple[str, ...],
    save_mapping: str | None,
    file: str,
) -> None:
    """Import FILE (CSV, XLSX, XLS or ODS) into a review as evidence of one KIND.

    Prints one JSON object: file, sha256, rows_read, imported, duplicates, rejected, mapping.
    Exits 0 when the file was processed (rejected rows included); exits non-zero with a one-line
    reason on stderr when the file as a whole is refused, and then writes nothing.
    """
    if kind not in KINDS:
        raise _refuse(f"Unknown kind {kind!r} (kinds: {', '.join(KINDS)}).")
    if save_mapping and dry_run:
        raise _refuse("--save-mapping writes a profile: run it without --dry-run.")
    orders = _pairs(date_orders, "--date-order")
    field_overrides = _pairs(overrides, "--map")
    review = db.session.scalars(select(Review).where(Review.reference == reference.strip())).first()
    if review is None:
        raise _refuse(f"No review with reference {reference!r}.")
    path = Path(file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _refuse(f"Cannot read {file}: {exc.strerror or exc}.") from None
    try:
        table = read_table(data, path.name, sheet=sheet, limits=sheet_limits(current_app))
        del data
        chosen: str | dict[str, str] = mapping
        if field_overrides:
            chosen, _ = resolve_mapping(db.session, kind, table, mapping)
            chosen.update(field_overrides)
        with acting_as(None, "cli"):
            # No user_id: a command line has no account behind it (History says "cli").
            request = ImportRequest(
                review, kind, table, mapping=chosen, date_orders=orders, dry_run=dry_run
            )
            outcome = run_import(db.session, request)
            if save_mapping:
                used_orders = {c: o for c, o in orders.items() if c in table.headers}
                save_profile(
                    db.session,
                    save_mapping,
                    kind,
                    table.headers,
                    outcome.mapping,
                    {"date_orders": used_orders},
                    None,
                )
    except (FileRefused, ValueError) as exc:
        db.session.rollback()
        raise _refuse(str(exc)) from None
    except BaseException:
        db.session.rollback()
        raise
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    click.echo(json.dumps(outcome.to_json(), ensure_ascii=False))


def register(app: Flask) -> None:
    app.cli.add_command(import_evidence)
