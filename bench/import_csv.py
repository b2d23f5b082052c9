"""A 100,000-row care-notes CSV through the whole import path, against a bare csv.reader +
executemany of the same rows into the same table, in the same run.

The project path (read_table, mapping, column formats, row validation, dedupe, provenance, staff
and people lookup, insert, commit) runs in a child process on a fresh SQLite database, so its peak
RSS (VmHWM) is its own. The baseline reads the same file with ``csv.reader`` and inserts one
evidence_row per line with ``sqlite3.executemany`` into a fresh database with the same schema
(same indexes and unique constraint), then commits: the floor any importer sits on.

    .venv/bin/python bench/import_csv.py [--rows 100000] [--repeat 3] [--profile]

The two are run in turn ``--repeat`` times (project, baseline, project, baseline, ...), and each
figure is the median of its runs: a shared machine's speed drifts by a third from one minute to
the next, and taking turns gives both sides the same weather.

Prints one JSON line: rows/s of the project and of the baseline, goal ratio >= 0.4, with the
child's peak RSS as "peak_rss_mb" (goal < 300 MB), and the same rates per CPU-second of each
process ("cpu_value", "cpu_baseline", "cpu_ratio"), which a busy machine disturbs far less.
"""

from __future__ import annotations

import argparse
import csv
import json
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GOAL = 0.4
RSS_GOAL_MB = 300


def fresh_database(path: Path):  # type: ignore[no-untyped-def]
    """A migrated SQLite database with one service, one admin and one review; the app."""
    from datetime import date

    from flask_migrate import upgrade

    from rca import create_app
    from rca.accounts.models import Membership, User
    from rca.db import db
    from rca.provider.models import Service
    from rca.reviews import lifecycle

    app = create_app(
        {"DATABASE_URL": f"sqlite:///{path}", "SECRET_KEY": "bench-secret-key", "TESTING": True}
    )
    with app.app_context():
        upgrade(directory=app.root_path + "/migrations")
        db.session.add(Service(code="OAK", name="Oakfield House", kind="care-home"))
        user = User(email="bench@bench.example", name="Bench", password_hash="-")
        user.memberships.append(Membership(role="admin", service_id=None))
        db.session.add(user)
        db.session.flush()
        lifecycle.create_review(
            db.session,
            user,
            {
                "service": "OAK",
                "title": "Benchmark review",
                "trigger": "incident",
                "occurred_on": "2026-10-01",
                "severity": "low",
                "people_affected": 1,
            },
            date(2026, 11, 23),
        )
        db.session.commit()
    return app


def project_import(data: bytes, name: str, app, kind: str = "care-notes", sheet=None) -> dict:  # type: ignore[no-untyped-def]
    """The whole path, timed from the file's bytes to the commit."""
    from rca.db import db
    from rca.evidence.importer import ImportRequest, run_import
    from rca.evidence.reading import read_table
    from rca.reviews.models import Review

    with app.app_context():
        review = db.session.query(Review).one()
        start, start_cpu = time.perf_counter(), time.process_time()
        table = read_table(data, name, sheet=sheet)
        outcome = run_import(
            db.session, ImportRequest(review=review, kind=kind, table=table, mapping="auto")
        )
        db.session.commit()
        elapsed, cpu = time.perf_counter() - start, time.process_time() - start_cpu
    return {
        "elapsed": elapsed,
        "cpu": cpu,
        "imported": outcome.imported,
        "rejected": len(outcome.rejected),
    }


def vm_hwm_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(csv_path: Path, db_path: Path, profile: bool) -> None:
    app = fresh_database(db_path)
    data = csv_path.read_bytes()
    if profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.001)
        profiler.start()
    result = project_import(data, csv_path.name, app)
    if profile:
        profiler.stop()
        print(profiler.output_text(unicode=False, color=False), file=sys.stderr)
    result["peak_rss_mb"] = vm_hwm_mb()
    print(json.dumps(result))


def bare_import(csv_path: Path, db_path: Path) -> tuple[float, float]:
    """csv.reader + executemany into evidence_row of a freshly migrated database: (wall, CPU)
    seconds."""
    fresh_database(db_path)
    conn = sqlite3.connect(db_path)
    start, start_cpu = time.perf_counter(), time.process_time()
    with open(csv_path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        # The cells as they come: no parsing, checking or hashing (the row index keeps the
        # table's unique content hash satisfied).
        rows = [
            (1, "care-notes", f"{r[0]} {r[1]}", r[4], r[5] == "Y", str(i), "{}", "{}", i + 2)
            for i, r in enumerate(reader)
        ]
    conn.executemany(
        "INSERT INTO evidence_row (review_id, kind, occurred_at, text, concern, "
        "content_hash, fields, cells, row_number, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, CURRENT_TIMESTAMP)",
        rows,
    )
    conn.commit()
    elapsed, cpu = time.perf_counter() - start, time.process_time() - start_cpu
    conn.close()
    return elapsed, cpu


def project_in_child(script: str, path: Path, tmp: Path, profile: bool, rows: int) -> dict:
    """Run the project path in a child process (so its peak RSS is its own) and check it."""
    command = [sys.executable, script, "--child", str(path), str(tmp / "p.db")]
    if profile:
        command.append("--profile")
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    if profile:
        print(done.stderr, file=sys.stderr)
    project = json.loads(done.stdout.strip().splitlines()[-1])
    if project["imported"] != rows:
        raise SystemExit(f"the project imported {project['imported']} of {rows} rows")
    return project


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3, help="turns each (median reported)")
    parser.add_argument("--profile", action="store_true", help="pyinstrument the first turn")
    parser.add_argument("--child", nargs=2, metavar=("CSV", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(Path(args.child[0]), Path(args.child[1]), args.profile)
        return

    from rca.demo.exports import big_care_notes_csv

    projects: list[dict] = []
    baselines: list[tuple[float, float]] = []
    with tempfile.TemporaryDirectory(prefix="rca-bench-import-") as tmp:
        csv_path = big_care_notes_csv(Path(tmp) / "care-notes-carelog.csv", rows=args.rows)
        for turn in range(max(1, args.repeat)):
            for name in ("p.db", "b.db"):
                for suffix in ("", "-wal", "-shm"):
                    Path(tmp, name + suffix).unlink(missing_ok=True)
            profile = args.profile and turn == 0
            projects.append(project_in_child(__file__, csv_path, Path(tmp), profile, args.rows))
            baselines.append(bare_import(csv_path, Path(tmp) / "b.db"))
    elapsed = statistics.median(p["elapsed"] for p in projects)
    cpu = statistics.median(p["cpu"] for p in projects)
    baseline_s = statistics.median(b[0] for b in baselines)
    baseline_cpu = statistics.median(b[1] for b in baselines)
    value = args.rows / elapsed
    baseline = args.rows / baseline_s
    print(
        json.dumps(
            {
                "bench": "import_csv",
                "value": round(value),
                "baseline": round(baseline),
                "ratio": round(value / baseline, 3),
                "goal": GOAL,
                "unit": "rows/s",
                "peak_rss_mb": round(max(p["peak_rss_mb"] for p in projects), 1),
                "peak_rss_goal_mb": RSS_GOAL_MB,
                # Rows per CPU-second of each process: steady on a machine shared with other
                # work, where wall-clock rates swing with the neighbours' load.
                "cpu_value": round(args.rows / cpu),
                "cpu_baseline": round(args.rows / baseline_cpu),
                "cpu_ratio": round(baseline_cpu / cpu, 3),
                "runs": len(projects),
            }
        )
    )


if __name__ == "__main__":
    main()
