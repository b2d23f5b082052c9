"""A second, empty instance (its own database and upload folder) to restore and import into, and
a review holding one of everything: the reports' review (timeline, causes, actions, meeting,
learning, checks, an override) plus an import from a real upload, a timeline mark, a why added
and one deleted through the fishbone, progress with a completion file and an issued report."""

from __future__ import annotations

import io
import json
import os
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from rca import create_app
from rca.accounts.models import User
from rca.actions import progress
from rca.actions.models import Action
from rca.audit.recorder import acting_as
from rca.db import db
from rca.evidence import intake
from rca.evidence.import_job import run_import_job
from rca.evidence.models import EvidenceRow
from rca.fishbone import causes
from rca.jobs import jobs_for
from rca.portability import tables
from rca.reports import issued
from rca.reviews.models import Review
from rca.timeline.models import EventMark
from tests.api_v1.conftest import token_for  # noqa: F401
from tests.conftest import _drop_everything, _empty_tables
from tests.reports.conftest import ReportReview, _cache_here, report_review  # noqa: F401
from tests.timeline.conftest import scenario  # noqa: F401

CARE_NOTES = (
    b"Date,Time,Carer,Client ID,Note,Concern?\r\n"
    b"01/10/2026,21:40,Amy Patel,P-1042,Evening meds given late: Edith unsettled.,Y\r\n"
    b"02/10/2026,08:05,Ben Okoro,P-2001,Breakfast declined.,N\r\n"
    b"13/10/2026,19:15,Dan Hughes,P-1042,Bruise checked again; healing.,N\r\n"
)


def _other_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("RCA_TEST_DATABASE_URL")
    if not url:
        return "sqlite:///" + str(tmp_path_factory.mktemp("other") / "other.sqlite3")
    import psycopg

    parsed = make_url(url)
    name = f"{parsed.database}_other"
    admin = parsed.set(drivername="postgresql", database="postgres")
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return parsed.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def other_instance(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """Another instance of the workbench: its own database (migrated) and instance files."""
    files = tmp_path_factory.mktemp("other-instance")
    other = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": _other_url(tmp_path_factory),
            "JOBS_SQLITE_PATH": str(files / "jobs.sqlite3"),
            "EVIDENCE_UPLOAD_DIR": str(files / "uploads"),
            "REPORTS_CACHE_DIR": str(files / "reports"),
            "SECRET_KEY": "another-test-secret-key",
            "SESSION_COOKIE_SECURE": False,
            "REMEMBER_COOKIE_SECURE": False,
        }
    )
    with other.app_context():
        _drop_everything()
        upgrade(directory=other.root_path + "/migrations")
    yield other
    with other.app_context():
        db.engine.dispose()


@pytest.fixture
def other(other_instance: Flask) -> Iterator[Flask]:
    """The other instance, emptied (rows and stored uploads) after the test."""
    yield other_instance
    with other_instance.app_context():
        db.session.remove()
        _empty_tables()
    folder = Path(other_instance.config["EVIDENCE_UPLOAD_DIR"])
    for path in folder.glob("*") if folder.is_dir() else []:
        path.unlink()


@pytest.fixture
def uploads_here(app: Flask, tmp_path: Path) -> Iterator[Path]:
    saved = app.config.get("EVIDENCE_UPLOAD_DIR")
    folder = tmp_path / "uploads"
    app.config["EVIDENCE_UPLOAD_DIR"] = str(folder)
    yield folder
    app.config["EVIDENCE_UPLOAD_DIR"] = saved


@dataclass
class FullReview:
    review_id: int
    reference: str
    service_id: int
    user: User
    issued_sha256: str
    upload_sha256: str
    completion_sha256: str


