"""Everything the guidance rules read about one review, loaded in a fixed number of queries.

The rules are pure functions of a ``Facts``: the causes with their evidence through the
fishbone's one reader (``rca.fishbone.tree.cause_tree``, two queries), then one query each for
the actions (with their review points), the action-to-cause links, the overrides and the
framework's settings, however many causes and actions the review has. The panel is on every pane,
so this stays cheap.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from rca.actions.models import Action, ActionCause
from rca.fishbone.frameworks import AREAS
from rca.fishbone.settings import framework_for
from rca.fishbone.tree import CauseNode, cause_tree, flatten
from rca.guidance.models import GuidanceOverride
from rca.reviews.models import Review

#: Statuses that mean a cause was looked into and decided either way.
EXAMINED = frozenset({"supported", "ruled-out"})


@dataclass
class Facts:
    review: Review
    today: date
    causes: list[CauseNode]
    #: Evidence kinds (care-notes, rota, interview, ...) linked to each cause, by cause id.
    kinds: dict[int, set[str]]
    #: The five areas each of the review's framework categories covers, by category key.
    areas_by_category: dict[str, frozenset[str]]
    #: Live actions (not cancelled), in plan order.
    actions: list[Action]
    #: Cause ids each action addresses, by action id.
    action_causes: dict[int, set[int]]
    overrides: dict[str, GuidanceOverride] = field(default_factory=dict)

    @property
    def supported(self) -> list[CauseNode]:
        return [c for c in self.causes if c.status == "supported"]

    @property
    def roots(self) -> list[CauseNode]:
        """Causes agreed as root causes (a ruled-out one cannot be a root cause)."""
        return [c for c in self.causes if c.conclusion == "root" and c.status != "ruled-out"]

    def actions_for(self, cause_id: int) -> list[Action]:
        return [a for a in self.actions if cause_id in self.action_causes.get(a.id, ())]

    def examined_areas(self, excluding: int | None = None) -> set[str]:
        """The five areas with a cause in them supported or ruled out, on evidence.

        ``excluding`` leaves out the cause being judged: a "staff error" cause cannot examine
        its own supervision.
        """
        found: set[str] = set()
        for cause in self.causes:
            if cause.id == excluding or cause.status not in EXAMINED:
                continue
            if self.kinds.get(cause.id):
                found |= self.areas_by_category.get(cause.category, frozenset())
        return found

    def unexamined_areas(self, excluding: int | None = None) -> list[str]:
        """The five areas still to examine, as people name them, in the domain's order."""
        done = self.examined_areas(excluding)
        return [label for key, label in AREAS.items() if key not in done]


def load(session: Session, review: Review, today: date, *, with_actions: bool = True) -> Facts:
    """Read what the rules need (one query per table, whatever the review's size)."""
    framework = framework_for(session, review)
    # Top-level causes first, then by position: the order the rules name them in.
    causes = sorted(
        flatten(cause_tree(session, review, framework)),
        key=lambda c: (c.parent_id is not None, c.position, c.id),
    )
    kinds = {c.id: {e.kind for e in c.evidence} for c in causes if c.evidence}
    actions: list[Action] = []
    links: dict[int, set[int]] = defaultdict(set)
    if with_actions:
        actions = list(
            session.scalars(
                select(Action)
                .where(Action.review_id == review.id, Action.status != "cancelled")
                .options(selectinload(Action.review_points))
                .order_by(Action.id)
            )
        )
        for action_id, cause_id in session.execute(
            select(ActionCause.action_id, ActionCause.cause_id).where(
                ActionCause.review_id == review.id
            )
        ):
            links[action_id].add(cause_id)
    overrides = {
        o.rule: o
        for o in session.scalars(
            select(GuidanceOverride)
            .where(GuidanceOverride.review_id == review.id)
            .options(selectinload(GuidanceOverride.user))
        )
    }
    return Facts(
        review=review,
        today=today,
        causes=causes,
        kinds=kinds,
        areas_by_category={c.key: c.areas for c in framework.categories},
        actions=actions,
        action_causes=dict(links),
        overrides=overrides,
    )
