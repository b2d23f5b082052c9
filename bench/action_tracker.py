"""Server time of the action tracker filtered to overdue, with 10,000 actions over 1,000 reviews,
against a bare Flask app's trivial request.

Builds the benchmark database (``bench/dataset.py``: the demo provider plus reviews made through
the domain functions, 1,000 in all), adds 10,000 actions with review points spread over those
reviews (bulk inserted: the tracker reads them, how they were written does not matter here),
signs in as the governance lead (read-only at every service: the tracker's main user), then
times ``/actions?view=overdue`` through the Flask test client, in-process.

    .venv/bin/python bench/action_tracker.py [--iterations 300] [--actions 10000]

Prints one JSON line; goal: ratio <= 5.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select

sys.path.insert(0, str(Path(__file__).resolve().parent))

import dataset  # noqa: E402
from pages import bare_app, checked, median_ms, signed_in_client  # noqa: E402

from rca.actions.models import ACTION_TYPES, Action, ReviewPoint  # noqa: E402
from rca.db import db  # noqa: E402
from rca.reviews.models import Review  # noqa: E402

GOAL = 5.0
TODAY = date(2026, 12, 1)
OWNERS = [
    "Sarah Mitchell",
    "Amira Hussain",
    "Karen Whitlock",
    "Patrick Nolan",
    "Lucy Evans",
    "Hannah Price",
    "Ellie Robinson",
    "Joanne Price",
    "Kwame Mensah",
    "Grace Adeyemi",
]
TEXTS = [
    "Make the shift lead own care-plan updates after every change in risk",
    "Refresher MAR training for agency staff on evening rounds",
    "Add a shift-start briefing on one-page profiles to the evening rota",
    "Change the visit app so a ticked concern raises an alert to the on-call manager",
    "Put a permanent senior on every shift where the medication lead is agency",
]


def add_actions(app, total: int, seed: int = 7) -> int:  # type: ignore[no-untyped-def]
    rng = random.Random(seed)
    now = datetime.now(UTC)
    with app.app_context():
        review_ids = db.session.scalars(select(Review.id)).all()
        types = list(ACTION_TYPES)
        rows = []
        for i in range(total):
            action_type = rng.choice(types)
            rows.append(
                {
                    "review_id": review_ids[i % len(review_ids)],
                    "text": rng.choice(TEXTS),
                    "kind": ACTION_TYPES[action_type][0],
                    "action_type": action_type,
                    "owner_name": rng.choice(OWNERS),
                    "due": TODAY + timedelta(days=rng.randint(-120, 180)),
                    "measure": "% of identified changes reflected in care plans",
                    "target": "95%",
                    "status": rng.choice(["planned", "in-progress", "in-progress", "done"]),
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                }
            )
        db.session.execute(insert(Action), rows)
        ids = db.session.scalars(select(Action.id)).all()
        points = [
            {"review_id": review_ids[n % len(review_ids)], "action_id": action_id,
             "on": TODAY + timedelta(days=rng.randint(-60, 240)), "created_at": now}
            for n, action_id in enumerate(ids)
        ]  # fmt: skip
        db.session.execute(insert(ReviewPoint), points)
        db.session.commit()
        return len(ids)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=300)
    parser.add_argument("--reviews", type=int, default=1000)
    parser.add_argument("--actions", type=int, default=10_000)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="rca-bench-") as tmp:
        app = dataset.build(Path(tmp) / "bench.sqlite3", total=args.reviews)
        count = add_actions(app, args.actions)
        client = signed_in_client(app, "margaret.doyle@hollybrook.example")
        tracker = checked(client, "/actions?view=overdue")
        base = bare_app().test_client()
        baseline = median_ms(checked(base, "/"), args.iterations)
        value = median_ms(tracker, args.iterations)
        baseline = min(baseline, median_ms(checked(base, "/"), args.iterations))
    line = {
        "bench": "action_tracker_overdue",
        "value": round(value, 3),
        "baseline": round(baseline, 3),
        "ratio": round(value / baseline, 2),
        "goal": GOAL,
        "unit": "ms",
        "actions": count,
        "reviews": args.reviews,
    }
    print(json.dumps(line))


if __name__ == "__main__":
    main()
