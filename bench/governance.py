"""The governance dashboard, its charts and the quality-meeting pack on the learning bench's
provider (issue 16, Speed).

Builds the learning bench's provider (``bench/learning_data.py``: 200 services, 10,000 reviews
by default) in a fresh SQLite database, then makes it look like a provider mid-year: one review
in twenty open at some stage, owners on the in-progress actions (most of them overdue), 20,000
incident-log rows, 600 effectiveness checks and 300 briefings. Then:

- ``dashboard_page``: server time of ``/learning/dashboard`` for the whole provider (in-process,
  the Flask test client, signed in as an admin; the learning figures warm, as the second reader
  after a change finds them), paired with the signed-in floor of ``bench/pages.py``; goal <= 3x;
- ``chart_<name>``: each chart's SVG drawn cold (the chart memo emptied), median ms; goal
  <= 20 ms; the baseline is vl-convert drawing a one-bar chart, the least any chart costs;
- ``near_miss_page``: server time of ``/learning/patterns`` over the 20,000 incident rows,
  paired with the same floor; reported, no goal set by the issue;
- ``quality_pack_pdf``: the whole pack (figures read, charts drawn, HTML rendered, PDF laid
  out) against bare WeasyPrint of the same HTML with the same print CSS; goal <= 1.15x.

    .venv/bin/python bench/governance.py [--reviews 10000] [--iterations 200]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import insert, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent))

import dataset  # noqa: E402
import learning_data  # noqa: E402
import pages  # noqa: E402

from rca import create_app  # noqa: E402
from rca.accounts.models import Membership, User  # noqa: E402
from rca.accounts.passwords import hash_password  # noqa: E402
from rca.actions.monitoring_models import Dissemination, EffectivenessCheck  # noqa: E402
from rca.db import db  # noqa: E402
from rca.evidence.models import EvidenceRow  # noqa: E402
from rca.governance import charts, dashboard_charts, meeting_pack  # noqa: E402
from rca.governance.dashboard import dashboard  # noqa: E402
from rca.graph import freshness  # noqa: E402
from rca.graph.scope import LearningScope  # noqa: E402
from rca.reviews.models import Review  # noqa: E402

TODAY = date.today()
EMAIL = "governance@bench.example"
OPEN_STAGES = ("triage", "scope", "evidence", "analysis", "actions", "report", "monitoring")


def line(name: str, value: float, baseline: float, goal: float | None, unit: str, **extra) -> None:
    out = {
        "bench": name,
        "value": round(value, 2),
        "baseline": round(baseline, 2),
        "ratio": round(value / baseline, 3) if baseline else None,
        "goal": goal,
        "unit": unit,
        **extra,
    }
    print(json.dumps(out), flush=True)


def mid_year(session, reviews: int, rng: random.Random) -> None:
    """Open reviews, named owners, incidents, checks and briefings on the generated provider."""
    ids = list(session.scalars(select(Review.id)))
    for rid in rng.sample(ids, len(ids) // 20):
        opened = f"{TODAY - timedelta(days=rng.randint(1, 200))} 09:00:00"
        session.execute(
            text("UPDATE review SET stage = :s, created_at = :c WHERE id = :id"),
            {"s": rng.choice(OPEN_STAGES), "c": opened, "id": rid},
        )
    owners = [f"Owner {n:02d}" for n in range(40)]
    session.execute(
        text("UPDATE action SET owner_name = :o WHERE status = 'in-progress' AND id % 40 = :n"),
        [{"o": owner, "n": n} for n, owner in enumerate(owners)],
    )
    rows = []
    for n in range(20_000):
        rid = rng.choice(ids)
        day = TODAY - timedelta(days=rng.randint(0, 400))
        rows.append({"review_id": rid, "kind": "incidents", "occurred_on": day,
                     "content_hash": f"{n:064x}", "fields": {"category": "Fall"}, "text": "Fall",
                     "concern": False, "cells": {}})  # fmt: skip
    session.execute(insert(EvidenceRow), rows)
    for _ in range(600):
        end = TODAY - timedelta(days=rng.randint(0, 330))
        met = rng.random() < 0.6
        session.add(
            EffectivenessCheck(
                review_id=rng.choice(ids),
                numerator=8 if met else 4,
                denominator=10,
                period_start=end - timedelta(days=30),
                period_end=end,
                source="audit",
                result_percent=80 if met else 40,
                target_percent=75,
                target_met=met,
                verdict=rng.choice(["embedded", "improving", "not-embedded"]),
            )  # fmt: skip
        )
    for _ in range(300):
        session.add(
            Dissemination(
                review_id=rng.choice(ids),
                on=TODAY - timedelta(days=rng.randint(0, 330)),
                method="team-meeting",
                understanding_checked=rng.random() < 0.5,
            )  # fmt: skip
        )
    user = User(email=EMAIL, name="Bench Governance", password_hash=hash_password(dataset.PASSWORD))
    user.memberships.append(Membership(role="admin", service_id=None))
    session.add(user)
    freshness.bump(session)
    session.commit()
    session.execute(text("ANALYZE"))
    session.commit()


def median_ms(work, iterations: int) -> float:
    times = []
    for _ in range(iterations):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reviews", type=int, default=10_000)
    parser.add_argument("--iterations", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'governance.sqlite3'}"
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench-secret-key-not-for-production"})
        with app.app_context():
            upgrade(directory=app.root_path + "/migrations")
            started = time.perf_counter()
            learning_data.generate(db.session, args.reviews)
            mid_year(db.session, args.reviews, random.Random(16))
            print(json.dumps({"bench": "generate", "value": round(time.perf_counter() - started, 1),
                              "unit": "s", "reviews": args.reviews}), flush=True)  # fmt: skip

        client = pages.signed_in_client(app, EMAIL)
        get = pages.checked(client, "/learning/dashboard")
        for _ in range(3):  # the learning figures and the charts are remembered after the first
            get()
        _, floor_get = pages.signed_in_floor_app(Path(tmp) / "floor.sqlite3")
        page, floor = pages.paired_medians(get, floor_get, args.iterations)
        statements = pages.statements_per_request(app, get)
        cpu = {"cpu_ms": round(page[1], 2), "baseline_cpu_ms": round(floor[1], 2)}
        line("dashboard_page", page[0], floor[0], pages.PAGE_GOAL, "ms", statements=statements,
             reviews=args.reviews, **cpu)  # fmt: skip

        # The near-miss patterns page reads every incident row of the services it covers.
        patterns_get = pages.checked(client, "/learning/patterns")
        patterns_get()
        page, floor = pages.paired_medians(patterns_get, floor_get, max(10, args.iterations // 10))
        line("near_miss_page", page[0], floor[0], None, "ms", incident_rows=20_000,
             statements=pages.statements_per_request(app, patterns_get))  # fmt: skip

        with app.app_context():
            scope = LearningScope(None)
            board = dashboard(db.session, scope, TODAY)
            one_bar = {"data": {"values": [{"x": 1}]}, "mark": "bar",
                       "encoding": {"x": {"field": "x", "type": "quantitative"}}}  # fmt: skip
            charts.vl_convert.vegalite_to_svg(one_bar)  # the engine's start, paid once
            bare = median_ms(lambda: charts.vl_convert.vegalite_to_svg(one_bar), 30)
            for name, draw in dashboard_charts.DRAWN.items():

                def cold(draw=draw):
                    charts._svg.cache_clear()
                    assert draw(board) is not None

                ms = median_ms(cold, 30)
                line(f"chart_{name}", ms, bare, None, "ms", goal_ms=20.0,
                     bytes=len(draw(board) or ""))  # fmt: skip

            from rca.reports.pdf import html_to_pdf

            def whole() -> bytes:  # issued cold: nothing remembered from the page
                charts._svg.cache_clear()
                freshness.FIGURES.clear()
                pack = meeting_pack.content(db.session, scope, TODAY)
                return meeting_pack.render_pack(
                    pack, provider="Bench", today=TODAY, status="issued"
                )

            pack = meeting_pack.content(db.session, scope, TODAY)
            html = meeting_pack.pack_html(pack, provider="Bench", today=TODAY, status="issued")
            issued = meeting_pack.render_pack(pack, provider="Bench", today=TODAY, status="issued")
            baseline = median_ms(lambda: html_to_pdf(html), 5)
            warm = median_ms(
                lambda: meeting_pack.render_pack(
                    pack, provider="Bench", today=TODAY, status="issued"
                ),
                5,
            )
            line("quality_pack_pdf", warm, baseline, 1.15, "ms", bytes=len(issued))
            # The same with every figure worked out again (themes, recurrence, inspection tags):
            # what the first pack after a change costs. No goal: the learning bench owns those.
            line("quality_pack_cold", median_ms(whole, 3), baseline, None, "ms")


if __name__ == "__main__":
    main()
