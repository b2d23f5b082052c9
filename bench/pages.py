"""Server time of the review page and the review list, against a bare Flask app's trivial request.

Builds a fresh SQLite database with 1,000 reviews in a temporary directory, signs in through the
real login form, then times requests through the Flask test client (in-process, so no network or
server is measured: only the app's own work). The baseline is a bare Flask app's trivial view timed
the same way in the same run, so the ratio holds across machines.

    .venv/bin/python bench/pages.py [--iterations 500] [--profile]

Prints one JSON line per measure (review_page, review_list); goal: ratio <= 5.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from flask import Flask

sys.path.insert(0, str(Path(__file__).resolve().parent))

import dataset  # noqa: E402

GOAL = 5.0
WARMUP = 50


def bare_app() -> Flask:
    app = Flask("bare")

    @app.get("/")
    def index() -> str:
        return "<!doctype html><title>Hello</title><p>Hello, world.</p>"

    return app


def median_ms(get: Callable[[], object], iterations: int) -> float:
    for _ in range(WARMUP):
        get()
    times = []
    for _ in range(iterations):
        start = time.perf_counter()
        get()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def signed_in_client(app: Flask, email: str) -> object:
    client = app.test_client()
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token, "no CSRF token on the login page"
    response = client.post(
        "/login",
        data={"email": email, "password": dataset.PASSWORD, "csrf_token": token[1]},
    )
    assert response.status_code == 302, response.status_code
    return client


def checked(client: object, url: str) -> Callable[[], object]:
    def get() -> object:
        response = client.get(url)  # type: ignore[attr-defined]
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        return response

    return get


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=500)
    parser.add_argument("--reviews", type=int, default=1000)
    parser.add_argument("--profile", action="store_true", help="pyinstrument each page too")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="rca-bench-") as tmp:
        app = dataset.build(Path(tmp) / "bench.sqlite3", total=args.reviews)
        review_id = dataset.sample_review_id(app)
        client = signed_in_client(app, dataset.ADMIN)
        pages = {
            "review_page": checked(client, f"/reviews/{review_id}/scope"),
            "review_list": checked(client, "/"),
        }
        base = bare_app().test_client()
        baseline = median_ms(checked(base, "/"), args.iterations)
        results = {name: median_ms(get, args.iterations) for name, get in pages.items()}
        # Measured again after the pages so a drifting machine shows up in the baseline too.
        baseline = min(baseline, median_ms(checked(base, "/"), args.iterations))
        if args.profile:
            profile(pages)
    for name, value in results.items():
        line = {
            "bench": name,
            "value": round(value, 3),
            "baseline": round(baseline, 3),
            "ratio": round(value / baseline, 2),
            "goal": GOAL,
            "unit": "ms",
        }
        print(json.dumps(line))


def profile(pages: dict[str, Callable[[], object]]) -> None:
    from pyinstrument import Profiler

    for name, get in pages.items():
        profiler = Profiler(interval=0.0002)
        profiler.start()
        for _ in range(200):
            get()
        profiler.stop()
        print(f"===== {name} (200 requests) =====", file=sys.stderr)
        print(profiler.output_text(unicode=False, color=False, show_all=False), file=sys.stderr)


if __name__ == "__main__":
    main()
