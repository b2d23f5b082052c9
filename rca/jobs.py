"""Background jobs through huey: long evidence imports run off the request, with live progress.

``JOBS_BACKEND`` chooses where jobs wait and run:

- ``"embedded"`` (default): a SqliteHuey file in the instance folder (``JOBS_SQLITE_PATH``),
  consumed by worker threads the app process starts itself on the first enqueue (and when the
  evidence pane finds a queued import after a restart). No second service to run.
- ``"redis"``: RedisHuey at ``REDIS_URL`` (default ``redis://127.0.0.1:6379/0``), consumed by
  separate workers started with ``huey_consumer rca.jobs.huey -w 2`` in the same environment as
  the web app (same ``DATABASE_URL``, ``RCA_JOBS_BACKEND=redis``, and the same instance folder,
  where uploads are stored).
- ``"immediate"``: the job runs inside ``enqueue`` (huey's immediate mode); for quick tests only.

The queue's name defaults to one derived from the database URL, so two apps on different
databases that share an instance folder or a Redis never take each other's jobs.

Progress is kept in huey's key-value storage, not in the app's database: the import holds the
database's write transaction (SQLite allows one writer) for its whole length, and the pane must
read rows-done without waiting for it.
"""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from huey import MemoryHuey, RedisHuey, SqliteHuey
from huey.api import Huey
from huey.consumer import Consumer

BACKENDS = ("embedded", "redis", "immediate")
_PROGRESS_KEY = "evidence-import-progress:{}"
#: Write progress at most this often (seconds): each write is a small storage round trip.
_PROGRESS_EVERY = 0.25


@dataclass(frozen=True)
class Progress:
    """How far a running import has got, as other processes see it."""

    status: str  # "reading" (the file) or "importing" (the rows)
    done: int
    total: int
    started: float  # epoch seconds when the job started
    updated: float

    @property
    def fraction(self) -> float:
        return self.done / self.total if self.total else 0.0

    def seconds_left(self, now: float | None = None) -> float | None:
        """The remaining time at the rate so far; None until there is a rate to go by."""
        if not self.total or self.done <= 0 or self.status != "importing":
            return None
        elapsed = (now or time.time()) - self.started
        return max(0.0, elapsed / self.done * (self.total - self.done))


