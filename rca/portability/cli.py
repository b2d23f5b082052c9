"""The commands: ``backup PATH``, ``restore PATH``, ``bundle export`` and ``bundle import``.

Each prints one JSON object on success; a refusal exits 1 with a one-line reason on stderr, and
then nothing was written.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from rca.db import db
from rca.evidence.uploads import upload_dir
from rca.portability.backup import BackupError, backup
from rca.portability.bundle_export import ExportRefused, export_bundle
from rca.portability.bundle_import import Bundle, BundleRefused, import_bundle
from rca.portability.manifest import hash_stream
from rca.portability.restore import restore
from rca.reviews.models import Review


def _echo(data: dict) -> None:
    click.echo(json.dumps(data, indent=1, ensure_ascii=False))


@click.command("backup")
@click.argument("path", type=click.Path(path_type=Path))
@with_appcontext
def backup_command(path: Path) -> None:
    """Write the database and stored uploads to the archive PATH (or a dated file in the folder
    PATH), consistently, while the app runs."""
    try:
        summary = backup(current_app, path)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    _echo(summary.to_json())


@click.command("restore")
@click.argument("path", type=click.Path(path_type=Path))
@with_appcontext
def restore_command(path: Path) -> None:
    """Restore the backup archive PATH into this empty instance (stop the app first)."""
    try:
        summary = restore(current_app, path)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    _echo(summary.to_json())


@click.group("bundle")
def bundle_cli() -> None:
    """Move one review, with its evidence, analysis, actions and History, to another instance."""


@bundle_cli.command("export")
@click.argument("reference")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def export_command(reference: str, out: Path) -> None:
    """Write the review REFERENCE (e.g. RCA-2026-0003) as a bundle to FILE."""
    review = db.session.scalar(select(Review).where(Review.reference == reference.strip()))
    if review is None:
        raise click.ClickException(f"No review with reference {reference}.")
    partial = out.with_name(f".{out.name}.partial")
    try:
        with partial.open("wb") as fh:
            summary = export_bundle(db.session, review.id, fh, upload_dir(current_app))
        os.replace(partial, out)
    except ExportRefused as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"Could not write {out}: {exc.strerror}.") from None
    finally:
        partial.unlink(missing_ok=True)
        db.session.rollback()  # read only
    with out.open("rb") as fh:
        digest, size = hash_stream(fh)
    _echo(
        {
            "file": str(out),
            "sha256": digest,
            "size": size,
            "review": summary.reference,
            "rows": summary.rows,
            "files": summary.files,
            "missing_files": summary.missing_files,
        }
    )


@bundle_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--service", "service", help="Import into this service (its code) instead.")
@with_appcontext
def import_command(path: Path, service: str | None) -> None:
    """Import the bundle FILE; importing the same review again changes nothing."""
    try:
        with path.open("rb") as fh:
            bundle = Bundle(fh, str(path))
            report = import_bundle(
                db.session, bundle, upload_dir(current_app), service_code=service
            )
            db.session.commit()
    except BundleRefused as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    _echo(report.to_json())


def register(app: Flask) -> None:
    """Add the backup, restore and bundle commands to the app's CLI."""
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(bundle_cli)
