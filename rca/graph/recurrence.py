"""Recurrence after closure: did the factor an action was meant to fix come back?

For each action marked done (its ``completed_on`` is the day), take the factor codes of the causes
it addresses. The action is **followed by recurrence** when a later review at the same service,
whose incident happened on or after that day and within the window (default 183 days, about 6
months), cites one of those factors (counted as everywhere in ``rca.graph``: supported, or
concluded root or contributory). Actions are rolled up by type (reminder, training, process, ...)
and by strength: system changes against individual ones (training, briefings, reminders), which
is the comparison a governance lead needs: "of 40 reminders and briefings, 18 were followed by
the same factor within 6 months; of 25 system changes, 3".

Only actions whose causes carry a factor code can be judged, so only those are counted. An
action done less than a window ago may still be followed by a recurrence: it is counted as it
stands today and marked ``watching``.

One SQL statement joins each done action's coded causes to the later reviews at its service
citing the same code (an outer join, so actions with no recurrence come back too); Python groups
the rows per action.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Integer, and_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.functions import FunctionElement

from rca.actions.models import ACTION_KINDS, ACTION_TYPES, Action, ActionCause
from rca.fishbone.models import Cause
from rca.graph.freshness import remembered
from rca.graph.scope import LearningScope, counted
from rca.reviews.models import Review

WINDOW_DAYS = 183
MAX_WINDOW_DAYS = 1095
UNSPECIFIED = "unspecified"


#: Action strengths as the figures name them.
STRENGTHS = {"system": "System changes", "individual": "Individual actions"}


class days_between(FunctionElement):  # noqa: N801 - reads as SQL
    """Whole days from the first date to the second (SQLite stores dates as text)."""

    type = Integer()
    inherit_cache = True


@compiles(days_between, "sqlite")
def _days_sqlite(element: Any, compiler: Any, **kw: Any) -> str:
    first, second = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"CAST(julianday({second}) - julianday({first}) AS INTEGER)"


@compiles(days_between)
def _days_default(element: Any, compiler: Any, **kw: Any) -> str:
    first, second = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"({second} - {first})"


@dataclass(frozen=True)
class Recurrence:
    review_id: int
    reference: str
    factor_code: str
    occurred_on: date

    def to_json(self) -> dict[str, Any]:
        return {
            "review_id": self.review_id,
            "factor_code": self.factor_code,
            "occurred_on": self.occurred_on.isoformat(),
        }


@dataclass(frozen=True)
class ActionOutcome:
    action_id: int
    review_id: int
    reference: str
    text: str
    action_type: str
    strength: str
    done_on: date
    factor_codes: tuple[str, ...]
    recurrences: tuple[Recurrence, ...]
    #: Its window has not ended yet: a recurrence may still come.
    watching: bool

    @property
    def type_label(self) -> str:
        return ACTION_TYPES[self.action_type][1] if self.action_type in ACTION_TYPES else "Not said"

    def to_json(self) -> dict[str, Any]:
        return {
            "action_id": self.action_id,
            "review_id": self.review_id,
            "action_type": self.action_type,
            "strength": self.strength,
            "done_on": self.done_on.isoformat(),
            "factor_codes": list(self.factor_codes),
            "watching": self.watching,
            "recurrences": [r.to_json() for r in self.recurrences],
        }


@dataclass(frozen=True)
class Tally:
    actions: int
    followed_by_recurrence: int
    watching: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.followed_by_recurrence / self.actions) if self.actions else None

    def to_json(self) -> dict[str, Any]:
        return {
            "actions": self.actions,
            "followed_by_recurrence": self.followed_by_recurrence,
            "watching": self.watching,
        }


@dataclass(frozen=True)
class RecurrenceAnswer:
    window_days: int
    by_strength: dict[str, Tally]
    by_type: dict[str, Tally]
    actions: tuple[ActionOutcome, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "window_days": self.window_days,
            "by_strength": {k: v.to_json() for k, v in self.by_strength.items()},
            "by_type": {k: v.to_json() for k, v in self.by_type.items()},
            "actions": [a.to_json() for a in self.actions],
        }


def recurrence_after_closure(
    session: Session, scope: LearningScope, today: date, window_days: int = WINDOW_DAYS
) -> RecurrenceAnswer:
    """Done actions in scope (the period is the day they were done) and what followed them."""
    key = ("recurrence", scope.key(), window_days, today)
    return remembered(session, key, lambda: _recurrence(session, scope, today, window_days))


def _recurrence(
    session: Session, scope: LearningScope, today: date, window_days: int
) -> RecurrenceAnswer:
    later, later_cause = aliased(Review), aliased(Cause)
    # The later reviews' citations, as a subquery without DISTINCT so PostgreSQL flattens it
    # into the join and reaches it through the indexes (service and date, then review and code).
    # SQLite materialises the right side of a LEFT JOIN instead, so the subquery carries the
    # scope's own limits too: a recurrence is at the action's service, which is in scope, and on
    # or after the day it was done, which is on or after ``since``.
    narrowed = []
    if scope.service_ids is not None:
        narrowed.append(later.service_id.in_(sorted(scope.service_ids) or [-1]))
    if scope.since is not None:
        narrowed.append(later.occurred_on >= scope.since)
    came_back = (
        select(
            later.id.label("review_id"),
            later.reference,
            later.service_id,
            later.occurred_on,
            later_cause.factor_code,
        )
        .join(later_cause, later_cause.review_id == later.id)
        .where(counted(later_cause), *narrowed)
        .subquery("came_back")
    )
    where = [Action.status == "done", Action.completed_on.is_not(None)]
    if scope.service_ids is not None:
        where.append(Review.service_id.in_(sorted(scope.service_ids) or [-1]))
    if scope.since is not None:
        where.append(Action.completed_on >= scope.since)
    if scope.until is not None:
        where.append(Action.completed_on <= scope.until)
    rows = session.execute(
        select(
            Action.id,
            Action.review_id,
            Review.reference,
            Action.text,
            Action.action_type,
            Action.kind,
            Action.completed_on,
            Cause.factor_code,
            came_back.c.review_id,
            came_back.c.reference,
            came_back.c.occurred_on,
        )
        .join(Review, Review.id == Action.review_id)
        .join(ActionCause, ActionCause.action_id == Action.id)
        .join(Cause, and_(Cause.id == ActionCause.cause_id, Cause.factor_code.is_not(None)))
        .outerjoin(
            came_back,
            and_(
                came_back.c.service_id == Review.service_id,
                came_back.c.review_id != Review.id,
                came_back.c.occurred_on >= Action.completed_on,
                days_between(Action.completed_on, came_back.c.occurred_on) <= window_days,
                came_back.c.factor_code == Cause.factor_code,
            ),
        )
        .where(*where)
        .order_by(Action.completed_on.desc(), Action.id.desc())
    ).all()
    return _roll_up(rows, today, window_days)


def _roll_up(rows: list[Any], today: date, window_days: int) -> RecurrenceAnswer:
    grouped: dict[int, dict[str, Any]] = {}
    for aid, rid, ref, text, atype, kind, done, code, later_id, later_ref, later_on in rows:
        entry = grouped.setdefault(
            aid,
            {"head": (rid, ref, text, atype or UNSPECIFIED, kind, done), "codes": set(), "rec": {}},
        )
        entry["codes"].add(code)
        if later_id is not None:
            entry["rec"][(later_id, code)] = Recurrence(later_id, later_ref, code, later_on)
    outcomes = []
    for aid, entry in grouped.items():
        rid, ref, text, atype, kind, done = entry["head"]
        recurrences = sorted(entry["rec"].values(), key=lambda r: (r.occurred_on, r.review_id))
        outcomes.append(
            ActionOutcome(
                action_id=aid,
                review_id=rid,
                reference=ref,
                text=text,
                action_type=atype,
                strength=kind,
                done_on=done,
                factor_codes=tuple(sorted(entry["codes"])),
                recurrences=tuple(recurrences),
                watching=done + timedelta(days=window_days) > today,
            )
        )
    by_strength = {k: _tally([o for o in outcomes if o.strength == k]) for k in ACTION_KINDS}
    types = [*ACTION_TYPES, UNSPECIFIED]
    by_type = {
        t: _tally(chosen) for t in types if (chosen := [o for o in outcomes if o.action_type == t])
    }
    return RecurrenceAnswer(window_days, by_strength, by_type, tuple(outcomes))


def _tally(outcomes: list[ActionOutcome]) -> Tally:
    return Tally(
        len(outcomes),
        sum(1 for o in outcomes if o.recurrences),
        sum(1 for o in outcomes if o.watching and not o.recurrences),
    )
