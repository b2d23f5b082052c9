"""The evidence import as a background job: claimed once, run in one transaction with live
progress and a heartbeat, and stopped (embedded queue) or queued again (Redis) when the process
running it died.

``rca.jobs`` is the queue; this module adds the import's task, its once-a-minute sweep on the
Redis consumers and its check at consumer start, through ``rca.jobs.job_area``. See the
``rca.jobs`` docstring for what "dead" means in a deployment of several processes.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from huey import crontab
from sqlalchemy import event, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, scoped_session

from rca.audit.recorder import acting_as
from rca.db import db, utcnow
from rca.evidence import uploads
from rca.evidence.importer import ImportRequest, run_import
from rca.evidence.models import EvidenceImport
from rca.evidence.reading import FileRefused, read_table
from rca.jobs import Jobs, Progress, job_area
from rca.reviews.models import Review

#: What a stopped import says (the database rolled the file back when its process died).
STOPPED_MESSAGE = (
    "Stopped: the import was interrupted before it finished; nothing from this file was saved. "
    "Upload it again."
)


@job_area
def register(jobs: Jobs) -> None:
    """Add the import task to this app's huey, its sweep (Redis consumers' schedulers) and its
    check when a consumer starts (called once per Jobs)."""

    def task(import_id: int, date_orders: dict[str, str] | None = None) -> str:
        return run_import_job(jobs, import_id, date_orders or {})

    jobs.import_evidence_job = jobs.huey.task(name="import_evidence_job")(task)  # type: ignore[attr-defined]
    jobs.on_consumer_start.append(lambda: stop_dead_imports_at_start(jobs))
    if jobs.backend == "redis":  # the embedded queue runs no scheduler
        sweep = jobs.huey.periodic_task(crontab(minute="*"), name="sweep_dead_imports")
        sweep(lambda: stop_dead_imports_at_start(jobs))


def enqueue(jobs: Jobs, import_id: int, date_orders: dict[str, str] | None = None) -> None:
    """Queue the import of an EvidenceImport already committed with status "queued"."""
    jobs.ensure_consumer()
    jobs.import_evidence_job(import_id, date_orders or {})  # type: ignore[attr-defined]


def stop_dead_imports_at_start(jobs: Jobs) -> None:
    """A consumer is starting: imports left "running" by a process that died are stopped.
    (A database not yet migrated, or unreachable, is no reason to refuse to start.)"""
    with jobs.app.app_context():
        try:
            stop_dead_imports(db.session, jobs)
            db.session.commit()
        except SQLAlchemyError:
            db.session.rollback()
            jobs.app.logger.warning("Could not check for interrupted imports at start")
        finally:
            db.session.remove()


@dataclass(frozen=True)
class DeadImports:
    """What a sweep changed: imports marked stopped, and (Redis) imports queued again."""

    stopped: list[int]
    queued: list[int]

    def __bool__(self) -> bool:
        return bool(self.stopped or self.queued)


def stop_dead_imports(
    session: Session, jobs: Jobs, records: Sequence[EvidenceImport] | None = None
) -> DeadImports:
    """Mark "stopped" every running import (of ``records``, else all) that no process runs, or
    (Redis, upload still stored) queue it again.

    Flushed, not committed. The updates are conditional on the status still being "running",
    so an import that finished meanwhile keeps its outcome, and of two sweeps one queues it.
    """
    if records is None:
        records = session.scalars(
            select(EvidenceImport).where(EvidenceImport.status == "running")
        ).all()
    now = time.time()
    dead = [r for r in records if r.status == "running" and not jobs.is_alive(r.id, now)]
    stopped: list[int] = []
    again = [r for r in dead if _can_run_again(jobs, r)]
    queued = _queue_again(session, jobs, again) if again else []
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
    return DeadImports(stopped, queued)


def _can_run_again(jobs: Jobs, record: EvidenceImport) -> bool:
    """Redis: the job was lost with its consumer and another consumer can run it, if the file
    is still stored (uploads are on the shared instance path)."""
    return jobs.backend == "redis" and (uploads.upload_dir(jobs.app) / record.file_sha256).is_file()


def _queue_again(session: Session, jobs: Jobs, records: list[EvidenceImport]) -> list[int]:
    """Put dead imports back to "queued" (conditionally, so two sweeps queue one job) and send
    their jobs once that is committed: a job that ran before the commit would find the import
    still "running" and skip it."""
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
        return []
    # On the request's own Session (not the scoped registry, which is every thread's).
    own = session() if isinstance(session, scoped_session) else session

    pending = [True]  # whichever comes first, the commit or a rollback, settles it

    def send(_session: Session) -> None:
        if pending and pending.pop():
            for import_id, date_orders in queued:
                jobs.import_evidence_job(import_id, date_orders)  # type: ignore[attr-defined]

    def drop(_session: Session) -> None:
        pending.clear()  # rolled back: nothing was queued again

    event.listen(own, "after_commit", send, once=True)
    event.listen(own, "after_rollback", drop, once=True)
    return [import_id for import_id, _ in queued]


def run_import_job(jobs: Jobs, import_id: int, date_orders: dict[str, str]) -> str:
    """The background import: read the stored upload, import it in ONE transaction, commit once.

    Any failure rolls the whole file back and leaves the EvidenceImport "failed" with a one-line
    reason; no evidence row of the file remains. Returns the final status.
    """
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
