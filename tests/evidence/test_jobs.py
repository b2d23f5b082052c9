"""Background imports on both job backends, with real consumers in real threads: the embedded
SqliteHuey (the app's own worker threads) and RedisHuey against the Redis at 127.0.0.1:6379."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from rca.db import db
from rca.evidence import import_job, intake, uploads
from rca.evidence.models import EvidenceImport, EvidenceRow, RejectedRow
from rca.jobs import Jobs, Progress, start_consumer, stop_consumer
from rca.reviews.models import Review

from ._importing import care_notes_a, uploads_in
from .test_evidence_pane import csv_bytes, wait_for_import

REDIS_URL = os.environ.get("RCA_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture(autouse=True)
def _uploads_here(app: Any, tmp_path: Path) -> Iterator[None]:
    with uploads_in(app, tmp_path):
        yield


@pytest.fixture
def review_id(make_service: Any, make_user: Any, make_review: Any) -> int:
    oak = make_service("OAK")
    return make_review(make_user("lead@example.org", "investigator", [oak]), oak)


def queue(app: Any, review_id: int, rows: list[list[str]]) -> int:
    """Upload, map and queue a care-notes file the way the web form does; returns the import id."""
    with app.app_context():
        received = intake.receive_upload(app, csv_bytes(rows), "notes.csv", "care-notes", "")
        step = intake.mapping_step(db.session, received, form=None)
        review = db.session.get(Review, review_id)
        record = intake.queue_import(db.session, review, step, {}, None)
        db.session.commit()
        return record.id


def run_once(app: Any, jobs: Jobs, import_id: int) -> EvidenceImport:
    """Queue the import on ``jobs``, wait until it is over, stop the consumer whatever happened."""
    try:
        import_job.enqueue(jobs, import_id)
        return wait_for_import(app, import_id)
    finally:
        jobs.stop_consumer()


def evidence_count(app: Any) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(EvidenceRow)) or 0


def test_embedded_backend_runs_the_import_in_the_apps_own_worker_threads(
    app: Any, review_id: int, tmp_path: Path
) -> None:
    jobs = Jobs(app, "embedded", name=f"t-{uuid.uuid4().hex}", sqlite_path=str(tmp_path / "q.db"))
    import_id = queue(app, review_id, care_notes_a(4500))  # three batches of the importer
    try:
        assert jobs._consumer is None  # nothing runs until there is work
        import_job.enqueue(jobs, import_id)
        threads = [t for _, t in jobs._consumer.worker_threads]  # type: ignore[union-attr]
        assert all(t.is_alive() for t in threads)
        record = wait_for_import(app, import_id, timeout=60)
    finally:
        jobs.stop_consumer()
    assert record.status == "done", record.error
    assert record.imported == 4500 and evidence_count(app) == 4500
    assert jobs.read_progress(import_id) is None  # cleared once the import is over


def test_redis_backend_runs_the_import_on_a_separate_consumer(app: Any, review_id: int) -> None:
    name = f"rca-test-{uuid.uuid4().hex}"
    web_side = Jobs(app, "redis", name=name, redis_url=REDIS_URL)
    worker_side = Jobs(app, "redis", name=name, redis_url=REDIS_URL)  # as huey_consumer builds it
    consumer = start_consumer(worker_side.huey, workers=1)
    try:
        import_id = queue(app, review_id, care_notes_a(300))
        import_job.enqueue(web_side, import_id)
        assert web_side._consumer is None  # the web process never consumes Redis jobs
        record = wait_for_import(app, import_id)
        assert record.status == "done", record.error
        assert record.imported == 300 and evidence_count(app) == 300

        # Progress written by one process is read by another without the app's database.
        now = time.time()
        worker_side.put_progress(99, Progress("importing", 10, 40, now - 3, now), force=True)
        seen = web_side.read_progress(99)
        assert seen is not None and (seen.done, seen.total) == (10, 40)
        assert seen.seconds_left(now) == pytest.approx(9, abs=0.5)
    finally:
        stop_consumer(consumer)
        web_side.huey.storage.flush_all()


def test_a_failed_job_marks_the_import_failed_and_writes_nothing(
    app: Any, review_id: int, tmp_path: Path
) -> None:
    jobs = Jobs(app, "embedded", name=f"t-{uuid.uuid4().hex}", sqlite_path=str(tmp_path / "q.db"))
    import_id = queue(app, review_id, care_notes_a(50))
    with app.app_context():
        sha = db.session.get(EvidenceImport, import_id).file_sha256
    (uploads.upload_dir(app) / sha).unlink()  # the stored file is gone before the job runs
    record = run_once(app, jobs, import_id)
    assert record.status == "failed"
    assert record.error == "The uploaded file is no longer stored on this server; upload it again."
    assert record.finished_at is not None and evidence_count(app) == 0


class CrashingJobs(Jobs):
    """A worker that dies part-way through the rows (after the first batch is written): the
    progress write is the one point the job reaches between batches."""

    def put_progress(self, import_id: int, progress: Progress, *, force: bool = False) -> None:
        if progress.done >= 2000:
            raise RuntimeError("worker lost its footing mid-import")
        super().put_progress(import_id, progress, force=True)


def test_a_job_failing_mid_import_leaves_no_rows_of_the_file(
    app: Any, review_id: int, tmp_path: Path
) -> None:
    rows = care_notes_a(4000) + [["31/02/2026", "09:00", "Amir Khan", "P-1", "Bad", "N"]]
    jobs = CrashingJobs(
        app, "embedded", name=f"t-{uuid.uuid4().hex}", sqlite_path=str(tmp_path / "q.db")
    )
    import_id = queue(app, review_id, rows)
    record = run_once(app, jobs, import_id)
    assert record.status == "failed"
    assert "stopped unexpectedly (RuntimeError)" in (record.error or "")
    assert "nothing from this file was saved" in (record.error or "")
    assert evidence_count(app) == 0
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(RejectedRow)) == 0
        assert record.imported == 0


def test_a_job_delivered_twice_imports_once(app: Any, review_id: int, tmp_path: Path) -> None:
    jobs = Jobs(app, "embedded", name=f"t-{uuid.uuid4().hex}", sqlite_path=str(tmp_path / "q.db"))
    import_id = queue(app, review_id, care_notes_a(20))
    try:
        import_job.enqueue(jobs, import_id)
        import_job.enqueue(jobs, import_id)
        wait_for_import(app, import_id)
        time.sleep(0.3)
    finally:
        jobs.stop_consumer()
    assert evidence_count(app) == 20


def test_time_left_follows_the_rate_so_far() -> None:
    p = Progress("importing", 1250, 4000, started=100.0, updated=108.0)
    assert p.seconds_left(now=110.0) == pytest.approx(10 / 1250 * 2750)
    assert Progress("reading", 0, 0, 100.0, 100.0).seconds_left(200.0) is None
    with pytest.raises(ValueError, match="JOBS_BACKEND must be one of"):
        Jobs.__init__(object.__new__(Jobs), None, "celery")  # type: ignore[arg-type]
