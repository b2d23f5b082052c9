"""The evidence pane's queries on a review with 100,000 rows: the first page, a deep page by OFFSET
(how "page N" of a typed URL is read) and the same page by keyset (how Next and Previous links
read it), and a full-text search.

Imports the 100,000-row care-notes CSV of bench/import_csv.py into a fresh SQLite database, then
times ``rca.evidence.queries.evidence_page`` (count capped at 10,000 plus one page of rows) in the
app, median of repeated runs.

    .venv/bin/python bench/evidence_pages.py [--rows 100000] [--iterations 15]

Four JSON lines, ms. Goal: the deep keyset page within 5x of page 1.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import import_csv  # noqa: E402

GOAL = 5


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--iterations", type=int, default=15)
    args = parser.parse_args()

    from rca.db import db
    from rca.demo.exports import big_care_notes_csv
    from rca.evidence import queries
    from rca.reviews.models import Review

    with tempfile.TemporaryDirectory(prefix="rca-bench-pages-") as tmp:
        csv_path = big_care_notes_csv(Path(tmp) / "care-notes-carelog.csv", rows=args.rows)
        app = import_csv.fresh_database(Path(tmp) / "p.db")
        import_csv.project_import(csv_path.read_bytes(), csv_path.name, app)
        last = -(-args.rows // queries.PER_PAGE)
        with app.app_context():
            review = db.session.query(Review).one()
            before_last = queries.evidence_page(
                db.session, review, queries.EvidenceFilters(page=last - 1)
            )
            cursor = before_last.rows[-1].id
            cases = {
                "evidence_page_1": queries.EvidenceFilters(),
                "evidence_deep_page_offset": queries.EvidenceFilters(page=last),
                "evidence_deep_page_keyset": queries.EvidenceFilters(page=last, after=cursor),
                "evidence_search": queries.EvidenceFilters(q="skin checked"),
            }
            results = {}
            for name, filters in cases.items():
                timings = []
                for _ in range(args.iterations):
                    start = time.perf_counter()
                    page = queries.evidence_page(db.session, review, filters)
                    timings.append((time.perf_counter() - start) * 1000)
                    assert page.rows, name
                results[name] = statistics.median(timings)
            deep = queries.evidence_page(db.session, review, cases["evidence_deep_page_keyset"])
            offset = queries.evidence_page(db.session, review, cases["evidence_deep_page_offset"])
            assert [r.id for r in deep.rows] == [r.id for r in offset.rows], "keyset != offset"
    first = results["evidence_page_1"]
    for name, value in results.items():
        print(
            json.dumps(
                {
                    "bench": name,
                    "value": round(value, 2),
                    "baseline": round(first, 2),
                    "ratio": round(value / first, 2),
                    "goal": GOAL if name == "evidence_deep_page_keyset" else None,
                    "unit": "ms",
                }
            )
        )


if __name__ == "__main__":
    main()
