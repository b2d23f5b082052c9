"""``flask --app rca restore PATH``: a backup archive into an empty instance.

Every member is checked against ``backup.json`` before anything is touched, and the instance must
hold no services, users or reviews (a schema made by ``db upgrade`` with no data is fine). Then:

- SQLite: the database file is replaced through the online backup API, in one step;
- PostgreSQL: ``pg_restore --single-transaction --clean --if-exists``, so a failure leaves the
  database as it was;
- the uploads are written into the upload folder (by content: a file already there is kept).

A backup of an older schema restores as it was; ``flask --app rca db upgrade`` then brings it up
to date. A backup of SQLite does not restore into PostgreSQL or the other way round: move reviews
between them with review bundles.
"""

from __future__ import annotations

import json
import re
import sqlite3
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from flask import Flask

from rca.db import db
from rca.evidence.uploads import store_upload, upload_dir
from rca.portability.backup import (
    DATABASE_FILES,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    BackupError,
    InstanceContents,
    counts,
    database_url,
    pg_command,
    pg_tool,
    revision,
    run_tool,
)
from rca.portability.manifest import Damaged, compare, hash_stream

_MEMBER = re.compile(r"^(backup\.json|database\.sqlite3|database\.pgdump|uploads/[0-9a-f]{64})$")
#: The tables whose rows mean "this instance is in use": restore never writes over them.
IN_USE = ("service", "user_account", "review")


def read_manifest(tar: tarfile.TarFile, label: str) -> dict[str, Any]:
    """The checked manifest: every member a regular file of a known name, with its hash."""
    found: dict[str, str] = {}
    manifest = None
    for member in tar.getmembers():
        if not (member.isfile() and _MEMBER.match(member.name)) or member.name in found:
            raise Damaged(f"{label}: {member.name!r} has no place in an RCA Workbench backup.")
        fh = tar.extractfile(member)
        assert fh is not None
        if member.name == MANIFEST:
            manifest = json.loads(fh.read())
            found[MANIFEST] = ""
            continue
        found[member.name] = hash_stream(fh, name=member.name)[0]
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise Damaged(f"{label} is not an RCA Workbench backup (no {MANIFEST}).")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise Damaged(
            f"{label} is in backup format {manifest.get('format_version')}; this version reads "
            f"format {FORMAT_VERSION}."
        )
    found.pop(MANIFEST)
    compare(found, manifest.get("files") or {}, label)
    return manifest


def restore(app: Flask, path: Path) -> InstanceContents:
    if not path.is_file():
        raise BackupError(f"There is no backup at {path}.")
    try:
        tar = tarfile.open(path, "r:")  # noqa: SIM115 (closed by the with block below)
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(f"{path} is not a tar archive ({exc}).") from None
    with tar:
        try:
            manifest = read_manifest(tar, str(path))
        except (Damaged, ValueError, tarfile.TarError) as exc:
            raise BackupError(f"{exc} Nothing was restored.") from None
        dialect = manifest["database"]["dialect"]
        here = database_url(app).get_backend_name()
        if dialect != here:
            raise BackupError(
                f"{path} is a backup of a {dialect} database and this instance uses {here}; "
                "nothing was restored. To move reviews between them, use review bundles "
                "(flask --app rca bundle export / import)."
            )
        in_use = {k: v for k, v in counts().items() if k in IN_USE and v}
        if in_use:
            held = ", ".join(f"{n} {k.replace('_account', '')} rows" for k, n in in_use.items())
            raise BackupError(
                f"This instance's database already holds data ({held}); restore only into an "
                "empty instance. Nothing was restored."
            )
        db.session.remove()
        with tempfile.TemporaryDirectory(prefix="rca-restore-") as work:
            copy = Path(work) / DATABASE_FILES[dialect]
            member = tar.extractfile(DATABASE_FILES[dialect])
            assert member is not None
            with copy.open("wb") as out:
                while chunk := member.read(1024 * 1024):
                    out.write(chunk)
            if dialect == "sqlite":
                _sqlite_restore(copy, Path(database_url(app).database or ""))
            else:
                _pg_restore(app, copy)
        db.engine.dispose()  # pooled connections knew the old schema
        folder = upload_dir(app)
        uploads = 0
        for member in tar.getmembers():
            if member.name.startswith("uploads/"):
                fh = tar.extractfile(member)
                assert fh is not None
                store_upload(folder, fh.read())
                uploads += 1
    return InstanceContents(dialect, revision(), counts(), uploads)


def _sqlite_restore(copy: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(copy)
    dst = sqlite3.connect(target, timeout=30)
    try:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=WAL")  # as the app runs it (rca.db)
    finally:
        dst.close()
        src.close()


def _pg_restore(app: Flask, dump: Path) -> None:
    address, env = pg_command(database_url(app))
    run_tool(
        [
            pg_tool("pg_restore"),
            "--single-transaction",
            "--exit-on-error",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--dbname",
            address,
            str(dump),
        ],
        env,
        "pg_restore",
    )
