"""The background queue through huey: long work (evidence imports, report renders, learning
figures for big scopes) runs off the request, with live progress. Each area's task lives in
its area and registers itself with ``job_area``; this module imports no area.

``JOBS_BACKEND`` chooses where jobs wait and run:

- ``"embedded"`` (default): a SqliteHuey file in the instance folder (``JOBS_SQLITE_PATH``),
  consumed by worker threads the app process starts itself on the first enqueue (and when the
  evidence pane finds a queued import after a restart). No second service to run.
- ``"redis"``: RedisHuey at ``REDIS_URL`` (default ``redis://127.0.0.1:6379/0``), consumed by
  separate workers started with ``huey_consumer rca.consumer.huey -w 2`` in the same environment as
  the web app (same ``DATABASE_URL``, ``RCA_JOBS_BACKEND=redis``, and the same instance folder,
  where uploads are stored).
- ``"immediate"``: the job runs inside ``enqueue`` (huey's immediate mode); for quick tests only.

The queue's name defaults to one derived from the database URL, so two apps on different
databases that share an instance folder or a Redis never take each other's jobs.

Progress is kept in huey's key-value storage, not in the app's database: the import holds the
database's write transaction (SQLite allows one writer) for its whole length, and the pane must
read rows-done without waiting for it.

A running import also keeps a heartbeat there: a thread of the process running it writes the
time every ``JOBS_LEASE_SECONDS`` / 6 seconds (default lease 60 s), from before the job claims
the import until it ends. An import still "running" in the database whose heartbeat is missing
or older than the lease was being run by a process that died (kill -9, a crash, a restart): the
database rolled its rows back, so ``rca.evidence.import_job.stop_dead_imports`` marks it
"stopped" and drops its progress record. That is checked when a consumer starts, and whenever
a pane or progress poll shows a running import. The heartbeat lives in the shared job store, so
in a deployment of several processes "dead" means no process is running it, not merely "not
this one".

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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from flask import Flask, current_app
from huey import MemoryHuey, RedisHuey, SqliteHuey
from huey.api import Huey
from huey.consumer import Consumer

BACKENDS = ("embedded", "redis", "immediate")
#: Each area's ``register(jobs)``: adds its tasks to every Jobs built (``job_area``).
_AREAS: list[Callable[[Jobs], None]] = []


def job_area(register: Callable[[Jobs], None]) -> Callable[[Jobs], None]:
    """Declare an area's job registration (the evidence import, the report render, the
    learning snapshot). The app factory imports those modules before any Jobs is built, so
    the queue knows every task without importing the areas (they import it)."""
    _AREAS.append(register)
    return register


_PROGRESS_KEY = "evidence-import-progress:{}"
_BEAT_KEY = "evidence-import-beat:{}"
#: Seconds without a heartbeat after which a running import's process is taken for dead.
DEFAULT_LEASE_SECONDS = 60.0
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
        #: Called (no arguments) when this process starts consuming: the areas' checks.
        self.on_consumer_start: list[Callable[[], None]] = []
        for register in _AREAS:
            register(self)

    # --- running jobs -------------------------------------------------------------------------
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
            self.consumer_starting()

    def consumer_starting(self) -> None:
        """Run the areas' checks for a consumer that is starting (in this process or a
        separate ``huey_consumer``)."""
        for check in self.on_consumer_start:
            check()

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
