"""Which evidence files each demo review gets, and the references the demo loader gives them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from rca.demo import stories
from rca.demo.exports import practice, safety
from rca.demo.exports.records import Context
from rca.demo.exports.reviews import D, DemoFile
from rca.demo.exports.writing import Export

#: The demo's reviews in ``stories.REVIEWS`` order, with the period their evidence covers.
STORIES: list[tuple[Callable[[Context], list[DemoFile]], date, date]] = [
    (practice.care_plans_not_updated, D(2025, 12, 1), D(2026, 2, 27)),
    (practice.agency_evenings, D(2026, 4, 1), D(2026, 5, 18)),
    (practice.safeguarding_escalation, D(2026, 5, 1), D(2026, 7, 14)),
    (safety.medication_omissions, D(2026, 6, 1), D(2026, 8, 29)),
    (safety.fall_poor_lighting, D(2026, 8, 24), D(2026, 9, 21)),
    (practice.family_complaint, D(2026, 9, 14), D(2026, 10, 12)),
    (safety.lunchtime_near_miss, D(2026, 10, 12), D(2026, 11, 9)),
    (safety.medication_audit, D(2026, 8, 18), D(2026, 11, 18)),
]


def review_references() -> list[str]:
    """The references the demo loader gives its reviews (numbered per year, in story order)."""
    counts: dict[int, int] = {}
    refs = []
    for spec in stories.REVIEWS:
        year = date.fromisoformat(spec["triage"]["occurred_on"]).year
        counts[year] = counts.get(year, 0) + 1
        refs.append(f"RCA-{year}-{counts[year]:04d}")
    return refs


def demo_exports(seed: int = 2026) -> dict[str, list[Export]]:
    """Every demo review's evidence files, by review reference."""
    out: dict[str, list[Export]] = {}
    for reference, spec, (story, start, end) in zip(
        review_references(), stories.REVIEWS, STORIES, strict=True
    ):
        ctx = Context.of(spec["service"], start, end, seed)
        out[reference] = [f.export(seed) for f in story(ctx)]
    return out
