"""Server time of timeline pane interactions on a review with 2,000 events, in a database of
1,000 reviews, against a bare Flask app's trivial request in the same run.

Builds the benchmark database of bench/dataset.py (1,000 reviews), adds a busy timeline
(rca.timeline.sample: about 2,000 evidence rows over eight weeks) to one review in analysis,
signs in as the admin and times, through the Flask test client (in-process, the app's own work):

- timeline_filter: the pane filtered by text (htmx request, as the filter form sends it);
- timeline_zoom: the pane zoomed to a week (htmx request);
- timeline_annotate: adding an assumption (POST, then the redirected pane as htmx swaps it).

    .venv/bin/python bench/timeline_pane.py [--iterations 40] [--profile] [--cold]

Four JSON lines (the signed-in floor first, as in pages.py); goal: ratio <= 5.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parent))

import dataset  # noqa: E402
from pages import (  # noqa: E402
    bare_app,
    checked,
    medians_ms,
    report,
    signed_in_client,
    signed_in_floor_app,
)

from rca.db import db  # noqa: E402
from rca.evidence.models import EvidenceRow  # noqa: E402
from rca.reviews.models import Review  # noqa: E402
from rca.timeline import cache  # noqa: E402

HTMX = {"HX-Request": "true"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=40)
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--profile", action="store_true", help="pyinstrument each (stderr)")
    parser.add_argument(
        "--cold",
        action="store_true",
        help="empty the built-timeline cache before every request (the first view after a change)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="rca-bench-") as tmp:
        app = dataset.build(Path(tmp) / "bench.sqlite3")
        review_id = dataset.filled_review(app, total=args.events, days=70)
        with app.app_context():
            review = db.session.get(Review, review_id)
            rows = db.session.scalar(select(func.count()).where(EvidenceRow.review_id == review_id))
            week = review.period_start.isoformat()
        client = signed_in_client(app, dataset.ADMIN)
        base = f"/reviews/{review_id}/timeline"
        token = _csrf(client, base)

        def annotate() -> object:
            response = client.post(  # type: ignore[attr-defined]
                f"/reviews/{review_id}/timeline/annotations",
                data={"kind": "note", "basis": "assumption", "text": "Night staff not told",
                      "state": f"window=week&at={week}", "csrf_token": token},
                headers=HTMX, follow_redirects=True,
            )  # fmt: skip
            if response.status_code != 200:
                raise SystemExit(f"annotate answered {response.status_code}")
            return response

        interactions = {
            "timeline_filter": _htmx(client, f"{base}?q=medication"),
            "timeline_zoom": _htmx(client, f"{base}?window=week&at={week}"),
            "timeline_annotate": annotate,
        }
        if args.cold:
            interactions = {f"{k}_cold": _cold(get) for k, get in interactions.items()}
        base_client = bare_app().test_client()
        _, floor_get = signed_in_floor_app(Path(tmp) / "floor.sqlite3")
        baseline = medians_ms(checked(base_client, "/"), 500)
        results = {name: medians_ms(get, args.iterations) for name, get in interactions.items()}
        floor = medians_ms(floor_get, 500)
        if args.profile:
            _profile(interactions)
        again = medians_ms(checked(base_client, "/"), 500)
        baseline = (min(baseline[0], again[0]), min(baseline[1], again[1]))
    print(f"review {review_id}: {rows} evidence rows", file=sys.stderr)
    report(results, baseline, floor)


def _profile(interactions: dict[str, object]) -> None:
    from pyinstrument import Profiler

    for name, get in interactions.items():
        profiler = Profiler(interval=0.0005)
        profiler.start()
        for _ in range(10):
            get()  # type: ignore[operator]
        profiler.stop()
        print(f"--- {name} (10 requests)", file=sys.stderr)
        print(profiler.output_text(unicode=False, color=False), file=sys.stderr)


def _cold(get):  # type: ignore[no-untyped-def]
    def cold() -> object:
        cache.clear()
        return get()

    return cold


def _htmx(client: object, url: str):  # type: ignore[no-untyped-def]
    """A GET as the pane's links and filter form send it (htmx: only the workspace block)."""

    def get() -> object:
        response = client.get(url, headers=HTMX)  # type: ignore[attr-defined]
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        return response

    return get


def _csrf(client: object, url: str) -> str:
    import re

    page = client.get(url).text  # type: ignore[attr-defined]
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, "no CSRF token on the timeline pane"
    return match.group(1)


if __name__ == "__main__":
    main()
