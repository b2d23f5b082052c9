"""The production stack, for real, on this machine: PostgreSQL, Redis, two gunicorn instances
started with deploy/gunicorn.conf.py on two ports, and a huey consumer, all as separate
processes sharing one database, one Redis and one instance folder (as docs/DEPLOY.md says).

It needs PostgreSQL (the run's RCA_TEST_DATABASE_URL: the test makes its own database beside
it) and Redis (RCA_TEST_REDIS_URL, default redis://127.0.0.1:6379/5); scripts/test provides
both. In the SQLite run it is skipped: the stack is a PostgreSQL one.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
REDIS_URL = os.environ.get("RCA_TEST_REDIS_URL", "redis://127.0.0.1:6379/5")
SECRET = "deploy-test-secret-shared-by-every-process"
#: Seconds without a heartbeat before an import's process counts as dead (production: 60).
LEASE = 2


def pg_server_url() -> str | None:
    url = os.environ.get("RCA_TEST_DATABASE_URL", "")
    return url if url.startswith(("postgresql", "postgres:")) else None


def redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Process:
    """A child process in its own process group (gunicorn's master and workers go together)."""

    name: str
    args: list[str]
    env: dict[str, str]
    log: Path
    proc: subprocess.Popen[bytes] | None = None

    def start(self) -> Process:
        out = self.log.open("ab")
        self.proc = subprocess.Popen(  # noqa: S603
            self.args,
            cwd=ROOT,
            env=self.env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, sig)
            self.proc.wait(15)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGINT)  # gunicorn and huey: quick shutdown
        try:
            self.proc.wait(8)
        except subprocess.TimeoutExpired:
            self.kill()

    def tail(self, lines: int = 40) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return f"--- {self.name} ---\n" + "\n".join(text.splitlines()[-lines:])


@dataclass
class Stack:
    database_url: str
    env: dict[str, str]
    folder: Path
    web: list[str] = field(default_factory=list)  # base URLs of the two instances
    processes: dict[str, Process] = field(default_factory=dict)

    def consumer(self) -> Process:
        """A new huey consumer process, as deploy/Procfile starts one."""
        args = [
            str(BIN / "huey_consumer"),
            "rca.consumer.huey",
            "--workers",
            "2",
            "--worker-type",
            "thread",
            "--delay",
            "0.05",
            "--max-delay",
            "0.5",
        ]
        n = sum(1 for k in self.processes if k.startswith("consumer"))
        proc = Process(f"consumer-{n}", args, self.env, self.folder / f"consumer-{n}.log")
        self.processes[proc.name] = proc.start()
        return proc

    def logs(self) -> str:
        return "\n".join(p.tail() for p in self.processes.values())


def _wait_for(url: str, proc: Process, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.proc is not None and proc.proc.poll() is not None:
            raise AssertionError(f"{proc.name} exited at start:\n{proc.tail()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:  # noqa: S310
                if answer.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise AssertionError(f"{proc.name} did not answer {url} in {timeout} s:\n{proc.tail()}")


def _database(server: str, name: str) -> str:
    import psycopg

    url = make_url(server)
    admin = url.set(drivername="postgresql", database="postgres")
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if name:
            conn.execute(f'CREATE DATABASE "{name}"')
    return url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    server = pg_server_url()
    if server is None:
        pytest.skip("the deployment test runs on PostgreSQL (set RCA_TEST_DATABASE_URL)")
    if not redis_answers(REDIS_URL):
        if os.environ.get("RCA_TEST_REDIS_URL"):
            pytest.fail(f"RCA_TEST_REDIS_URL={REDIS_URL} does not answer")
        pytest.skip(f"no Redis at {REDIS_URL} (scripts/test starts one)")
    name = f"{make_url(server).database}_stack"
    database_url = _database(server, name)
    folder = tmp_path_factory.mktemp("stack")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RCA_", "DATABASE_URL"))}
    env.update(
        {
            "RCA_DATABASE_URL": database_url,
            "SECRET_KEY": SECRET,
            "RCA_JOBS_BACKEND": "redis",
            "RCA_REDIS_URL": REDIS_URL,
            "RCA_JOBS_LEASE_SECONDS": str(LEASE),
            "RCA_EVIDENCE_UPLOAD_DIR": str(folder / "shared" / "uploads"),
            "RCA_REPORTS_CACHE_DIR": str(folder / "shared" / "reports-cache"),
            "RCA_SESSION_COOKIE_SECURE": "false",  # plain HTTP on loopback, no nginx here
            "RCA_REMEMBER_COOKIE_SECURE": "false",
            "RCA_WEB_WORKERS": "1",
            "RCA_WEB_THREADS": "4",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    built = Stack(database_url, env, folder)
    try:
        migrate = subprocess.run(  # the documented migration step, as its own process
            [str(BIN / "flask"), "--app", "rca", "db", "upgrade"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert migrate.returncode == 0, migrate.stdout + migrate.stderr
        for n in (1, 2):
            port = free_port()
            args = [str(BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "wsgi:app"]
            web = Process(
                f"web-{n}", args, {**env, "RCA_BIND": f"127.0.0.1:{port}"}, folder / f"web-{n}.log"
            )
            built.processes[web.name] = web.start()
            built.web.append(f"http://127.0.0.1:{port}")
        built.consumer()
        for n, base in enumerate(built.web, start=1):
            _wait_for(base + "/login", built.processes[f"web-{n}"])
        yield built
    finally:
        for proc in built.processes.values():
            proc.stop()
        print(built.logs())
        _database(server, name)  # drop it


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, Any]:
    """pytest-playwright's launch options, as tests/browser sets them: Debian's Chromium."""
    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

    return {"executable_path": CHROMIUM, "args": CHROMIUM_ARGS, "headless": True}


@pytest.fixture(scope="module")
def stack_app(stack: Stack) -> Iterator[Any]:
    """The test's own view of the stack's database (to seed it and to check what was written)."""
    from rca import create_app
    from rca.db import db

    flask_app = create_app(
        {
            "DATABASE_URL": stack.database_url,
            "SECRET_KEY": SECRET,
            "JOBS_BACKEND": "redis",
            "REDIS_URL": REDIS_URL,
            "EVIDENCE_UPLOAD_DIR": stack.env["RCA_EVIDENCE_UPLOAD_DIR"],
        }
    )
    yield flask_app
    from rca.jobs import jobs_for

    jobs_for(flask_app).huey.storage.flush_all()  # this stack's queue, progress and beats only
    with flask_app.app_context():
        db.session.remove()
        db.engine.dispose()
