"""Themes: communities of factors on the lift-weighted factor graph (networkx Louvain).

A theme is only useful if the same data gives the same themes tomorrow, on another server, to
the inspector who asks. So:

- the algorithm runs with a fixed seed on a graph built in a fixed order (``pairs.factor_graph``);
- every answer carries the algorithm, its parameters, its seed and the SHA-256 of the counts it
  ran on (``CoOccurrence.data_hash``): same hash and parameters, same themes;
- a **stability** figure says how much the communities depend on the seed: Louvain is run again
  with ``STABILITY_RUNS`` other seeds, and each result is compared with the answer by the
  adjusted Rand index (1: the same communities; about 0: no better than chance). The figure is
  the mean. Below about 0.8, read the themes as a sketch, not a finding.

A theme's reviews are those in scope citing at least two of its factors together (the theme is
what travels together, so one factor alone is not the theme showing up).

Answers are cached by (scope, data hash, parameters) in the process, so a second look costs the
counts' cache lookup and a dictionary lookup.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from math import comb
from typing import Any

import networkx as nx
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from rca.db import utcnow
from rca.graph.freshness import FigureCache
from rca.graph.pairs import MIN_REVIEWS, CoOccurrence, co_occurrence, factor_graph
from rca.graph.recurring import factor_labels
from rca.graph.scope import LearningScope, citations
from rca.graph.svg import Edge, Node, render_network

ALGORITHM = "louvain"
IMPLEMENTATION = f"networkx {nx.__version__} louvain_communities"
SEED = 2026
RESOLUTION = 1.0
THRESHOLD = 1e-7
STABILITY_RUNS = 10
#: A theme needs this many of its factors cited together for a review to count as showing it.
TOGETHER = 2

_ANSWERS = FigureCache(32)


@dataclass(frozen=True)
class Theme:
    name: str
    #: Codes, most-cited first.
    factors: tuple[str, ...]
    labels: tuple[str, ...]
    #: Reviews in scope citing at least two of the theme's factors, and their services.
    reviews: int
    services: int

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "factors": list(self.factors),
            "reviews": self.reviews,
            "services": self.services,
        }


@dataclass(frozen=True)
class ThemesAnswer:
    data_hash: str
    parameters: dict[str, Any]
    #: Mean adjusted Rand index of the reseeded runs against this answer; None without a graph.
    stability: float | None
    themes: tuple[Theme, ...]
    computed_at: datetime
    #: The factor graph the themes were found on (for the picture), and each node's theme.
    graph: nx.Graph = field(compare=False, repr=False)
    membership: dict[str, int] = field(compare=False, repr=False)
    algorithm: str = ALGORITHM
    seed: int = SEED

    def method(self) -> dict[str, Any]:
        return {
            "algorithm": self.algorithm,
            "seed": self.seed,
            "parameters": self.parameters,
            "data_hash": self.data_hash,
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "method": self.method(),
            "stability": None if self.stability is None else round(self.stability, 4),
            "themes": [t.to_json() for t in self.themes],
        }


def parameters(min_reviews: int) -> dict[str, Any]:
    return {
        "implementation": IMPLEMENTATION,
        "weight": "lift",
        "resolution": RESOLUTION,
        "threshold": THRESHOLD,
        "min_reviews": min_reviews,
        "stability_runs": STABILITY_RUNS,
        "theme_reviews_need": TOGETHER,
    }


def themes(
    session: Session, scope: LearningScope, *, min_reviews: int = MIN_REVIEWS
) -> ThemesAnswer:
    """The scope's themes (cached by scope, data hash and parameters)."""
    counts = co_occurrence(session, scope)
    params = parameters(min_reviews)
    key = (str(session.get_bind().url), scope.key(), counts.data_hash(), min_reviews)
    found = _ANSWERS.get(key)
    if found is None:
        found = find_themes(session, scope, counts, params)
        _ANSWERS.put(key, found)
    return found


def partition(graph: nx.Graph, seed: int) -> list[frozenset[str]]:
    """Louvain's communities, in a canonical order (by their smallest code)."""
    if graph.number_of_nodes() == 0:
        return []
    found = nx.community.louvain_communities(
        graph, weight="weight", resolution=RESOLUTION, threshold=THRESHOLD, seed=seed
    )
    return sorted((frozenset(c) for c in found), key=min)


