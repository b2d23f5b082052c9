"""Connection handling under load on PostgreSQL: 64 concurrent clients against the production
gunicorn settings (deploy/gunicorn.conf.py), with the pool those settings choose.

Makes its own database beside the one named (``RCA_BENCH_DATABASE_URL``, default
``postgresql://postgres@127.0.0.1:5432/postgres``), loads the demo provider, starts gunicorn
exactly as deploy/Procfile does (``-c deploy/gunicorn.conf.py``: 2 gthread workers x 4 threads,
so a pool of 4 + 2 overflow per worker), signs in, then runs N keep-alive clients, each a thread
repeating GETs of a review page and the meeting poll (half each) as fast as answers come:

- first 8 clients (the baseline: fewer clients than request threads, nobody waits for a
  connection), then 64 (eight times the threads: requests queue in gunicorn, not in the pool);
- any answer but 200 (a 503 "too busy" from a pool timeout, a 500, a dropped connection) is an
  error; the peak number of the app's connections in ``pg_stat_activity`` is sampled every
  50 ms and must stay within the budget (workers x (pool + overflow)).

    .venv/bin/python bench/pg_pool.py [--duration 20] [--clients 64]

Prints one JSON line: value = requests/s with 64 clients, baseline = with 8, goal: ratio >= 0.9
(throughput holds), with errors = 0 and peak connections <= budget beside it.
"""

from __future__ import annotations

import argparse
import http.client
import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from datetime import date
from pathlib import Path

import psycopg
from sqlalchemy import select
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rca import create_app  # noqa: E402
from rca.db import db  # noqa: E402
from rca.demo import data, loader  # noqa: E402
from rca.reviews.models import Review  # noqa: E402

GOAL = 0.9
WORKERS, THREADS, OVERFLOW = 2, 4, 2
SECRET = "bench-pg-pool-secret"
ADMIN = "helen.carter@hollybrook.example"
USER_AGENT = "rca-bench/1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_database(server: str, name: str, drop_only: bool = False) -> str:
    url = make_url(server)
    admin = url.set(drivername="postgresql", database="postgres")
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            conn.execute(f'CREATE DATABASE "{name}"')
    return url.set(drivername="postgresql", database=name).render_as_string(hide_password=False)


def seed(database_url: str, folder: Path) -> list[int]:
    from flask_migrate import upgrade

    app = create_app(
        {"DATABASE_URL": database_url, "SECRET_KEY": SECRET, "EVIDENCE_UPLOAD_DIR": str(folder)}
    )
    with app.app_context():
        upgrade(directory=app.root_path + "/migrations")
        loader.load(db.session, date(2026, 11, 23))
        ids = list(db.session.scalars(select(Review.id).order_by(Review.id)))
        db.session.remove()
        db.engine.dispose()
    return ids


def sign_in(base: str) -> str:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", USER_AGENT)]
    page = opener.open(base + "/login").read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token, "no CSRF token on the login page"
    form = {"email": ADMIN, "password": data.DEMO_PASSWORD, "csrf_token": token[1]}
    opener.open(base + "/login", urllib.parse.urlencode(form).encode()).read()
    cookie = next((c for c in jar if c.name == "session"), None)
    assert cookie is not None, "no session cookie after signing in"
    return f"session={cookie.value}"