@pytest.fixture
def full_review(
    app: Flask,
    report_review: ReportReview,  # noqa: F811
    uploads_here: Path,
) -> FullReview:
    r, user = report_review.review_id, report_review.user
    with app.app_context():
        review = db.session.get(Review, r)
        received = intake.receive_upload(app, CARE_NOTES, "care-notes.csv", "care-notes", "")
        step = intake.mapping_step(db.session, received, form=None)
        record = intake.queue_import(db.session, review, step, {}, user.id)
        db.session.commit()
        upload = record.file_sha256
        import_id = record.id
    assert run_import_job(jobs_for(app), import_id, {}) == "done"
    with app.app_context(), acting_as(user.id, "web"):
        review = db.session.get(Review, r)
        acting = db.session.get(User, user.id)
        row = db.session.scalar(
            select(EvidenceRow).where(EvidenceRow.import_id == import_id).limit(1)
        )
        db.session.add(EventMark(review_id=r, evidence_id=row.id, event_type="concern"))
        why = causes.add_cause(
            db.session,
            review,
            acting,
            {
                "text": "Rota left the weekend without a manager",
                "parent_id": report_review.causes["root"],
            },
        )
        doomed = causes.add_cause(
            db.session, review, acting, {"text": "A guess we dropped", "category": "staffing"}
        )
        db.session.flush()
        causes.delete_cause(db.session, review, doomed.id, doomed.version)
        action = db.session.get(Action, report_review.actions["plan"])
        progress.record_progress(
            db.session,
            action,
            "Duty manager rota agreed.",
            "in-progress",
            user.id,
            date(2026, 12, 1),
        )
        done = progress.add_completion_file(
            db.session,
            uploads_here,
            10_000_000,
            action,
            "rota.csv",
            b"week,duty manager\r\n1,Sarah Mitchell\r\n",
            "The new rota",
            user.id,
        )
        db.session.commit()
        assert why.parent_id == report_review.causes["root"]
        completion = done.file_sha256
    with app.app_context():
        review = db.session.get(Review, r)
        report = issued.issue(
            app,
            db.session,
            review,
            recipient="Westshire commissioning team",
            user_id=user.id,
            today=date(2026, 12, 1),
        )
        db.session.commit()
        return FullReview(
            r,
            review.reference,
            report_review.service_id,
            user,
            report.sha256,
            upload,
            completion,
        )


# --- reading what came out ------------------------------------------------------------------------
def every_row(flask_app: Flask) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in primary-key order: two instances compared whole."""
    with flask_app.app_context():
        found = {}
        for table in db.metadata.sorted_tables:
            order = list(table.primary_key.columns)
            found[table.name] = [
                tuple(r) for r in db.session.execute(select(table).order_by(*order))
            ]
        found["alembic_version"] = list(
            db.session.execute(text("SELECT version_num FROM alembic_version"))
        )
        db.session.remove()
        return found


def canonical(bundle: bytes) -> dict[str, Any]:
    """A bundle's content with every id replaced by its row's place in its table, and every
    register id by the natural key: two bundles of the same review then compare equal."""
    with zipfile.ZipFile(io.BytesIO(bundle)) as z:
        manifest = json.loads(z.read("manifest.json"))
        data = {
            n[len("data/") : -len(".json")]: json.loads(z.read(n))
            for n in z.namelist()
            if n.startswith("data/")
        }
        registers = json.loads(z.read("registers.json"))
        files = sorted(n for n in z.namelist() if n.startswith("files/"))
    plan = tables.plan(db.metadata)
    rank = {
        name: {row[d["columns"].index("id")]: i for i, row in enumerate(d["rows"])}
        for name, d in data.items()
    }
    services = {e["id"]: e["code"] for e in registers["service"]}
    keys = {
        "service": services,
        "user_account": {e["id"]: e["email"] for e in registers["user_account"]},
        "staff_member": {e["id"]: e["name"] for e in registers["staff_member"]},
        "person_supported": {e["id"]: e["reference"] for e in registers["person_supported"]},
    }

    def follow(ref: tables.Reference, value: Any) -> Any:
        if value is None:
            return None
        if ref.kind == "register":
            return (ref.target, keys[ref.target][value])
        return (ref.target, rank[ref.target][value])

    out: dict[str, Any] = {}
    for name, d in data.items():
        carried = plan.table(name)
        rows = []
        for raw in d["rows"]:
            row = dict(zip(d["columns"], raw, strict=True))
            row["id"] = rank[name][row["id"]]
            for ref in carried.references:
                row[ref.column] = follow(ref, row[ref.column])
            if name == "audit_entry":
                entity = row["entity"]
                if row["entity_id"] is not None:
                    row["entity_id"] = rank[entity][row["entity_id"]]
                about = plan.table(entity) if entity in plan.names else None
                for field, pair in row["changes"].items():
                    ref = about.reference(field) if about else None
                    if ref is not None:
                        row["changes"][field] = [follow(ref, v) for v in pair]
            rows.append(row)
        out[name] = rows
    regs = {
        name: sorted(
            json.dumps(
                {k: (services[v] if k == "service_id" else v) for k, v in e.items() if k != "id"},
                sort_keys=True,
            )
            for e in entries
        )
        for name, entries in registers.items()
    }
    return {"tables": out, "registers": regs, "files": files, "review": manifest["review"]}
