"""Similar reviews: at most 5 other reviews sharing a review's coded factors, rare factors
weighing most.

A factor every review cites says little about whether two reviews are alike; one cited in 3 of
400 says a lot. Each shared factor weighs its inverse document frequency,

    weight(f) = ln(1 + N / reviews citing f)

with N the reviews the reader may see, and a review's score is the sum of the weights of the
factors it shares. Counting happens over the reviews the reader may open only, so neither the
list nor the weights (nor the "cited in 4 of 120 reviews" of the one-line why) say anything
about reviews at other services.

Three SQL statements do the work (the review's own factors; each factor's reviews and N; the
weighted overlap grouped by review, best 5); three more fetch what the panel shows of those 5.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, func, literal, select
from sqlalchemy.orm import Session

from rca.actions.models import Action
from rca.actions.monitoring_models import VERDICTS, EffectivenessCheck
from rca.fishbone.models import Cause
from rca.graph.freshness import FigureCache, remembered
from rca.graph.recurring import factor_labels
from rca.graph.scope import LearningScope, counted
from rca.provider.models import Service
from rca.reviews.heading import ReviewHeading
from rca.reviews.models import Review

LIMIT = 5
#: Panels the process keeps: one per (review, reader's services), apart from the figures' cache
#: so a morning of open reviews does not push out the Learning page's snapshots.
PANELS = FigureCache(1024)


@dataclass(frozen=True)
class SimilarReview(ReviewHeading):
    score: float
    #: Shared codes, rarest first, with their labels.
    shared_factors: tuple[str, ...]
    shared_labels: tuple[str, ...]
    why: str
    #: Its actions, those done, and the latest effectiveness verdict (None: not checked yet).
    actions: int
    actions_done: int
    verdict: str | None

    @property
    def review_id(self) -> int:
        return self.id

    @property
    def verdict_label(self) -> str | None:
        return VERDICTS.get(self.verdict) if self.verdict else None

    def to_json(self) -> dict[str, Any]:
        return {
            "review_id": self.review_id,
            "reference": self.reference,
            "service": self.service,
            "score": round(self.score, 4),
            "shared_factors": list(self.shared_factors),
            "why": self.why,
        }


def own_factors(session: Session, review_id: int) -> list[str]:
    return list(
        session.scalars(
            select(Cause.factor_code)
            .where(Cause.review_id == review_id, counted())
            .distinct()
            .order_by(Cause.factor_code)
        )
    )


def _with_scope(stmt: Any, scope: LearningScope) -> Any:
    """Join the review only when the scope filters on it (a reader who sees every service)."""
    where = scope.where()
    return stmt.join(Review, Review.id == Cause.review_id).where(*where) if where else stmt


def weights(
    session: Session, scope: LearningScope, codes: list[str]
) -> tuple[int, dict[str, int], dict[str, float]]:
    """(N, reviews citing each code, each code's weight) over the reviews in scope."""
    total = session.scalar(select(func.count(Review.id)).where(*scope.where())) or 0
    stmt = select(Cause.factor_code, func.count(func.distinct(Cause.review_id))).where(
        Cause.factor_code.in_(codes), counted()
    )
    df = dict(session.execute(_with_scope(stmt, scope).group_by(Cause.factor_code)).all())
    return total, df, {c: math.log(1 + total / df[c]) for c in codes if df.get(c)}


def similar_reviews(
    session: Session, review: Review, scope: LearningScope, limit: int = LIMIT
) -> list[SimilarReview]:
    """The best ``limit`` other reviews in scope sharing the review's factors, best first
    (ties: the newer review first)."""
    codes = own_factors(session, review.id)
    if not codes:
        return []
    total, df, weight = weights(session, scope, codes)
    if not weight:
        return []
    pairs = _with_scope(
        select(Cause.review_id.label("rid"), Cause.factor_code.label("code"))
        .where(Cause.factor_code.in_(list(weight)), counted(), Cause.review_id != review.id)
        .distinct(),
        scope,
    ).subquery()
    score = func.sum(case({c: literal(w) for c, w in weight.items()}, value=pairs.c.code)).label(
        "score"
    )
    best = session.execute(
        select(pairs.c.rid, score)
        .group_by(pairs.c.rid)
        .order_by(score.desc(), pairs.c.rid.desc())
        .limit(limit)
    ).all()
    return _details(session, [(rid, float(s)) for rid, s in best], weight, df, total)


def _details(
    session: Session,
    best: list[tuple[int, float]],
    weight: dict[str, float],
    df: dict[str, int],
    total: int,
) -> list[SimilarReview]:
    if not best:
        return []
    ids = [rid for rid, _ in best]
    rows = {
        r.id: r
        for r in session.execute(
            select(
                Review.id,
                Review.reference,
                Review.title,
                Review.occurred_on,
                Review.stage,
                Service.code,
                Service.name,
            )
            .join(Service, Service.id == Review.service_id)
            .where(Review.id.in_(ids))
        )
    }
    shared: dict[int, list[str]] = {rid: [] for rid in ids}
    for rid, code in session.execute(
        select(Cause.review_id, Cause.factor_code)
        .where(Cause.review_id.in_(ids), Cause.factor_code.in_(list(weight)), counted())
        .distinct()
    ):
        shared[rid].append(code)
    acted = {
        rid: (n, done or 0)
        for rid, n, done in session.execute(
            select(
                Action.review_id,
                func.count(Action.id),
                func.sum(case((Action.status == "done", 1), else_=0)),
            )
            .where(Action.review_id.in_(ids))
            .group_by(Action.review_id)
        )
    }
    verdicts: dict[int, str] = {}
    for rid, verdict in session.execute(
        select(EffectivenessCheck.review_id, EffectivenessCheck.verdict)
        .where(EffectivenessCheck.review_id.in_(ids))
        .order_by(EffectivenessCheck.id)
    ):
        verdicts[rid] = verdict  # the latest check wins
    labels = factor_labels(session)
    out = []
    for rid, score in best:
        row = rows[rid]
        codes = sorted(shared[rid], key=lambda c: (-weight[c], c))
        names = tuple(labels.get(c, c) for c in codes)
        actions, done = acted.get(rid, (0, 0))
        out.append(
            SimilarReview(
                id=rid,
                reference=row.reference,
                title=row.title,
                service=row.code,
                service_name=row.name,
                occurred_on=row.occurred_on,
                stage=row.stage,
                score=score,
                shared_factors=tuple(codes),
                shared_labels=names,
                why=_why(names, df[codes[0]], total),
                actions=actions,
                actions_done=done,
                verdict=verdicts.get(rid),
            )
        )
    return out


def _why(names: tuple[str, ...], rarest_reviews: int, total: int) -> str:
    shared = f"Shares {len(names)} coded factor" + ("s" if len(names) != 1 else "")
    cited = f"{rarest_reviews} of {total} review" + ("s" if total != 1 else "")
    if len(names) == 1:
        return f"{shared}: “{names[0]}”, cited in {cited}."
    return f"{shared}; the rarest, “{names[0]}”, is cited in {cited}."


@dataclass(frozen=True)
class SimilarPanel:
    """What the panel shows: the similar reviews, and whether the review cites a factor yet."""

    found: tuple[SimilarReview, ...]
    coded: bool


def similar_panel(session: Session, review: Review, scope: LearningScope) -> SimilarPanel:
    """The panel for a review and a reader's scope, worked out once per data generation.

    The analysis pane and meeting mode show it on every load and every change, and the panel's
    six statements cost several times the rest of the pane; the generation moves with every
    cause, review, action, check or factor label change, so a cached panel is never stale.
    """

    def work() -> SimilarPanel:
        found = tuple(similar_reviews(session, review, scope))
        return SimilarPanel(found, bool(found) or bool(own_factors(session, review.id)))

    return remembered(session, ("similar", review.id, scope.key()), work, PANELS)