def peak_connections(database_url: str, name: str, stop: threading.Event, out: list[int]) -> None:
    """Sample the app's connections (not this sampler's) until told to stop."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        while not stop.wait(0.05):
            n = conn.execute(
                "select count(*) from pg_stat_activity"
                " where datname = %s and pid <> pg_backend_pid()",
                (name,),
            ).fetchone()[0]
            out.append(int(n))


def load(port: int, paths: list[str], cookie: str, clients: int, duration: float) -> dict:
    """``clients`` keep-alive connections, each a thread; returns requests/s, errors, p99."""
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    start = threading.Barrier(clients + 1)
    headers = {"Cookie": cookie, "User-Agent": USER_AGENT, "HX-Request": "true"}

    def client(n: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        start.wait()
        end = time.monotonic() + duration
        i = n
        while time.monotonic() < end:
            path = paths[i % len(paths)]
            i += 1
            t0 = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                answer = conn.getresponse()
                answer.read()
                ok = answer.status in (200, 204)
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            latencies[n].append(time.perf_counter() - t0)
            errors[n] += not ok
        conn.close()

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    for t in threads:
        t.start()
    start.wait()
    t0 = time.monotonic()
    for t in threads:
        t.join(duration + 60)
    elapsed = time.monotonic() - t0
    every = sorted(x for one in latencies for x in one)
    return {
        "rps": len(every) / elapsed,
        "requests": len(every),
        "errors": sum(errors),
        "p50_ms": every[len(every) // 2] * 1000 if every else 0.0,
        "p99_ms": every[int(len(every) * 0.99)] * 1000 if every else 0.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--duration", type=float, default=float(os.environ.get("RCA_BENCH_DURATION", "20"))
    )
    parser.add_argument("--clients", type=int, default=64)
    args = parser.parse_args()
    server = os.environ.get(
        "RCA_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
    )
    name = "rca_bench_pg_pool"
    database_url = make_database(server, name)
    proc = None
    try:
        with tempfile.TemporaryDirectory(prefix="rca-pgpool-") as tmp:
            ids = seed(database_url, Path(tmp))
            port = free_port()
            env = {
                **{k: v for k, v in os.environ.items() if not k.startswith("RCA_")},
                "RCA_DATABASE_URL": database_url,
                "SECRET_KEY": SECRET,
                "RCA_BIND": f"127.0.0.1:{port}",
                "RCA_WEB_WORKERS": str(WORKERS),
                "RCA_WEB_THREADS": str(THREADS),
                "RCA_DB_MAX_OVERFLOW": str(OVERFLOW),
                "RCA_LOG_LEVEL": "warning",
                "RCA_SESSION_COOKIE_SECURE": "false",
                "RCA_EVIDENCE_UPLOAD_DIR": tmp,
            }
            cmd = [str(Path(sys.executable).parent / "gunicorn"), "-c", "deploy/gunicorn.conf.py"]
            proc = subprocess.Popen(  # noqa: S603
                [*cmd, "--access-logfile", "/dev/null", "wsgi:app"],
                cwd=ROOT,
                env=env,
                start_new_session=True,
            )
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while True:
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                        break
                except OSError:
                    if time.monotonic() > deadline or proc.poll() is not None:
                        raise SystemExit("gunicorn did not start") from None
                    time.sleep(0.2)
            cookie = sign_in(base)
            review = ids[len(ids) // 2]
            paths = [f"/reviews/{review}/scope", f"/reviews/{review}/live?since=none"]
            load(port, paths, cookie, 4, 2)  # warm every worker and its pool
            runs = {}
            for clients in (8, args.clients):
                stop, samples = threading.Event(), []
                sampler = threading.Thread(
                    target=peak_connections, args=(database_url, name, stop, samples)
                )
                sampler.start()
                runs[clients] = load(port, paths, cookie, clients, args.duration)
                stop.set()
                sampler.join()
                runs[clients]["peak_connections"] = max(samples, default=0)
                print(json.dumps({"clients": clients, **runs[clients]}), file=sys.stderr)
    finally:
        if proc is not None and proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(30)
        make_database(server, name, drop_only=True)

    many, few = runs[args.clients], runs[8]
    budget = WORKERS * (THREADS + OVERFLOW)
    print(
        json.dumps(
            {
                "bench": f"pg_pool_{args.clients}_clients",
                "value": round(many["rps"], 1),
                "baseline": round(few["rps"], 1),
                "ratio": round(many["rps"] / few["rps"], 3),
                "goal": GOAL,
                "unit": "requests/s",
                "errors": many["errors"] + few["errors"],
                "p99_ms": round(many["p99_ms"], 1),
                "baseline_p99_ms": round(few["p99_ms"], 1),
                "peak_connections": max(many["peak_connections"], few["peak_connections"]),
                "connection_budget": budget,
            }
        )
    )


if __name__ == "__main__":
    main()
