"""Helpers several test packages share: a real server thread, and private job files."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.serving import WSGIRequestHandler, make_server


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, code: Any = "-", size: Any = "-") -> None:
        """Keep the per-request lines out of the test output."""


@contextmanager
def serving(app: Flask, name: str = "live-server") -> Iterator[int]:
    """``app`` on a free port of 127.0.0.1 in a threaded server; yields the port."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name=name, daemon=True)
    thread.start()
    try:
        yield server.server_port
    finally:
        server.shutdown()
        thread.join(timeout=10)


@contextmanager
def private_job_files(app: Flask, folder: Path) -> Iterator[None]:
    """Uploads and the embedded queue in ``folder`` while the block runs, with a queue of their
    own; the app's own settings and queue come back afterwards."""
    saved = {k: app.config.get(k) for k in ("EVIDENCE_UPLOAD_DIR", "JOBS_SQLITE_PATH")}
    app.config["EVIDENCE_UPLOAD_DIR"] = str(folder / "uploads")
    app.config["JOBS_SQLITE_PATH"] = str(folder / "jobs.sqlite3")
    previous = app.extensions.pop("rca_jobs", None)
    try:
        yield
    finally:
        jobs = app.extensions.pop("rca_jobs", None)
        if jobs is not None:
            jobs.stop_consumer()
        app.config.update(saved)
        if previous is not None:
            app.extensions["rca_jobs"] = previous
