"""Triage: how deep a review should go, and why.

The thresholds come from the domain reading: providers apply tiered thresholds, with a formal
(full root-cause) review triggered by serious harm, repeated incidents of the same type,
safeguarding concerns, regulatory notifications, or incidents affecting several people. Anything
else gets a short learning review. Every rule that fires gives its reason in plain English.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rca.reviews.models import Review

#: Same-type reviews in the past 12 months at which a repeat makes a full review necessary.
REPEATS_FOR_FULL_REVIEW = 2
#: People affected at which an event counts as affecting several people.
PEOPLE_FOR_FULL_REVIEW = 2
SERIOUS_HARM = {"severe", "death"}


@dataclass(frozen=True)
class TriageFacts:
    trigger: str
    severity: str
    people_affected: int
    safeguarding: bool
    notified: bool
    repeats_12m: int


@dataclass(frozen=True)
class Recommendation:
    depth: str
    reasons: list[str]


def recommend_depth(facts: TriageFacts) -> Recommendation:
    reasons: list[str] = []
    if facts.severity in SERIOUS_HARM:
        harm = "a death" if facts.severity == "death" else "severe harm"
        reasons.append(f"Serious harm: the event resulted in {harm}.")
    if facts.safeguarding or facts.trigger == "safeguarding-concern":
        reasons.append("A safeguarding concern was raised.")
    if facts.notified:
        reasons.append("It was notified to the CQC or the local authority.")
    if facts.trigger == "pattern":
        reasons.append("It is a pattern of similar incidents, not a single event.")
    if facts.repeats_12m >= REPEATS_FOR_FULL_REVIEW:
        reasons.append(
            f"Repeated: {facts.repeats_12m} earlier reviews of the same type at this service "
            f"in the last 12 months (threshold {REPEATS_FOR_FULL_REVIEW})."
        )
    if facts.people_affected >= PEOPLE_FOR_FULL_REVIEW:
        reasons.append(f"Several people were affected ({facts.people_affected}).")
    if reasons:
        return Recommendation("full-rca", reasons)
    repeats = "no earlier review" if facts.repeats_12m == 0 else "one earlier review"
    return Recommendation(
        "learning-review",
        [
            "No threshold for a full review is met: harm was below severe, one person was "
            "affected, no safeguarding concern, not notified to a regulator, and "
            f"{repeats} of the same type in the last 12 months."
        ],
    )


def count_repeats(
    session: Session,
    service_id: int,
    trigger: str,
    occurred_on: date,
    exclude_review_id: int | None = None,
) -> int:
    """Earlier reviews of the same trigger at the service in the 12 months before the event."""
    stmt = select(func.count(Review.id)).where(
        Review.service_id == service_id,
        Review.trigger == trigger,
        Review.occurred_on < occurred_on,
        Review.occurred_on >= occurred_on - timedelta(days=365),
    )
    if exclude_review_id is not None:
        stmt = stmt.where(Review.id != exclude_review_id)
    return session.scalar(stmt) or 0
