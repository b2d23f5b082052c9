"""The learning figures on a big provider (issue 15, Speed), against bare SQL, per database.

Generates a provider (``bench/learning_data.py``: 200 services, ~5 coded factors per review from a
60-factor vocabulary with a skew, 3 actions per review) in a fresh database, then times each
figure cold (every cache emptied first: what the first reader after a change waits) over the whole
provider and over one service, as the median of ``--iterations`` runs:

- ``recurring_factors``, ``factor_pairs``, ``recurrence``: goal <= 50 ms at 100k reviews; the
  baseline is a bare SQL count of reviews per factor over the same rows, so the ratio says what
  the figure costs beyond reading its data once; each is measured again with the learning
  indexes dropped (``*_no_index``) to show what the indexes do;
- ``similar_reviews``: goal <= 50 ms and <= 1.5x a bare SQL statement computing the same
  rarity-weighted overlap (best 5) in one go;
- ``themes_cold`` (goal <= 1 s at 10k) and ``themes_warm`` (cached by the data's generation,
  goal <= 50 ms).

    .venv/bin/python bench/learning.py --reviews 10000 [--reviews 100000] [--iterations 5]
    .venv/bin/python bench/learning.py --reviews 10000 --postgresql URL

``--postgresql`` takes the URL of a database whose name contains "bench": its tables are dropped
and made again. One JSON line per figure: {"bench", "value", "baseline", "ratio", "goal", "unit"}
plus ``database``, ``reviews`` and ``cpu_ms``; ``goal`` is the ratio goal where the issue sets one,
``goal_ms`` the time goal.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask_migrate import upgrade
from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parent))

import learning_data  # noqa: E402

from rca import create_app  # noqa: E402
from rca.db import db  # noqa: E402
from rca.graph import freshness, similar  # noqa: E402
from rca.graph.models import LearningState  # noqa: E402
from rca.graph.pairs import factor_pairs  # noqa: E402
from rca.graph.recurrence import recurrence_after_closure  # noqa: E402
from rca.graph.recurring import recurring_factors  # noqa: E402
from rca.graph.scope import LearningScope  # noqa: E402
from rca.graph.similar import similar_reviews  # noqa: E402
from rca.graph.themes import themes  # noqa: E402
from rca.reviews.models import Review  # noqa: E402

TODAY = learning_data.TODAY
INDEXES = {
    "ix_cause_review_factor": "cause (review_id, factor_code, status, conclusion)",
    "ix_cause_factor_review": "cause (factor_code, review_id, status, conclusion)",
    "ix_review_service_occurred": "review (service_id, occurred_on)",
    "ix_review_occurred_service": "review (occurred_on, service_id)",
    "ix_action_done": "action (status, completed_on, review_id)",
}
COUNTED = (
    "c.factor_code IS NOT NULL AND c.status <> 'ruled-out' "
    "AND (c.status = 'supported' OR c.conclusion IN ('root', 'contributory'))"
)
# The bare statements: fixed text, the only parameters bound.
BARE_COUNT = f"""
SELECT c.factor_code, COUNT(DISTINCT c.review_id) FROM cause c JOIN review r ON r.id = c.review_id
WHERE {COUNTED} {{where}} GROUP BY c.factor_code
"""  # noqa: S608
BARE_SIMILAR = f"""
WITH own AS (SELECT DISTINCT c.factor_code FROM cause c WHERE c.review_id = :rid AND {COUNTED}),
df AS (SELECT c.factor_code, COUNT(DISTINCT c.review_id) AS n FROM cause c
       WHERE c.factor_code IN (SELECT factor_code FROM own) AND {COUNTED} GROUP BY c.factor_code),
total AS (SELECT COUNT(*) AS n FROM review),
hits AS (SELECT DISTINCT c.review_id, c.factor_code FROM cause c
         WHERE c.factor_code IN (SELECT factor_code FROM own) AND {COUNTED} AND c.review_id <> :rid)
