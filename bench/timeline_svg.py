"""Server time of the timeline SVG for 2,000 events, against building 2,000 bare <rect> strings.

Pure: no database, no app. The events spread over eight weeks and seven lanes with a rota band
and delay brackets, as a busy review would have.

    .venv/bin/python bench/timeline_svg.py [--events 2000] [--iterations 50]

One JSON line; goal: value <= 100 ms.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from datetime import UTC, date, datetime, timedelta

from rca.timeline.chronology import LANES, Event, Shift
from rca.timeline.delays import Delay
from rca.timeline.svg import Picture, render_svg

GOAL_MS = 100.0
START = datetime(2026, 9, 1, 23, tzinfo=UTC)
DAYS = 56


def data(n: int) -> Picture:
    lanes = list(LANES)
    step = timedelta(days=DAYS) / n
    events = [
        Event(
            id=i, at=START + step * i, lane=lanes[i % 7], kind="care-notes", staff_id=i % 9,
            staff=f"Staff {i % 9}", person_id=i % 6, person_ref=f"P-{i % 6}",
            person_label=f"Person {'ABCDEF'[i % 6]}", text=f"Entry {i}: personal care given <ok>",
            concern=i % 40 == 0, file="notes.csv", row=i, types=frozenset(), marks=frozenset(),
            fields={},
        )
        for i in range(n)
    ]  # fmt: skip
    shifts = [
        Shift(k, f"Staff {k}", START + timedelta(hours=12 * h),
              START + timedelta(hours=12 * h + 12), "agency" if k == 0 else "permanent", None)
        for h in range(DAYS * 2) for k in range(3)
    ]  # fmt: skip
    concerns = [e for e in events if e.concern]
    delays = [
        Delay("Concern reviewed within 1 working day", 1, a, b, 2, date(2026, 9, 2), True)
        for a, b in zip(concerns, concerns[1:], strict=False)
    ]
    return Picture(
        start=START, end=START + timedelta(days=DAYS), lanes=list(LANES.items()), events=events,
        shifts=shifts, uninducted={0}, delays=delays, event_href=lambda i: f"?event={i}",
        detail_href=lambda i: f"/reviews/1/timeline/events/{i}",
        zoom_href=lambda d: f"?window=day&at={d}",
    )  # fmt: skip


def bare(n: int) -> str:
    return "".join(f'<rect x="{i % 1000}" y="{i % 300}" width="4" height="4"/>' for i in range(n))


def median_ms(fn, iterations: int) -> float:  # type: ignore[no-untyped-def]
    fn()
    times = []
    for _ in range(iterations):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--iterations", type=int, default=50)
    args = parser.parse_args()
    picture = data(args.events)
    value = median_ms(lambda: render_svg(picture), args.iterations)
    baseline = median_ms(lambda: bare(args.events), args.iterations)
    print(
        json.dumps(
            {
                "bench": "timeline_svg",
                "value": round(value, 3),
                "baseline": round(baseline, 3),
                "ratio": round(value / baseline, 2),
                "goal": GOAL_MS,
                "unit": "ms",
            }
        )
    )


if __name__ == "__main__":
    main()
