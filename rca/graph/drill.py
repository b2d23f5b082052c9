"""The reviews and actions behind a figure: what a click on a number opens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rca.fishbone.models import Cause
from rca.graph.recurrence import ActionOutcome, recurrence_after_closure
from rca.graph.scope import LearningScope, citations
from rca.provider.models import Service
from rca.reviews.models import STAGES, Review

#: Rows a drill-down lists (the count above it says how many there are in all).
SHOWN = 200


@dataclass(frozen=True)
class ReviewRow:
    review_id: int
    reference: str
    title: str
    service_name: str
    occurred_on: date
    stage: str
    #: Which of the asked factors it cites.
    cites: tuple[str, ...]

    @property
    def stage_label(self) -> str:
        return STAGES.get(self.stage, self.stage)


def reviews_citing(
    session: Session, scope: LearningScope, codes: list[str], at_least: int = 1
) -> tuple[int, list[ReviewRow]]:
    """(How many, the newest ``SHOWN``) reviews in scope citing at least ``at_least`` of
    ``codes``, newest incident first."""
    hits = citations(scope).where(Cause.factor_code.in_(codes)).subquery()
    matching = (
        select(hits.c.review_id)
        .group_by(hits.c.review_id)
        .having(func.count() >= at_least)
        .subquery()
    )
    total = session.scalar(select(func.count()).select_from(matching)) or 0
    rows = session.execute(
        select(
            Review.id,
            Review.reference,
            Review.title,
            Service.name,
            Review.occurred_on,
            Review.stage,
        )
        .join(Service, Service.id == Review.service_id)
        .where(Review.id.in_(select(matching.c.review_id)))
        .order_by(Review.occurred_on.desc(), Review.id.desc())
        .limit(SHOWN)
    ).all()
    ids = [r[0] for r in rows]
    cites: dict[int, list[str]] = {i: [] for i in ids}
    for rid, code in session.execute(
        select(hits.c.review_id, hits.c.factor_code).where(hits.c.review_id.in_(ids))
    ):
        cites[rid].append(code)
    return total, [ReviewRow(*row, tuple(sorted(cites[row[0]]))) for row in rows]


def actions_behind(
    session: Session,
    scope: LearningScope,
    today: date,
    window_days: int,
    *,
    strength: str | None = None,
    action_type: str | None = None,
    followed: bool | None = None,
) -> tuple[int, list[ActionOutcome]]:
    """The done actions behind a recurrence figure, newest done first."""
    answer = recurrence_after_closure(session, scope, today, window_days)
    chosen = [
        a
        for a in answer.actions
        if (strength is None or a.strength == strength)
        and (action_type is None or a.action_type == action_type)
        and (followed is None or bool(a.recurrences) == followed)
    ]
    return len(chosen), chosen[:SHOWN]