SELECT h.review_id, SUM(LN(1.0 + total.n * 1.0 / df.n)) AS score
FROM hits h JOIN df ON df.factor_code = h.factor_code CROSS JOIN total
GROUP BY h.review_id ORDER BY score DESC, h.review_id DESC LIMIT 5
"""  # noqa: S608


def timed(work: Callable[[], object], iterations: int, cold: bool = True) -> tuple[float, float]:
    """Median wall and CPU ms of ``work``; ``cold`` empties the learning caches before each."""
    walls, cpus = [], []
    for _ in range(iterations):
        if cold:
            freshness.FIGURES.clear()
            similar.PANELS.clear()
        w, c = time.perf_counter(), time.process_time()
        work()
        walls.append((time.perf_counter() - w) * 1000)
        cpus.append((time.process_time() - c) * 1000)
    return statistics.median(walls), statistics.median(cpus)


def line(name: str, value: tuple[float, float], baseline: float, **extra: Any) -> None:
    out = {
        "bench": name,
        "value": round(value[0], 2),
        "baseline": round(baseline, 2),
        "ratio": round(value[0] / baseline, 2) if baseline else None,
        "goal": extra.pop("goal", None),
        "unit": "ms",
        "cpu_ms": round(value[1], 2),
        **extra,
    }
    print(json.dumps(out), flush=True)


def _indexes(drop: bool) -> None:
    for name, on in INDEXES.items():
        sql = f"DROP INDEX IF EXISTS {name}" if drop else f"CREATE INDEX {name} ON {on}"
        db.session.execute(text(sql))
    db.session.commit()
    db.session.execute(text("ANALYZE"))
    db.session.commit()


def run(url: str, database: str, reviews: int, iterations: int) -> None:
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench-secret-key-not-for-production"})
    with app.app_context():
        if database == "postgresql":
            db.session.execute(text("DROP SCHEMA public CASCADE"))
            db.session.execute(text("CREATE SCHEMA public"))
            db.session.commit()
        upgrade(directory=app.root_path + "/migrations")
        started = time.perf_counter()
        made = learning_data.generate(db.session, reviews)
        freshness.bump(db.session)
        db.session.commit()
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        common = {"database": database, "reviews": reviews}
        print(json.dumps({"bench": "generate", "value": round(time.perf_counter() - started, 1),
                          "unit": "s", **common}), flush=True)  # fmt: skip
        everyone = LearningScope(None)
        one = LearningScope(frozenset([made["service_ids"][0]]))
        review = db.session.get(Review, made["sample_review_id"])
        assert review is not None and db.session.get(LearningState, 1) is not None
        session = db.session

        def bare(scope: LearningScope) -> Callable[[], object]:
            where = "" if scope.service_ids is None else "AND r.service_id = :sid"
            params = {} if scope.service_ids is None else {"sid": min(scope.service_ids)}
            sql = text(BARE_COUNT.format(where=where))
            return lambda: session.execute(sql, params).all()

        def figures(suffix: str) -> None:
            for label, scope in (("provider", everyone), ("service", one)):
                base = timed(bare(scope), iterations)[0]
                for name, work in (
                    ("recurring_factors", lambda s=scope: recurring_factors(session, s)),
                    ("factor_pairs", lambda s=scope: factor_pairs(session, s)),
                    ("recurrence", lambda s=scope: recurrence_after_closure(session, s, TODAY)),
                ):
                    line(f"{name}{suffix}", timed(work, iterations), base, scope=label,
                         goal_ms=50, **common)  # fmt: skip

        figures("")
        base = timed(lambda: session.execute(text(BARE_SIMILAR), {"rid": review.id}).all(),
                     iterations)[0]  # fmt: skip
        got = timed(lambda: similar_reviews(session, review, everyone), iterations)
        line("similar_reviews", got, base, goal=1.5, goal_ms=50, scope="provider", **common)
        got = timed(lambda: similar.similar_panel(session, review, everyone), iterations, False)
        line("similar_panel_warm", got, base, scope="provider", **common)
        base = timed(bare(everyone), iterations)[0]
        cold = timed(lambda: themes(session, everyone), max(1, iterations // 2))
        line("themes_cold", cold, base, goal_ms=1000, scope="provider", **common)
        warm = timed(lambda: themes(session, everyone), iterations, cold=False)
        line("themes_warm", warm, base, goal_ms=50, scope="provider", **common)
        _indexes(drop=True)
        figures("_no_index")
        base = timed(lambda: session.execute(text(BARE_SIMILAR), {"rid": review.id}).all(),
                     iterations)[0]  # fmt: skip
        got = timed(lambda: similar_reviews(session, review, everyone), iterations)
        line("similar_reviews_no_index", got, base, scope="provider", **common)
        _indexes(drop=False)
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reviews", type=int, action="append", help="default: 10000")
    parser.add_argument("--iterations", type=int, default=5)
    parser.add_argument("--postgresql", help="URL of a database to wipe (its name has 'bench')")
    parser.add_argument("--no-sqlite", action="store_true")
    args = parser.parse_args()
    if args.postgresql and "bench" not in args.postgresql.rsplit("/", 1)[-1]:
        parser.error("--postgresql: the database's name must contain 'bench' (it is wiped)")
    for reviews in args.reviews or [10_000]:
        if not args.no_sqlite:
            with tempfile.TemporaryDirectory() as tmp:
                run(f"sqlite:///{tmp}/learning.db", "sqlite", reviews, args.iterations)
        if args.postgresql:
            run(args.postgresql, "postgresql", reviews, args.iterations)


if __name__ == "__main__":
    main()
