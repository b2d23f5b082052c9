"""An import whose process is killed (kill -9) mid-file is shown as stopped, not "Importing" for
ever: the pane and its progress poll, and a consumer starting, mark it "stopped" once its
heartbeat is older than the lease. A job another process is still running is left alone.

The import really runs in a second process (sharing this run's database and job store), and that
process is really killed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from rca.db import db
from rca.evidence.models import EvidenceImport, EvidenceRow
from rca.jobs import Jobs

from ._importing import care_notes_a
from .test_jobs import queue

LEASE = 2.0
HX = {"HX-Request": "1"}
CHILD = textwrap.dedent(
    """
    import sys
    from rca import create_app
    from rca.evidence.import_job import run_import_job
    from rca.jobs import jobs_for

    app = create_app({
        "DATABASE_URL": sys.argv[1], "SECRET_KEY": "test", "JOBS_SQLITE_PATH": sys.argv[2],
        "EVIDENCE_UPLOAD_DIR": sys.argv[3], "JOBS_LEASE_SECONDS": float(sys.argv[4]),
    })
    print(run_import_job(jobs_for(app), int(sys.argv[5]), {}), flush=True)
    """
)


@pytest.fixture
def shared_jobs(app: Any, tmp_path: Path) -> Iterator[Jobs]:
    """This app's job store in tmp_path with a short lease (the child process uses the same)."""
    keys = ("EVIDENCE_UPLOAD_DIR", "JOBS_SQLITE_PATH", "JOBS_LEASE_SECONDS", "JOBS_BACKEND")
    saved = {k: app.config.get(k) for k in keys}
    app.config.update(
        EVIDENCE_UPLOAD_DIR=str(tmp_path / "uploads"),
        JOBS_SQLITE_PATH=str(tmp_path / "jobs.sqlite3"),
        JOBS_LEASE_SECONDS=LEASE,
        JOBS_BACKEND="embedded",
    )
    previous = app.extensions.pop("rca_jobs", None)
    from rca.jobs import jobs_for

    yield jobs_for(app)
    jobs = app.extensions.pop("rca_jobs", None)
    if jobs is not None:
        jobs.stop_consumer()
    for key, value in saved.items():
        if value is None:
            app.config.pop(key, None)
        else:
            app.config[key] = value
    if previous is not None:
        app.extensions["rca_jobs"] = previous


@pytest.fixture
def lead(make_service: Any, make_user: Any, make_review: Any, web_as: Any) -> dict[str, Any]:
    oak = make_service("OAK")
    user = make_user("lead@example.org", "investigator", [oak])
    return {"web": web_as(user), "review_id": make_review(user, oak)}


def start_child(app: Any, jobs: Jobs, import_id: int) -> subprocess.Popen[str]:
    args = [
        app.config["SQLALCHEMY_DATABASE_URI"],
        app.config["JOBS_SQLITE_PATH"],
        app.config["EVIDENCE_UPLOAD_DIR"],
        str(LEASE),
        str(import_id),
    ]
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, *args],
        cwd=Path(__file__).resolve().parents[2],
        env={**os.environ},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_until_importing(jobs: Jobs, child: subprocess.Popen[str], import_id: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        progress = jobs.read_progress(import_id)
        if progress is not None and progress.status == "importing" and progress.done > 0:
            return
        assert child.poll() is None, child.communicate()
        time.sleep(0.05)
    raise AssertionError("the child never started importing")


def status_of(app: Any, import_id: int) -> str:
    with app.app_context():
        return db.session.get(EvidenceImport, import_id).status


def progress_fragment(lead: dict[str, Any], import_id: int) -> Any:
    url = f"/reviews/{lead['review_id']}/evidence/imports/{import_id}/progress"
    return lead["web"].get(url, headers=HX)


@pytest.fixture
def killed(app: Any, shared_jobs: Jobs, lead: dict[str, Any]) -> Iterator[int]:
    """An import killed with SIGKILL while it was writing rows; yields its id."""
    import_id = queue(app, lead["review_id"], care_notes_a(120_000))
    child = start_child(app, shared_jobs, import_id)
    try:
        wait_until_importing(shared_jobs, child, import_id)
        # Another process runs it and beats: the pane leaves it alone, still polling.
        live = progress_fragment(lead, import_id)
        assert 'hx-trigger="every 1s"' in live.text and "Stopped" not in live.text
        assert status_of(app, import_id) == "running"
        os.kill(child.pid, signal.SIGKILL)
        child.wait(30)
        assert child.returncode == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    yield import_id


def test_the_progress_poll_stops_a_killed_import_once_its_lease_runs_out(
    app: Any, shared_jobs: Jobs, lead: dict[str, Any], killed: int
) -> None:
    assert shared_jobs.read_progress(killed) is not None  # left behind by the dead process
    time.sleep(LEASE + 0.5)
    resp = progress_fragment(lead, killed)
    assert resp.status_code == 200
    assert "Stopped: the import was interrupted before it finished" in resp.text
    assert "Upload it again." in resp.text
    assert "hx-trigger" not in resp.text  # polling ends
    assert "evidence-imported" in resp.headers["HX-Trigger"]
    assert status_of(app, killed) == "stopped"
    assert shared_jobs.read_progress(killed) is None
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(EvidenceRow)) == 0
    pane = lead["web"].get(f"/reviews/{lead['review_id']}/evidence")
    assert "Stopped: the import was interrupted" in pane.text


def test_a_consumer_starting_stops_imports_left_running(
    app: Any, shared_jobs: Jobs, killed: int
) -> None:
    time.sleep(LEASE + 0.5)
    shared_jobs.ensure_consumer()  # as after a restart
    assert status_of(app, killed) == "stopped"
    with app.app_context():
        record = db.session.get(EvidenceImport, killed)
        assert record.finished_at is not None and "Upload it again" in record.error


def test_a_running_import_with_a_fresh_heartbeat_is_not_stopped(
    app: Any, shared_jobs: Jobs, lead: dict[str, Any]
) -> None:
    import_id = queue(app, lead["review_id"], care_notes_a(3))
    with app.app_context():
        db.session.get(EvidenceImport, import_id).status = "running"
        db.session.commit()
    with shared_jobs.heartbeat(import_id):
        time.sleep(LEASE * 1.5)  # beats keep it alive past one lease
        assert "Stopped" not in progress_fragment(lead, import_id).text
        assert status_of(app, import_id) == "running"
    assert "Stopped: the import was interrupted" in progress_fragment(lead, import_id).text