def adjusted_rand(a: list[frozenset[str]], b: list[frozenset[str]]) -> float:
    """Agreement of two partitions of the same nodes, corrected for chance (Hubert and Arabie,
    1985): 1 when identical, about 0 for unrelated ones."""
    nodes = sum(len(c) for c in a)
    if nodes < 2:
        return 1.0
    pairs_in_both = sum(comb(len(x & y), 2) for x in a for y in b)
    in_a = sum(comb(len(x), 2) for x in a)
    in_b = sum(comb(len(y), 2) for y in b)
    expected = in_a * in_b / comb(nodes, 2)
    best = (in_a + in_b) / 2
    if best == expected:  # both all-singletons, or both one community
        return 1.0 if sorted(map(sorted, a)) == sorted(map(sorted, b)) else 0.0
    return (pairs_in_both - expected) / (best - expected)


def stability(graph: nx.Graph, answer: list[frozenset[str]]) -> float | None:
    if graph.number_of_nodes() < 2:
        return None
    runs = [partition(graph, SEED + n) for n in range(1, STABILITY_RUNS + 1)]
    return sum(adjusted_rand(answer, run) for run in runs) / len(runs)


def find_themes(
    session: Session, scope: LearningScope, counts: CoOccurrence, params: dict[str, Any]
) -> ThemesAnswer:
    graph = factor_graph(counts, params["min_reviews"])
    communities = partition(graph, SEED)
    per = counts.count_of()
    groups = [
        tuple(sorted(c, key=lambda code: (-per[code], code))) for c in communities if len(c) > 1
    ]
    reach = _theme_reviews(session, scope, groups)
    labels = factor_labels(session)
    found = []
    for n, codes in enumerate(groups):
        names = tuple(labels.get(code, code) for code in codes)
        reviews, services = reach.get(n, (0, 0))
        found.append(Theme(_name(names), codes, names, reviews, services))
    found.sort(key=lambda t: (-t.reviews, t.name))
    membership = {code: n for n, c in enumerate(communities) for code in c}
    return ThemesAnswer(
        data_hash=counts.data_hash(),
        parameters=params,
        stability=stability(graph, communities),
        themes=tuple(found),
        computed_at=utcnow(),
        graph=graph,
        membership=membership,
    )


def _name(labels: tuple[str, ...]) -> str:
    """Named by its two most-cited members."""
    name = " · ".join(labels[:2])
    return f"{name} and {len(labels) - 2} more" if len(labels) > 2 else name


def _theme_reviews(
    session: Session, scope: LearningScope, groups: list[tuple[str, ...]]
) -> dict[int, tuple[int, int]]:
    """Per theme index: (reviews citing at least two of its factors, their services)."""
    of_theme = {code: n for n, codes in enumerate(groups) for code in codes}
    if not of_theme:
        return {}
    cited = citations(scope).subquery()
    # Mapped in a subquery first: PostgreSQL cannot tell that a CASE with bound values in the
    # select list and the same CASE in GROUP BY are one expression.
    mapped = (
        select(
            cited.c.review_id,
            cited.c.service_id,
            case(of_theme, value=cited.c.factor_code).label("theme"),
        )
        .where(cited.c.factor_code.in_(sorted(of_theme)))
        .subquery()
    )
    showing = (
        select(mapped.c.review_id, mapped.c.service_id, mapped.c.theme)
        .group_by(mapped.c.review_id, mapped.c.service_id, mapped.c.theme)
        .having(func.count() >= TOGETHER)
        .subquery()
    )
    rows = session.execute(
        select(
            showing.c.theme,
            func.count(showing.c.review_id),
            func.count(func.distinct(showing.c.service_id)),
        ).group_by(showing.c.theme)
    ).all()
    return {int(t): (r, s) for t, r, s in rows}


def picture(
    answer: ThemesAnswer,
    labels: dict[str, str],
    *,
    title: str,
    href: Any = None,
) -> str:
    """The answer's factor graph as SVG, each theme a cluster (``rca.graph.svg``)."""

    theme_of = {code: n for n, t in enumerate(answer.themes) for code in t.factors}
    nodes = [
        Node(code, labels.get(code, code), data.get("reviews", 0), theme_of.get(code))
        for code, data in answer.graph.nodes(data=True)
    ]
    edges = [
        Edge(a, b, data["weight"], data["reviews"]) for a, b, data in answer.graph.edges(data=True)
    ]
    return render_network(nodes, edges, [t.name for t in answer.themes], title=title, href=href)
