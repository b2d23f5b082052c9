"""``flask --app rca backup PATH``: the whole instance as one tar archive, taken while it runs.

The archive holds ``backup.json`` (what it is, the database's dialect and schema revision, row
counts, and every other member's SHA-256), the database, and ``uploads/<sha256>`` (evidence files
and completion evidence). Issued reports live in the database, so they come with it. The draft
cache is disposable (it is rebuilt from the data) and the secret key stays with the server.

- SQLite: through its online backup API (``sqlite3.Connection.backup``), which copies one
  consistent snapshot while the app goes on reading and writing;
- PostgreSQL: ``pg_dump --format=custom``, which reads one snapshot too.

The database is copied first, then the uploads: an upload is written before the row that names
it is committed, so every upload the copied rows name is in the archive.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import func, inspect, select, text
from sqlalchemy.engine import URL

from rca.db import db, utcnow
from rca.evidence.uploads import upload_dir
from rca.portability.manifest import hash_stream

FORMAT = "rca-backup"
FORMAT_VERSION = 1
MANIFEST = "backup.json"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
_UPLOAD = re.compile(r"^[0-9a-f]{64}$")
#: What the summary counts, table by table: the data people would miss.
COUNTED = (
    "service",
    "user_account",
    "review",
    "evidence_row",
    "cause",
    "action",
    "effectiveness_check",
    "issued_report",
    "audit_entry",
)


class BackupError(Exception):
    """The backup or restore could not be done; the message says why. Nothing was changed."""


@dataclass
class InstanceContents:
    """What an archive holds: the database (its dialect and schema revision), the counted rows
    and the uploads. A backup reports it of the archive it wrote, a restore of what it put back."""

    dialect: str
    revision: str | None
    counts: dict[str, int]
    uploads: int

    def to_json(self) -> dict[str, Any]:
        return {
            "database": self.dialect,
            "revision": self.revision,
            "counts": self.counts,
            "uploads": self.uploads,
        }


@dataclass
class BackupSummary:
    path: Path
    sha256: str
    size: int
    contents: InstanceContents

    def to_json(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "sha256": self.sha256,
            "size": self.size,
            **self.contents.to_json(),
        }


def database_url(app: Flask) -> URL:
    """The engine's own URL: Flask-SQLAlchemy has put a relative SQLite path in instance/."""
    return db.engine.url


def counts() -> dict[str, int]:
    """Rows of the counted tables that exist (an unmigrated database has none)."""
    present = set(inspect(db.engine).get_table_names())
    found = {}
    for name in COUNTED:
        if name in present:
            table = db.metadata.tables[name]
            found[name] = db.session.scalar(select(func.count()).select_from(table)) or 0
    return found


def revision() -> str | None:
    if "alembic_version" not in inspect(db.engine).get_table_names():
        return None
    return db.session.scalar(text("SELECT version_num FROM alembic_version"))


def backup(app: Flask, path: Path) -> BackupSummary:
    """Write the archive to ``path`` (a new file, or a folder to put a dated one in)."""
    if path.is_dir():
        path = path / f"rca-backup-{utcnow().strftime('%Y%m%d-%H%M%S')}.tar"
    if path.exists():
        raise BackupError(f"{path} already exists; nothing was overwritten.")
    url = database_url(app)
    dialect = url.get_backend_name()
    if dialect not in DATABASE_FILES:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {dialect}.")
    info = {"revision": revision(), "counts": counts()}
    db.session.remove()
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="rca-backup-") as work:
        copy = Path(work) / DATABASE_FILES[dialect]
        if dialect == "sqlite":
            _sqlite_copy(_sqlite_path(url), copy)
        else:
            _pg_dump(url, copy)
        partial = path.with_name(f".{path.name}.partial")
        try:
            hashes: dict[str, str] = {}
            with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as tar:
                _add(tar, copy, DATABASE_FILES[dialect], hashes)
                uploads = _add_uploads(tar, upload_dir(app), hashes)
                manifest = {
                    "format": FORMAT,
                    "format_version": FORMAT_VERSION,
                    "created_at": utcnow().isoformat(),
                    "database": {"dialect": dialect, "file": DATABASE_FILES[dialect], **info},
                    "files": hashes,
                }
                raw = json.dumps(manifest, indent=1).encode()
                member = tarfile.TarInfo(MANIFEST)
                member.size, member.mtime, member.mode = len(raw), int(utcnow().timestamp()), 0o600
                tar.addfile(member, io.BytesIO(raw))
            os.replace(partial, path)
        finally:
            partial.unlink(missing_ok=True)
    with path.open("rb") as fh:
        digest, size = hash_stream(fh)
    contents = InstanceContents(dialect, info["revision"], info["counts"], uploads)
    return BackupSummary(path, digest, size, contents)


def _add(tar: tarfile.TarFile, source: Path, name: str, hashes: dict[str, str]) -> str:
    with source.open("rb") as fh:
        digest = hash_stream(fh)[0]
    member = tar.gettarinfo(str(source), arcname=name)
    member.uid = member.gid = 0
    member.uname = member.gname = ""
    member.mode = 0o600
    with source.open("rb") as fh:
        tar.addfile(member, fh)
    hashes[name] = digest
    return digest


def _add_uploads(tar: tarfile.TarFile, folder: Path, hashes: dict[str, str]) -> int:
    if not folder.is_dir():
        return 0
    added = 0
    for path in sorted(folder.iterdir()):
        if not (path.is_file() and _UPLOAD.match(path.name)):
            continue  # an upload still being written (.upload-*) is not one yet
        digest = _add(tar, path, f"uploads/{path.name}", hashes)
        if digest != path.name:
            raise BackupError(
                f"The stored upload {path} no longer matches its SHA-256 name (the disk copy is "
                "damaged); no backup was written. Restore that file from an older backup."
            )
        added += 1
    return added


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("An in-memory SQLite database cannot be backed up.")
    return Path(url.database)


def _sqlite_copy(source: Path, target: Path) -> None:
    """A consistent snapshot through SQLite's online backup API, while others read and write."""
    if not source.exists():
        raise BackupError(f"There is no database at {source}.")
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file in the archive
    finally:
        dst.close()
        src.close()


def pg_tool(name: str) -> str:
    """``pg_dump``/``pg_restore``: on the PATH, else the newest Debian PostgreSQL's."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0,
    )
    if not candidates:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client).")
    return str(candidates[-1])


def pg_command(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq address for the tools, with the password in the environment, not the arguments
    (which every user of the machine can read)."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def run_tool(args: list[str], env: dict[str, str], what: str) -> None:
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        raise BackupError(
            f"{what} failed: {lines[-1] if lines else 'exit ' + str(done.returncode)}"
        )


def _pg_dump(url: URL, target: Path) -> None:
    address, env = pg_command(url)
    run_tool(
        [
            pg_tool("pg_dump"),
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            "--file",
            str(target),
            "--dbname",
            address,
        ],
        env,
        "pg_dump",
    )
