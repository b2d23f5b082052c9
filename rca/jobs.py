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

A running import also keeps a heartbeat there: a thread of the process running it writes the
time every ``JOBS_LEASE_SECONDS`` / 6 seconds (default lease 60 s), from before the job claims the
import until it ends. An import still "running" in the database whose heartbeat is missing or
older than the lease was being run by a process that died (kill -9, a crash, a restart): the
database rolled its rows back, so ``stop_dead_imports`` marks it "stopped" and drops its progress
record. That is checked when a consumer starts, and whenever a pane or progress poll shows a
running import. The heartbeat lives in the shared job store, so in a deployment of several
processes "dead" means no process is running it, not merely "not this one".

With the ``redis`` backend the consumers are separate processes that a supervisor restarts, and
Redis hands a job to one consumer and forgets it, so a consumer killed mid-import loses the job.
There, a dead import whose upload is still stored is queued again instead of stopped (its rows
were rolled back with the killed transaction; the importer's content-hash dedupe makes a second
run add nothing twice), and each consumer sweeps for dead imports once a minute, so the import
finishes even when nobody has the pane open. The embedded queue dies with the app process that
ran it, so there the import is shown stopped and the user uploads the file again.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import Flask, current_app
from huey import MemoryHuey, RedisHuey, SqliteHuey
from huey.api import Huey
from huey.consumer import Consumer
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, scoped_session

if TYPE_CHECKING:
    from rca.evidence.models import EvidenceImport

BACKENDS = ("embedded", "redis", "immediate")
_PROGRESS_KEY = "evidence-import-progress:{}"
_BEAT_KEY = "evidence-import-beat:{}"
#: Seconds without a heartbeat after which a running import's process is taken for dead.
DEFAULT_LEASE_SECONDS = 60.0
#: What a stopped import says (the database rolled the file back when its process died).
STOPPED_MESSAGE = (
    "Stopped: the import was interrupted before it finished; nothing from this file was saved. "
    "Upload it again."
)
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
        self.lease = float(app.config.get("JOBS_LEASE_SECONDS") or DEFAULT_LEASE_SECONDS)
        self._consumer: Consumer | None = None
        self._lock = threading.Lock()
        self._last_write: dict[int, float] = {}
        self.import_evidence_job = self.huey.task(name="import_evidence_job")(self._run_import)
        from rca.reports.jobs import register as register_report_job  # the draft render task

        register_report_job(self)
        from rca.graph.jobs import register as register_learning_job  # big scopes' figures

        register_learning_job(self)
        if backend == "redis":  # the consumers' schedulers sweep; the embedded one runs none
            from huey import crontab

            sweep = self.huey.periodic_task(crontab(minute="*"), name="sweep_dead_imports")
            sweep(self.stop_dead_imports_at_start)

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
                started = True
            else:
                started = False
        if started:
            self.stop_dead_imports_at_start()

    def stop_dead_imports_at_start(self) -> None:
        """A consumer is starting: imports left "running" by a process that died are stopped.
        (A database not yet migrated, or unreachable, is no reason to refuse to start.)"""
        from rca.db import db

        with self.app.app_context():
            try:
                stop_dead_imports(db.session, self)
                db.session.commit()
            except SQLAlchemyError:
                db.session.rollback()
                self.app.logger.warning("Could not check for interrupted imports at start")
            finally:
                db.session.remove()

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

    # --- heartbeat ----------------------------------------------------------------------------
    @contextmanager
    def heartbeat(self, import_id: int) -> Iterator[None]:
        """Beat for this import while the block runs: written once now (before the job claims
        the import, so a claimed import always has one), then by a daemon thread."""
        key = _BEAT_KEY.format(import_id)
        self.huey.put(key, time.time())
        done = threading.Event()

        def beat() -> None:
            while not done.wait(self.lease / 6):
                try:
                    self.huey.put(key, time.time())
                except Exception:  # a busy store misses one beat; the lease allows five
                    self.app.logger.warning("Import %s missed a heartbeat", import_id)

        thread = threading.Thread(target=beat, name=f"import-{import_id}-heartbeat", daemon=True)
        thread.start()
        try:
            yield
        finally:
            done.set()
            thread.join(5)
            self.huey.delete(key)

    def is_alive(self, import_id: int, now: float | None = None) -> bool:
        """Some process is running this import: its heartbeat is younger than the lease."""
        beat = self.huey.get(_BEAT_KEY.format(import_id), peek=True)
        return beat is not None and (now or time.time()) - float(beat) < self.lease


