"""Working out a big scope's learning figures off the request: a huey task beside the imports'
and the report renders', its progress and its last result in huey's key-value store.

``rca.jobs.Jobs`` calls ``register`` when it builds the app's queue, so the task exists in the
web process (embedded workers) and in ``huey_consumer rca.consumer.huey`` (Redis) alike. The result
is kept per scope (and window and support) until a newer one replaces it, so the pane always has
the last figures to show, with their date, while the next are being worked out.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from rca.db import db
from rca.graph import freshness, snapshot
from rca.graph.scope import LearningScope
from rca.graph.snapshot import STEPS, LearningSnapshot
from rca.jobs import Jobs, job_area, jobs_for

_RESULT = "learning-snapshot:{}"
_PROGRESS = "learning-progress:{}"
#: A job that has not reported for this long is taken as lost (a worker restart) and re-queued.
STALE_AFTER = 600.0


@dataclass(frozen=True)
class SnapshotProgress:
    step: str
    number: int
    steps: int
    generation: str
    started: float
    updated: float
    error: str | None = None

    @property
    def label(self) -> str:
        return self.error or {
            "queued": "Waiting for a worker",
            "coverage": "Counting the reviews in scope",
            "factors": "Counting recurring factors",
            "pairs": "Counting factors that travel together",
            "themes": "Finding themes",
            "recurrence": "Checking recurrence after actions closed",
        }.get(self.step, self.step)

    @property
    def percent(self) -> int:
        return round(100 * self.number / self.steps)


def key_for(url: str, scope: LearningScope, window_days: int, min_reviews: int) -> str:
    raw = repr((url, scope.key(), window_days, min_reviews))
    return hashlib.sha256(raw.encode()).hexdigest()[:24]


@job_area
def register(jobs: Jobs) -> None:
    """Add the learning task to this app's huey (called once per Jobs)."""

    def task(
        scope: dict[str, Any], today: str, window_days: int, min_reviews: int, key: str
    ) -> str:
        return run_snapshot(jobs, scope, date.fromisoformat(today), window_days, min_reviews, key)

    jobs.learning_snapshot_job = jobs.huey.task(name="learning_snapshot_job")(task)  # type: ignore[attr-defined]


def stored(app: Any, key: str) -> LearningSnapshot | None:
    found = jobs_for(app).huey.get(_RESULT.format(key), peek=True)
    return found if isinstance(found, LearningSnapshot) else None


def progress(app: Any, key: str) -> SnapshotProgress | None:
    data = jobs_for(app).huey.get(_PROGRESS.format(key), peek=True)
    return SnapshotProgress(**data) if data else None


def start(
    app: Any,
    scope: LearningScope,
    today: date,
    window_days: int,
    min_reviews: int,
    key: str,
    generation: str,
) -> SnapshotProgress:
    """Queue the scope's figures unless a job for this generation is on its way already."""
    jobs = jobs_for(app)
    current = progress(app, key)
    fresh = current is not None and time.time() - current.updated < STALE_AFTER
    if current is not None and fresh and current.generation == generation and not current.error:
        return current
    now = time.time()
    queued = SnapshotProgress("queued", 0, len(STEPS), generation, now, now)
    jobs.huey.put(_PROGRESS.format(key), asdict(queued))
    jobs.ensure_consumer()
    body = {
        "service_ids": None if scope.service_ids is None else sorted(scope.service_ids),
        "since": scope.since.isoformat() if scope.since else None,
        "until": scope.until.isoformat() if scope.until else None,
        "label": scope.label,
        "service": scope.service,
        "kind": scope.kind,
    }
    jobs.learning_snapshot_job(body, today.isoformat(), window_days, min_reviews, key)  # type: ignore[attr-defined]
    return progress(app, key) or queued


def run_snapshot(
    jobs: Jobs, body: dict[str, Any], today: date, window_days: int, min_reviews: int, key: str
) -> str:
    """Work the figures out and keep them as the scope's last result."""

    app = jobs.app
    started = time.time()
    scope = LearningScope(
        None if body["service_ids"] is None else frozenset(body["service_ids"]),
        date.fromisoformat(body["since"]) if body["since"] else None,
        date.fromisoformat(body["until"]) if body["until"] else None,
        body["label"],
        body["service"],
        body["kind"],
    )
    with app.app_context():
        generation = freshness.generation(db.session)

        def say(step: str, number: int, error: str | None = None) -> None:
            done = SnapshotProgress(
                step, number, len(STEPS), generation, started, time.time(), error
            )
            jobs.huey.put(_PROGRESS.format(key), asdict(done))

        try:
            result = snapshot.build(
                db.session,
                scope,
                today,
                window_days=window_days,
                min_reviews=min_reviews,
                progress=say,
            )
            jobs.huey.put(_RESULT.format(key), result)
            jobs.huey.delete(_PROGRESS.format(key))
            return "done"
        except Exception as exc:
            app.logger.exception("Learning figures for %s failed", key)
            say("failed", 0, f"The figures could not be worked out ({type(exc).__name__}).")
            return "failed"
        finally:
            db.session.remove()
