"""Recurring factors: per factor, the reviews and services citing it, first and last seen, and a
count per quarter (the trend). Two SQL aggregates over the scope's citations; nothing per row in
Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import extract, func, select
from sqlalchemy.orm import Session

from rca.fishbone import vocabulary
from rca.graph.freshness import remembered
from rca.graph.scope import LearningScope, citations, reviews_in


@dataclass(frozen=True)
class RecurringFactor:
    code: str
    label: str
    #: Reviews in scope citing the factor, and the services they are at.
    reviews: int
    services: int
    #: Incident dates of the first and the last of those reviews.
    first_seen: date
    last_seen: date
    #: Reviews citing it per quarter ("2026-Q1"), every quarter of the scope's range (zeros too).
    by_quarter: tuple[tuple[str, int], ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "label": self.label,
            "reviews": self.reviews,
            "services": self.services,
            "first_seen": self.first_seen.isoformat(),
            "last_seen": self.last_seen.isoformat(),
            "by_quarter": dict(self.by_quarter),
        }


@dataclass(frozen=True)
class Coverage:
    """How much the scope holds: the denominators people need to read the figures."""

    reviews: int
    coded_reviews: int
    services: int


def quarter_of(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def quarters_between(first: date, last: date) -> list[str]:
    out = []
    year, q = first.year, (first.month - 1) // 3
    while (year, q) <= (last.year, (last.month - 1) // 3):
        out.append(f"{year}-Q{q + 1}")
        year, q = (year + 1, 0) if q == 3 else (year, q + 1)
    return out


def factor_labels(session: Session) -> dict[str, str]:
    """Every code of the vocabulary (retired ones too: old causes keep them) with its label."""
    return vocabulary.labels(vocabulary.factors(session, include_retired=True))


def recurring_factors(session: Session, scope: LearningScope) -> tuple[RecurringFactor, ...]:
    """Every factor cited in scope, most reviews first (then most services, then code)."""
    return remembered(session, ("recurring", scope.key()), lambda: _recurring(session, scope))


def _recurring(session: Session, scope: LearningScope) -> tuple[RecurringFactor, ...]:
    cited = citations(scope).subquery()
    totals = session.execute(
        select(
            cited.c.factor_code,
            func.count(cited.c.review_id),
            func.count(func.distinct(cited.c.service_id)),
            func.min(cited.c.occurred_on),
            func.max(cited.c.occurred_on),
        ).group_by(cited.c.factor_code)
    ).all()
    if not totals:
        return ()
    year = extract("year", cited.c.occurred_on)
    month = extract("month", cited.c.occurred_on)
    per_month = session.execute(
        select(cited.c.factor_code, year, month, func.count(cited.c.review_id)).group_by(
            cited.c.factor_code, year, month
        )
    ).all()
    first = scope.since or min(row[3] for row in totals)
    last = scope.until or max(row[4] for row in totals)
    quarters = quarters_between(first, last)
    counts: dict[str, dict[str, int]] = {row[0]: dict.fromkeys(quarters, 0) for row in totals}
    for code, y, m, n in per_month:
        key = f"{int(y)}-Q{(int(m) - 1) // 3 + 1}"
        if key in counts[code]:
            counts[code][key] += n
    labels = factor_labels(session)
    factors = [
        RecurringFactor(
            code=code,
            label=labels.get(code, code),
            reviews=reviews,
            services=services,
            first_seen=first_seen,
            last_seen=last_seen,
            by_quarter=tuple(counts[code].items()),
        )
        for code, reviews, services, first_seen, last_seen in totals
    ]
    factors.sort(key=lambda f: (-f.reviews, -f.services, f.code))
    return tuple(factors)


def coverage(session: Session, scope: LearningScope) -> Coverage:
    """Reviews in scope, those citing at least one factor, and their services."""

    def work() -> Coverage:
        cited = citations(scope).subquery()
        total = session.scalar(select(func.count()).select_from(reviews_in(scope).subquery()))
        coded, services = session.execute(
            select(
                func.count(func.distinct(cited.c.review_id)),
                func.count(func.distinct(cited.c.service_id)),
            )
        ).one()
        return Coverage(total or 0, coded or 0, services or 0)

    return remembered(session, ("coverage", scope.key()), work)