def stop_dead_imports(
    session: Session, jobs: Jobs, records: Sequence[EvidenceImport] | None = None
) -> list[int]:
    """Mark "stopped" every running import (of ``records``, else all) that no process runs.

    Flushed, not committed. The update is conditional on the status still being "running", so
    an import that finished meanwhile keeps its outcome. Returns the ids stopped.
    """
    from sqlalchemy import select, update

    from rca.db import utcnow
    from rca.evidence.models import EvidenceImport

    if records is None:
        records = session.scalars(
            select(EvidenceImport).where(EvidenceImport.status == "running")
        ).all()
    now = time.time()
    dead = [r for r in records if r.status == "running" and not jobs.is_alive(r.id, now)]
    stopped: list[int] = []
    again = [r for r in dead if _can_run_again(jobs, r)]
    if again:
        _queue_again(session, jobs, again)
    for import_id in (r.id for r in dead if r not in again):
        # Like the job's claim, a plain conditional UPDATE (not an audited change): the import's
        # outcome, not the bookkeeping, is what the history shows.
        changed = session.execute(
            update(EvidenceImport)
            .where(EvidenceImport.id == import_id, EvidenceImport.status == "running")
            .values(status="stopped", error=STOPPED_MESSAGE, finished_at=utcnow())
            .execution_options(synchronize_session="fetch")
        ).rowcount
        jobs.clear_progress(import_id)
        if changed:
            stopped.append(import_id)
    return stopped


def _can_run_again(jobs: Jobs, record: EvidenceImport) -> bool:
    """Redis: the job was lost with its consumer and another consumer can run it, if the file
    is still stored (uploads are on the shared instance path)."""
    from rca.evidence import uploads

    return jobs.backend == "redis" and (uploads.upload_dir(jobs.app) / record.file_sha256).is_file()


def _queue_again(session: Session, jobs: Jobs, records: list[EvidenceImport]) -> None:
    """Put dead imports back to "queued" (conditionally, so two sweeps queue one job) and send
    their jobs once that is committed: a job that ran before the commit would find the import
    still "running" and skip it."""
    from sqlalchemy import event, update

    from rca.evidence.models import EvidenceImport

    queued = []
    for record in records:
        changed = session.execute(
            update(EvidenceImport)
            .where(EvidenceImport.id == record.id, EvidenceImport.status == "running")
            .values(status="queued", error=None)
            .execution_options(synchronize_session="fetch")
        ).rowcount
        jobs.clear_progress(record.id)
        if changed:
            queued.append((record.id, dict((record.options or {}).get("date_orders") or {})))

    if not queued:
        return
    # On the request's own Session (not the scoped registry, which is every thread's).
    own = session() if isinstance(session, scoped_session) else session

    pending = [True]  # whichever comes first, the commit or a rollback, settles it

    def send(_session: Session) -> None:
        if pending and pending.pop():
            for import_id, date_orders in queued:
                jobs.import_evidence_job(import_id, date_orders)

    def drop(_session: Session) -> None:
        pending.clear()  # rolled back: nothing was queued again

    event.listen(own, "after_commit", send, once=True)
    event.listen(own, "after_rollback", drop, once=True)


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

        jobs = jobs_for(create_app())
        jobs.stop_dead_imports_at_start()  # a consumer process is starting
        return jobs.huey
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
    with app.app_context(), jobs.heartbeat(import_id):
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
                    limits=uploads.sheet_limits(app),
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
