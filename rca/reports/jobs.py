"""Rendering a draft off the request path: a huey task beside the evidence import's, with its
progress in huey's key-value store (readable while the job runs), like the imports' progress.

``rca.jobs.Jobs`` calls ``register`` (a ``job_area``) when it builds the app's queue, so the
task exists in the web process (embedded workers) and in ``huey_consumer rca.consumer.huey``
(Redis) alike.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from typing import Any

from rca.db import db, today_london
from rca.jobs import Jobs, job_area, jobs_for
from rca.reports import drafts, pdf
from rca.reviews.models import Review

__all__ = ["RenderProgress", "jobs_for", "read", "register", "start"]

_KEY = "report-render:{}:{}"
#: A render that has not reported for this long is taken as lost (a worker restart) and re-queued.
STALE_AFTER = 300.0
STEPS = {"queued": "Waiting for a worker", "gathering": "Gathering the review's data",
         "laying-out": "Laying out the pages", "drawing": "Drawing page previews",
         "done": "Ready", "failed": "Failed"}  # fmt: skip


@dataclass(frozen=True)
class RenderProgress:
    status: str  # one of STEPS
    key: str
    step: int
    steps: int
    updated: float
    error: str | None = None

    @property
    def label(self) -> str:
        return self.error or STEPS.get(self.status, self.status)

    @property
    def finished(self) -> bool:
        return self.status in ("done", "failed")


@job_area
def register(jobs: Jobs) -> None:
    """Add the render task to this app's huey (called once per Jobs)."""

    def task(review_id: int, mode: str, key: str) -> str:
        return run_render(jobs, review_id, mode, key)

    jobs.render_report_job = jobs.huey.task(name="render_report_job")(task)  # type: ignore[attr-defined]


def put(jobs: Jobs, review_id: int, mode: str, progress: RenderProgress) -> None:
    jobs.huey.put(_KEY.format(review_id, mode), asdict(progress))


def read(jobs: Jobs, review_id: int, mode: str) -> RenderProgress | None:
    data = jobs.huey.get(_KEY.format(review_id, mode), peek=True)
    return RenderProgress(**data) if data else None


def start(app: Any, review_id: int, mode: str, key: str) -> RenderProgress:
    """Queue the draft's render unless this exact draft is rendering already."""
    jobs = jobs_for(app)
    current = read(jobs, review_id, mode)
    if current is not None and current.key == key:
        if current.status == "failed":
            return current  # shown with its reason; a new key (a change) tries again
        if not current.finished and time.time() - current.updated < STALE_AFTER:
            return current  # already queued or running
    # (A "done" for this key whose pages are gone, say pruned, is simply rendered again.)
    queued = RenderProgress("queued", key, 0, 3, time.time())
    put(jobs, review_id, mode, queued)
    jobs.ensure_consumer()
    jobs.render_report_job(review_id, mode, key)  # type: ignore[attr-defined]
    return read(jobs, review_id, mode) or queued


def run_render(jobs: Jobs, review_id: int, mode: str, key: str) -> str:
    """Gather, lay out, store in the cache and draw the page images; progress as it goes."""

    app = jobs.app

    def say(status: str, step: int, used_key: str, error: str | None = None) -> None:
        put(jobs, review_id, mode, RenderProgress(status, used_key, step, 3, time.time(), error))

    with app.app_context():
        try:
            say("gathering", 0, key)
            review = db.session.get(Review, review_id)
            if review is None:
                say("failed", 0, key, "The review no longer exists.")
                return "failed"
            built = drafts.build(
                db.session,
                review,
                mode=mode,
                provider=drafts.provider_name(app),
                today=today_london(),
            )
            # The review may have changed since the job was queued: the pane asks by key, so
            # record under both the asked key and the one actually rendered.
            say("laying-out", 1, key)
            data = drafts.draft_pdf(app, review_id, built)
            say("drawing", 2, key)
            pdf.draw_pages(app, review_id, built.key, data)
            say("done", 3, built.key)
            return "done"
        except Exception as exc:
            app.logger.exception("Report render of review %s failed", review_id)
            say("failed", 0, key, f"The draft could not be rendered ({type(exc).__name__}).")
            return "failed"
        finally:
            db.session.remove()