class Jobs:
    """One app's queue: the huey instance, its tasks, and (embedded) its worker threads."""

    def __init__(
        self,
        app: Flask,
        backend: str = "embedded",
        *,
        name: str | None = None,
        sqlite_path: str | None = None,
        redis_url: str | None = None,
        workers: int = 2,
    ):
        if backend not in BACKENDS:
            raise ValueError(f"JOBS_BACKEND must be one of {', '.join(BACKENDS)}, not {backend!r}")
        self.app = app
        self.backend = backend
        self.workers = workers
        self.name = (
            name
            or "rca-"
            + hashlib.sha256(app.config["SQLALCHEMY_DATABASE_URI"].encode()).hexdigest()[:12]
        )
        self.huey: Huey = _make_huey(app, backend, self.name, sqlite_path, redis_url)
        self._consumer: Consumer | None = None
        self._lock = threading.Lock()
        self._last_write: dict[int, float] = {}
        self.import_evidence_job = self.huey.task(name="import_evidence_job")(self._run_import)
        from rca.reports.jobs import register as register_report_job  # the draft render task

        register_report_job(self)

    # --- running jobs -------------------------------------------------------------------------
    def _run_import(self, import_id: int, date_orders: dict[str, str] | None = None) -> str:
        return run_import_job(self, import_id, date_orders or {})

    def enqueue_import(self, import_id: int, date_orders: dict[str, str] | None = None) -> None:
        """Queue the import of an EvidenceImport already committed with status "queued"."""
        self.ensure_consumer()
        self.import_evidence_job(import_id, date_orders or {})

    def ensure_consumer(self) -> None:
        """Embedded backend: start the in-process worker threads once (idempotent)."""
        if self.backend != "embedded":
            return
        with self._lock:
            if self._consumer is None:
                self._consumer = start_consumer(self.huey, self.workers)

    def stop_consumer(self) -> None:
        with self._lock:
            if self._consumer is not None:
                stop_consumer(self._consumer)
                self._consumer = None

    # --- progress -----------------------------------------------------------------------------
    def put_progress(self, import_id: int, progress: Progress, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last_write.get(import_id, 0.0) < _PROGRESS_EVERY:
            return
        self._last_write[import_id] = now
        self.huey.put(_PROGRESS_KEY.format(import_id), asdict(progress))

    def read_progress(self, import_id: int) -> Progress | None:
        data = self.huey.get(_PROGRESS_KEY.format(import_id), peek=True)
        return Progress(**data) if data else None

    def clear_progress(self, import_id: int) -> None:
        self._last_write.pop(import_id, None)
        self.huey.delete(_PROGRESS_KEY.format(import_id))


def _make_huey(
    app: Flask, backend: str, name: str, sqlite_path: str | None, redis_url: str | None
) -> Huey:
    if backend == "redis":
        url = redis_url or app.config.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
        return RedisHuey(name, url=url, results=False)
    if backend == "immediate":
        return MemoryHuey(name, immediate=True, results=False)
    path = sqlite_path or app.config.get("JOBS_SQLITE_PATH")
    path = path or str(Path(app.instance_path) / "jobs.sqlite3")
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(name, filename=path, results=False)


def start_consumer(huey: Huey, workers: int = 2) -> Consumer:
    """Run a huey consumer's worker threads inside this process.

    ``Consumer.start()`` would also install signal handlers, which only the main thread may do
    (a web server's request thread is not it), so the worker threads are started directly. No
    scheduler thread: these jobs are never delayed or periodic.
    """
    consumer = huey.create_consumer(
        workers=workers,
        worker_type="thread",
        periodic=False,
        initial_delay=0.1,
        max_delay=1.0,
        check_worker_health=False,
    )
    for _, thread in consumer.worker_threads:
        thread.start()
    return consumer


def stop_consumer(consumer: Consumer, timeout: float = 30.0) -> None:
    """Stop taking jobs and wait for the ones running to finish."""
    consumer.stop_flag.set()
    for _, thread in consumer.worker_threads:
        thread.join(timeout)


def jobs_for(app: Flask | None = None) -> Jobs:
    """The app's Jobs, made on first use from its config."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    jobs = app.extensions.get("rca_jobs")
    if jobs is None:
        with _CREATE_LOCK:
            jobs = app.extensions.get("rca_jobs")
            if jobs is None:
                jobs = Jobs(
                    app,
                    app.config.get("JOBS_BACKEND", "embedded"),
                    name=app.config.get("JOBS_NAME"),
                    workers=int(app.config.get("JOBS_WORKERS", 2)),
                )
                app.extensions["rca_jobs"] = jobs
    return jobs


_CREATE_LOCK = threading.Lock()


def __getattr__(name: str) -> Any:
    """``huey_consumer rca.jobs.huey``: build the app from the environment and hand over its
    huey instance (with the tasks registered), without building an app on every import."""
    if name == "huey":
        from rca import create_app

        return jobs_for(create_app()).huey
    raise AttributeError(name)


def run_import_job(jobs: Jobs, import_id: int, date_orders: dict[str, str]) -> str:
    """The background import: read the stored upload, import it in ONE transaction, commit once.

    Any failure rolls the whole file back and leaves the EvidenceImport "failed" with a one-line
    reason; no evidence row of the file remains. Returns the final status.
    """
    from sqlalchemy import update

    from rca.audit.recorder import acting_as
    from rca.db import db, utcnow
    from rca.evidence import uploads
    from rca.evidence.importer import ImportRequest, run_import
    from rca.evidence.models import EvidenceImport
    from rca.evidence.reading import FileRefused, read_table
    from rca.reviews.models import Review

    app = jobs.app
    with app.app_context():
        session = db.session
        try:
            started = time.time()
            # Claim the import atomically: of two deliveries of one job, only one gets it.
            claimed = session.execute(
                update(EvidenceImport)
                .where(EvidenceImport.id == import_id, EvidenceImport.status == "queued")
                .values(status="running")
            ).rowcount
            session.commit()
            if not claimed:
                return "skipped"  # a redelivered or cancelled job
            jobs.put_progress(import_id, Progress("reading", 0, 0, started, started), force=True)
            record = session.get(EvidenceImport, import_id)
            assert record is not None

            def progress(done: int, total: int) -> None:
                jobs.put_progress(
                    import_id, Progress("importing", done, total, started, time.time())
                )

            try:
                data = uploads.read_upload(uploads.upload_dir(app), record.file_sha256)
                table = read_table(
                    data,
                    record.file_name,
                    sheet=record.sheet,
                    max_bytes=uploads.max_upload_bytes(app),
                )
                review = session.get(Review, record.review_id)
                request = ImportRequest(
                    review=review,  # type: ignore[arg-type]
                    kind=record.kind,
                    table=table,
                    mapping=dict(record.mapping) or "auto",
                    date_orders=date_orders,
                    dry_run=False,
                    user_id=record.created_by_id,
                    evidence_import=record,
                )
                with acting_as(record.created_by_id, "web"):
                    run_import(session, request, progress)
                    session.commit()
                return "done"
            except (FileRefused, uploads.UploadMissing) as exc:
                reason = str(exc)
            except Exception as exc:  # the file's rows must not half-land, whatever went wrong
                app.logger.exception("Evidence import %s failed", import_id)
                reason = f"The import stopped unexpectedly ({type(exc).__name__}); nothing from "
                reason += "this file was saved. Try again, or tell your administrator."
            session.rollback()
            record = session.get(EvidenceImport, import_id)
            if record is not None:
                with acting_as(record.created_by_id, "web"):
                    record.status, record.error = "failed", reason
                    record.finished_at = utcnow()
                    session.commit()
            return "failed"
        finally:
            jobs.clear_progress(import_id)
            db.session.remove()
