"""Server time of adding, editing and moving a cause on a 150-cause fishbone, in a database of
1,000 reviews, against a bare Flask app's trivial request in the same run; and the time to draw
the 150-cause fishbone SVG.

Builds the benchmark database of bench/dataset.py (1,000 reviews), gives one review in analysis
300 evidence rows (rca.timeline.sample) and a fishbone of 150 causes (50 on the nine bones, each
with two nested whys, the first cause of each bone linked to two evidence rows), signs in as the
admin and times, through the Flask test client (in-process, the app's own work), each request as
the outline's htmx forms send it, answer (the re-rendered region) included:

- fishbone_add: adding a cause (the cause is then deleted again, untimed, to keep 150);
- fishbone_edit: saving a cause's text with its version;
- fishbone_move: moving a cause up or down among its siblings;
- fishbone_svg: render_fishbone of the 150 causes (the pure function; goal <= 50 ms, baseline:
  joining 150 bare SVG text elements).

    .venv/bin/python bench/fishbone.py [--iterations 40]

Four JSON lines; goal: ratio <= 5 (fishbone_svg: value <= 50 ms).
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

from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parent))

import dataset  # noqa: E402
from pages import GOAL, bare_app, checked, median_ms, signed_in_client  # noqa: E402

from rca.db import db  # noqa: E402
from rca.evidence.models import EvidenceRow  # noqa: E402
from rca.fishbone import causes  # noqa: E402
from rca.fishbone.frameworks import FRAMEWORKS  # noqa: E402
from rca.fishbone.models import Cause  # noqa: E402
from rca.fishbone.settings import framework_for  # noqa: E402
from rca.fishbone.svg import render_fishbone  # noqa: E402
from rca.fishbone.tree import cause_tree  # noqa: E402
from rca.reviews.models import Review  # noqa: E402

HTMX = {"HX-Request": "true", "HX-Target": "fb-region"}
SVG_GOAL_MS = 50.0


def build_fishbone(review: Review) -> list[int]:
    """150 causes: 50 on the bones (round the nine), each with a why and a why of that why."""
    bones = [c.key for c in FRAMEWORKS["care-default"].categories]
    evidence = db.session.scalars(
        select(EvidenceRow.id).where(EvidenceRow.review_id == review.id).limit(20)
    ).all()
    roots = []
    for n in range(50):
        linked = list(evidence[(n % 10) * 2 : (n % 10) * 2 + 2]) if n < 9 else []
        root = causes.add_cause(
            db.session,
            review,
            None,
            {
                "text": f"Cause {n}: agency staff on the evening shift unfamiliar with the MAR "
                "routine and the people's preferences",
                "category": bones[n % len(bones)],
                "evidence_ids": linked,
            },
        )
        why = causes.add_cause(
            db.session,
            review,
            None,
            {
                "text": f"Why {n}.1: induction covers the building, not people's routines",
                "parent_id": root.id,
            },
        )
        causes.add_cause(
            db.session,
            review,
            None,
            {"text": f"Why {n}.2: nobody owns the agency induction checklist", "parent_id": why.id},
        )
        roots.append(root.id)
    db.session.commit()
    return roots


def timed(
    action: Callable[[], object], after: Callable[[], object] | None, iterations: int
) -> float:
    """Median ms of ``action``; ``after`` runs untimed after each (e.g. undoing an add)."""
    for _ in range(5):
        action()
        if after:
            after()
    times = []
    for _ in range(iterations):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
        if after:
            after()
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="rca-bench-") as tmp:
        app = dataset.build(Path(tmp) / "bench.sqlite3")
        review_id = dataset.filled_review(app, total=300, days=30)
        with app.app_context():
            review = db.session.get(Review, review_id)
            roots = build_fishbone(review)
            framework = framework_for(db.session, review)
            tree = cause_tree(db.session, review, framework)
            count = db.session.query(Cause).filter_by(review_id=review_id).count()
        client = signed_in_client(app, dataset.ADMIN)
        page = client.get(f"/reviews/{review_id}/analysis").text  # type: ignore[attr-defined]
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
        base = f"/reviews/{review_id}/causes"
        state = {"edit": 1, "move": 1, "up": True}
        target = roots[10]  # a cause on a bone with five siblings
        mover = roots[19]

        def post(url: str, data: dict[str, object]) -> object:
            response = client.post(url, data={**data, "csrf_token": token}, headers=HTMX)  # type: ignore[attr-defined]
            if response.status_code != 200:
                raise SystemExit(f"{url} answered {response.status_code}: {response.text[:300]}")
            return response

        def add() -> object:
            return post(
                base,
                {
                    "text": "Handover to agency staff at the door",
                    "quick": "1",
                    "category": "communication",
                },
            )

        def undo_add() -> object:  # untimed: keeps the fishbone at 150 causes
            return post(f"{base}/{_newest(app, review_id)}/delete", {"version": 1})

        def edit() -> object:
            response = post(
                f"{base}/{target}", {"version": state["edit"], "text": f"Edited {state['edit']}"}
            )
            state["edit"] += 1
            return response

        def move() -> object:
            direction = "down" if state["up"] else "up"
            response = post(
                f"{base}/{mover}/move", {"version": state["move"], "direction": direction}
            )
            state["up"] = not state["up"]
            state["move"] += 1
            return response

        results = {
            "fishbone_add": timed(add, undo_add, args.iterations),
            "fishbone_edit": timed(edit, None, args.iterations),
            "fishbone_move": timed(move, None, args.iterations),
        }
        base_client = bare_app().test_client()
        baseline = median_ms(checked(base_client, "/"), 500)
        baseline = min(baseline, median_ms(checked(base_client, "/"), 500))
        svg_ms = timed(
            lambda: render_fishbone("Why were doses missed?", framework, tree),
            None,
            max(args.iterations, 50),
        )
        bare_svg = timed(
            lambda: "".join(f'<text x="{i}" y="{i}">Cause {i}</text>' for i in range(150)), None, 50
        )
    print(f"review {review_id}: {count} causes", file=sys.stderr)
    for name, value in results.items():
        _line(name, value, baseline, GOAL)
    print(
        json.dumps(
            {
                "bench": "fishbone_svg",
                "value": round(svg_ms, 3),
                "baseline": round(bare_svg, 3),
                "ratio": round(svg_ms / bare_svg, 2),
                "goal": SVG_GOAL_MS,
                "unit": "ms",
            }
        )
    )


def _newest(app: object, review_id: int) -> int:
    with app.app_context():  # type: ignore[attr-defined]
        return (
            db.session.scalar(
                select(Cause.id)
                .where(Cause.review_id == review_id)
                .order_by(Cause.id.desc())
                .limit(1)
            )
            or 0
        )


def _line(name: str, value: float, baseline: float, goal: float) -> None:
    print(
        json.dumps(
            {
                "bench": name,
                "value": round(value, 3),
                "baseline": round(baseline, 3),
                "ratio": round(value / baseline, 2),
                "goal": goal,
                "unit": "ms",
            }
        )
    )


if __name__ == "__main__":
    main()
