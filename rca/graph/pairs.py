"""Factors that travel together: co-occurrence over the reviews in scope, weighted by lift.

Raw co-occurrence counts say little once a provider has a few hundred reviews: the commonest
factors appear together everywhere, and the graph becomes complete. Lift asks instead whether two
factors turn up together *more often than chance*:

    lift(a, b) = reviews citing both * N / (reviews citing a * reviews citing b)

where N is the reviews in scope citing at least one factor (reviews with nothing coded yet say
nothing about co-occurrence). Lift 1 is chance; 2 is twice as often as chance. PMI is log2(lift).
A pair needs a minimum support (reviews citing both) so that one coincidence does not top the list.

The counts come from SQL (a self-join of the scope's citations on the review); networkx builds
the weighted factor graph from them for the themes and the picture.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from typing import Any

import networkx as nx
from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from rca.graph.freshness import remembered
from rca.graph.recurring import factor_labels
from rca.graph.scope import LearningScope, citations

#: Default minimum support: reviews citing both factors of a pair.
MIN_REVIEWS = 3


@dataclass(frozen=True)
class CoOccurrence:
    """Everything the pairs and the themes are computed from, for one scope."""

    #: Reviews in scope citing at least one factor.
    reviews: int
    #: (code, reviews citing it), by code.
    factors: tuple[tuple[str, int], ...]
    #: (code_a, code_b, reviews citing both) with code_a < code_b, by codes.
    pairs: tuple[tuple[str, str, int], ...]

    def data_hash(self) -> str:
        """SHA-256 of the counts: the same data gives the same hash on any machine and backend;
        coding one more cause changes it."""
        body = json.dumps(
            {"reviews": self.reviews, "factors": self.factors, "pairs": self.pairs},
            separators=(",", ":"),
        )
        return hashlib.sha256(body.encode()).hexdigest()

    def count_of(self) -> dict[str, int]:
        return dict(self.factors)


@dataclass(frozen=True)
class FactorPair:
    code_a: str
    code_b: str
    label_a: str
    label_b: str
    #: Reviews citing both.
    reviews: int
    lift: float
    pmi: float

    def to_json(self) -> dict[str, Any]:
        return {
            "code_a": self.code_a,
            "code_b": self.code_b,
            "label_a": self.label_a,
            "label_b": self.label_b,
            "reviews": self.reviews,
            "lift": round(self.lift, 4),
            "pmi": round(self.pmi, 4),
        }


def co_occurrence(session: Session, scope: LearningScope) -> CoOccurrence:
    return remembered(session, ("co-occurrence", scope.key()), lambda: _count(session, scope))


def _count(session: Session, scope: LearningScope) -> CoOccurrence:
    cited = citations(scope).cte("cited")
    total = session.scalar(select(func.count(func.distinct(cited.c.review_id)))) or 0
    factors = session.execute(
        select(cited.c.factor_code, func.count())
        .group_by(cited.c.factor_code)
        .order_by(cited.c.factor_code)
    ).all()
    a, b = cited.alias("a"), cited.alias("b")
    pairs = session.execute(
        select(a.c.factor_code, b.c.factor_code, func.count())
        .join(b, and_(a.c.review_id == b.c.review_id, a.c.factor_code < b.c.factor_code))
        .group_by(a.c.factor_code, b.c.factor_code)
        .order_by(a.c.factor_code, b.c.factor_code)
    ).all()
    return CoOccurrence(
        total, tuple((c, n) for c, n in factors), tuple((x, y, n) for x, y, n in pairs)
    )


def lift(both: int, a: int, b: int, total: int) -> float:
    return both * total / (a * b)


def factor_pairs(
    session: Session,
    scope: LearningScope,
    *,
    min_reviews: int = MIN_REVIEWS,
    factor: str | None = None,
    limit: int | None = 50,
) -> list[FactorPair]:
    """Pairs cited together in at least ``min_reviews`` reviews and more often than chance
    (lift above 1), highest lift first (then most reviews); only pairs with ``factor`` if given."""
    counts = co_occurrence(session, scope)
    per = counts.count_of()
    labels = factor_labels(session)
    out = []
    for code_a, code_b, both in counts.pairs:
        if both < min_reviews or (factor and factor not in (code_a, code_b)):
            continue
        value = lift(both, per[code_a], per[code_b], counts.reviews)
        if value <= 1.0:
            continue
        out.append(
            FactorPair(
                code_a,
                code_b,
                labels.get(code_a, code_a),
                labels.get(code_b, code_b),
                both,
                value,
                math.log2(value),
            )
        )
    out.sort(key=lambda p: (-p.lift, -p.reviews, p.code_a, p.code_b))
    return out if limit is None else out[:limit]


def factor_graph(counts: CoOccurrence, min_reviews: int = MIN_REVIEWS) -> nx.Graph:
    """The weighted factor graph: factors cited in at least ``min_reviews`` reviews, joined where
    a pair reaches the same support with lift above 1 (weight = lift). Nodes and edges are added
    in code order, so the same counts always build the same graph (Louvain's result depends on
    the order it meets nodes in)."""
    per = counts.count_of()
    graph = nx.Graph()
    for code, n in counts.factors:
        if n >= min_reviews:
            graph.add_node(code, reviews=n)
    for code_a, code_b, both in counts.pairs:
        if both < min_reviews or code_a not in graph or code_b not in graph:
            continue
        value = lift(both, per[code_a], per[code_b], counts.reviews)
        if value > 1.0:
            graph.add_edge(code_a, code_b, weight=value, reviews=both)
    return graph
