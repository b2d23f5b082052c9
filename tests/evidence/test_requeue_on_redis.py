"""With Redis, a running import whose consumer died goes back in the queue (its upload is on the
shared path) instead of being stopped: the job was lost with the consumer, another can run it.
Queued once however many sweeps see it, sent only once the change is committed, and run to the
end by a real consumer. Without its upload it is stopped, as on the embedded queue. (The whole
story across processes, SIGKILL included, is tests/deploy/test_stack.py.)"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from rca.db import db
from rca.evidence import uploads
from rca.evidence.import_job import STOPPED_MESSAGE, stop_dead_imports
from rca.evidence.models import EvidenceImport
from rca.jobs import Jobs, start_consumer, stop_consumer

from ._importing import care_notes_a, uploads_in
from .test_evidence_pane import wait_for_import
from .test_jobs import REDIS_URL, evidence_count, queue


@pytest.fixture(autouse=True)
def _uploads_here(app: Any, tmp_path: Path) -> Iterator[None]:
    with uploads_in(app, tmp_path):
        yield


@pytest.fixture
def redis_jobs(app: Any) -> Iterator[Jobs]:
    jobs = Jobs(app, "redis", name=f"rca-test-{uuid.uuid4().hex}", redis_url=REDIS_URL)
    yield jobs
    jobs.huey.storage.flush_all()


def orphan(app: Any, review_id: int, rows: int) -> int:
    """An import claimed by a consumer that then died: "running", no heartbeat, no job left."""
    import_id = queue(app, review_id, care_notes_a(rows))
    with app.app_context():
        db.session.execute(
            update(EvidenceImport).where(EvidenceImport.id == import_id).values(status="running")
        )
        db.session.commit()
    return import_id


@pytest.fixture
def review_id(make_service: Any, make_user: Any, make_review: Any) -> int:
    oak = make_service("OAK")
    return make_review(make_user("lead@example.org", "investigator", [oak]), oak)


def test_a_dead_import_is_queued_again_once_and_finishes(
    app: Any, review_id: int, redis_jobs: Jobs
) -> None:
    import_id = orphan(app, review_id, 300)
    with app.app_context():
        swept = stop_dead_imports(db.session, redis_jobs)
        assert (swept.stopped, swept.queued) == ([], [import_id])  # not stopped: queued again
        assert db.session.get(EvidenceImport, import_id).status == "queued"
        assert redis_jobs.huey.pending_count() == 0  # nothing sent before the commit
        db.session.commit()
        assert redis_jobs.huey.pending_count() == 1
        # A second sweep (another consumer's) finds nothing running: one job, not two.
        assert not stop_dead_imports(db.session, redis_jobs)  # nothing stopped or queued
        db.session.commit()
        assert redis_jobs.huey.pending_count() == 1
        db.session.remove()
    consumer = start_consumer(redis_jobs.huey, workers=1)
    try:
        record = wait_for_import(app, import_id)
    finally:
        stop_consumer(consumer)
    assert record.status == "done", record.error
    assert record.imported == 300 and evidence_count(app) == 300


def test_a_rolled_back_sweep_sends_nothing(app: Any, review_id: int, redis_jobs: Jobs) -> None:
    import_id = orphan(app, review_id, 10)
    with app.app_context():
        stop_dead_imports(db.session, redis_jobs)
        db.session.rollback()
        assert db.session.get(EvidenceImport, import_id).status == "running"
        db.session.commit()  # a later, unrelated commit of the same session
        assert redis_jobs.huey.pending_count() == 0
        db.session.remove()


def test_without_its_upload_a_dead_import_is_stopped(
    app: Any, review_id: int, redis_jobs: Jobs
) -> None:
    import_id = orphan(app, review_id, 10)
    with app.app_context():
        record = db.session.get(EvidenceImport, import_id)
        (uploads.upload_dir(app) / record.file_sha256).unlink()
        swept = stop_dead_imports(db.session, redis_jobs)
        assert (swept.stopped, swept.queued) == ([import_id], [])
        db.session.commit()
        record = db.session.get(EvidenceImport, import_id)
        assert (record.status, record.error) == ("stopped", STOPPED_MESSAGE)
        assert redis_jobs.huey.pending_count() == 0
        db.session.remove()
