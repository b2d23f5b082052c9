"""``backup PATH`` and ``restore PATH`` on the backend this run uses (SQLite, or PostgreSQL with
RCA_TEST_DATABASE_URL): a restore into an empty instance gives back every row of every table,
every stored upload, and issued reports whose SHA-256 still verify."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
import threading
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import func, insert, select

from rca.audit.models import AuditEntry
from rca.db import db, utcnow
from rca.provider.models import Service
from rca.reports import issued
from rca.reports.models import IssuedReport

from .conftest import FullReview, every_row


def run(flask_app: Flask, *args: str) -> Any:
    return flask_app.test_cli_runner().invoke(args=list(args))


def test_a_restore_into_an_empty_instance_gives_back_everything(
    app: Flask, other: Flask, full_review: FullReview, tmp_path: Path
) -> None:
    made = run(app, "backup", str(tmp_path))
    assert made.exit_code == 0, made.output
    summary = json.loads(made.output)
    archive = Path(summary["path"])
    assert archive.parent == tmp_path and archive.name.startswith("rca-backup-")
    assert hashlib.sha256(archive.read_bytes()).hexdigest() == summary["sha256"]
    assert summary["counts"]["review"] == 1 and summary["counts"]["issued_report"] == 1
    assert summary["uploads"] == 2
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
    assert f"uploads/{full_review.upload_sha256}" in names
    assert f"uploads/{full_review.completion_sha256}" in names

    restored = run(other, "restore", str(archive))
    assert restored.exit_code == 0, restored.output
    assert json.loads(restored.output)["counts"] == summary["counts"]
    assert every_row(other) == every_row(app)
    folder = Path(other.config["EVIDENCE_UPLOAD_DIR"])
    for digest in (full_review.upload_sha256, full_review.completion_sha256):
        assert hashlib.sha256((folder / digest).read_bytes()).hexdigest() == digest
    with other.app_context():
        pdf = db.session.scalar(select(IssuedReport.pdf))
        check = issued.verify(db.session, pdf, select(IssuedReport))
        assert check.match is not None and check.sha256 == full_review.issued_sha256
        # The restored instance goes on working: new ids do not collide with restored ones.
        db.session.add(Service(code="NEW", name="New service", kind="homecare"))
        db.session.commit()


def test_a_restore_never_writes_over_an_instance_in_use(
    app: Flask, other: Flask, make_service: Any, tmp_path: Path
) -> None:
    make_service("OAK")
    archive = tmp_path / "backup.tar"
    assert run(app, "backup", str(archive)).exit_code == 0
    again = run(app, "backup", str(archive))
    assert again.exit_code == 1 and "already exists; nothing was overwritten" in again.output
    with other.app_context():
        db.session.add(Service(code="ELM", name="Elm", kind="care-home"))
        db.session.commit()
    refused = run(other, "restore", str(archive))
    assert refused.exit_code == 1
    assert "already holds data (1 service rows)" in refused.output
    with other.app_context():
        assert db.session.scalars(select(Service.code)).all() == ["ELM"]


def test_a_damaged_archive_is_refused_naming_the_member(
    app: Flask, other: Flask, full_review: FullReview, tmp_path: Path
) -> None:
    archive = tmp_path / "backup.tar"
    assert run(app, "backup", str(archive)).exit_code == 0
    damaged = tmp_path / "damaged.tar"
    name = f"uploads/{full_review.upload_sha256}"
    with tarfile.open(archive) as src, tarfile.open(damaged, "w") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()  # type: ignore[union-attr]
            if member.name == name:
                data = data.replace(b"Evening meds", b"Morning meds")
            dst.addfile(member, io.BytesIO(data))
    refused = run(other, "restore", str(damaged))
    assert refused.exit_code == 1
    assert name in refused.output and "the manifest says" in refused.output
    assert "Nothing was restored" in refused.output
    with other.app_context():
        assert db.session.scalar(select(func.count()).select_from(Service)) == 0


def test_a_backup_taken_while_the_app_writes_is_one_consistent_moment(
    app: Flask, other: Flask, make_service: Any, tmp_path: Path
) -> None:
    """A writer commits two History entries per transaction while the backup runs: a copy
    taken between commits holds an even number of them, never half a transaction."""
    make_service("OAK")
    stop = threading.Event()
    written = []

    def writer() -> None:
        with app.app_context():
            while not stop.is_set():
                pair = [
                    {
                        "at": utcnow(),
                        "channel": "cli",
                        "entity": "service",
                        "action": "update",
                        "label": f"pair {len(written)}",
                        "changes": {},
                    }
                ] * 2
                db.session.execute(insert(AuditEntry), pair)
                db.session.commit()
                written.append(1)
            db.session.remove()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 20:
            threading.Event().wait(0.01)
        made = run(app, "backup", str(tmp_path / "live.tar"))
        during = len(written)
    finally:
        stop.set()
        thread.join(30)
    assert made.exit_code == 0, made.output
    assert len(written) > during, "the writer went on committing while the copy was taken"
    assert run(other, "restore", str(tmp_path / "live.tar")).exit_code == 0
    with other.app_context():
        entries = db.session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.label.like("pair %"))
        )
    assert entries >= 40 and entries % 2 == 0


def test_a_restore_of_nothing_says_so(other: Flask, tmp_path: Path) -> None:
    missing = run(other, "restore", str(tmp_path / "nope.tar"))
    assert missing.exit_code == 1 and "There is no backup at" in missing.output
    (tmp_path / "junk.tar").write_bytes(b"junk" * 200)
    junk = run(other, "restore", str(tmp_path / "junk.tar"))
    assert junk.exit_code == 1 and "not a tar archive" in junk.output
