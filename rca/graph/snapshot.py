"""Everything the Learning pane shows for one scope, worked out together.

Small scopes are worked out on the request (each figure cached by the data's generation); a
scope of more than ``INLINE_LIMIT`` reviews is worked out by a background job
(``rca.graph.jobs``), and the pane shows the last result with its date meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rca.db import utcnow
from rca.graph import freshness
from rca.graph.pairs import MIN_REVIEWS, FactorPair, factor_pairs
from rca.graph.recurrence import WINDOW_DAYS, Tally, recurrence_after_closure
from rca.graph.recurring import Coverage, RecurringFactor, coverage, recurring_factors
from rca.graph.scope import LearningScope, reviews_in
from rca.graph.themes import ThemesAnswer, themes

#: Above this many reviews in scope, the pane's figures are worked out by a background job.
INLINE_LIMIT = 20_000
STEPS = ("coverage", "factors", "pairs", "themes", "recurrence")


@dataclass(frozen=True)
class LearningSnapshot:
    generation: str
    computed_at: datetime
    window_days: int
    min_reviews: int
    coverage: Coverage
    factors: tuple[RecurringFactor, ...]
    pairs: tuple[FactorPair, ...]
    themes: ThemesAnswer
    #: Recurrence rolled up (the actions behind it are a drill-down away).
    by_strength: dict[str, Tally]
    by_type: dict[str, Tally]

    @property
    def quarters(self) -> list[str]:
        return [q for q, _ in self.factors[0].by_quarter] if self.factors else []


def reviews_count(session: Session, scope: LearningScope) -> int:
    return session.scalar(select(func.count()).select_from(reviews_in(scope).subquery())) or 0


def build(
    session: Session,
    scope: LearningScope,
    today: date,
    *,
    window_days: int = WINDOW_DAYS,
    min_reviews: int = MIN_REVIEWS,
    progress: Callable[[str, int], None] | None = None,
) -> LearningSnapshot:
    """Every figure of the pane for ``scope``; ``progress(step, number)`` before each step."""
    say = progress or (lambda _step, _n: None)
    generation = freshness.generation(session)
    say(STEPS[0], 0)
    seen = coverage(session, scope)
    say(STEPS[1], 1)
    factors = recurring_factors(session, scope)
    say(STEPS[2], 2)
    pairs = tuple(factor_pairs(session, scope, min_reviews=min_reviews, limit=50))
    say(STEPS[3], 3)
    found = themes(session, scope, min_reviews=min_reviews)
    say(STEPS[4], 4)
    recurrence = recurrence_after_closure(session, scope, today, window_days)
    return LearningSnapshot(
        generation=generation,
        computed_at=utcnow(),
        window_days=window_days,
        min_reviews=min_reviews,
        coverage=seen,
        factors=factors,
        pairs=pairs,
        themes=found,
        by_strength=recurrence.by_strength,
        by_type=recurrence.by_type,
    )
