"""Learning shared: the review's learning points and the dissemination log, with the share of
in-scope staff reached.

The in-scope staff are the review's ``staff`` links (terms of reference). A member of staff is
"reached" when at least one dissemination names them; staff briefed who are not in scope count
in the log but not in the share, so the share cannot pass 100%.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from rca.actions.monitoring_models import (
    DISSEMINATION_METHODS,
    Dissemination,
    DisseminationStaff,
    LearningPoint,
)
from rca.provider.models import StaffMember
from rca.reviews.models import Review
from rca.validation import (
    Collector,
    FieldErrors,
    parse_bool,
    parse_choice,
    parse_id,
    parse_past_date,
    parse_text,
)


@dataclass(frozen=True)
class Reach:
    in_scope: int
    reached: int
    #: In-scope staff not yet briefed, by name.
    not_reached: list[str]

    @property
    def percent(self) -> int | None:
        return round(100 * self.reached / self.in_scope) if self.in_scope else None


def learning_points(session: Session, review: Review) -> list[LearningPoint]:
    return list(
        session.scalars(
            select(LearningPoint)
            .where(LearningPoint.review_id == review.id)
            .order_by(LearningPoint.position, LearningPoint.id)
        )
    )


def add_learning_point(session: Session, review: Review, text: Any) -> LearningPoint:
    c = Collector()
    value = c.check("learning", parse_text, text, label="Learning point", max_len=2000)
    c.raise_if_any()
    position = len(learning_points(session, review))
    point = LearningPoint(review_id=review.id, text=value, position=position)
    session.add(point)
    session.flush()
    return point


def remove_learning_point(session: Session, review: Review, point_id: Any) -> None:
    wanted = parse_id(point_id)
    point = session.get(LearningPoint, wanted) if wanted is not None else None
    if point is None or point.review_id != review.id:
        raise FieldErrors({"learning": "No such learning point on this review."})
    session.delete(point)
    session.flush()


def disseminations(session: Session, review: Review) -> list[Dissemination]:
    return list(
        session.scalars(
            select(Dissemination)
            .where(Dissemination.review_id == review.id)
            .order_by(Dissemination.on, Dissemination.id)
        )
    )


def _staff_ids(session: Session, review: Review, raw: Iterable[Any]) -> list[int]:
    ids = sorted({i for v in raw if (i := parse_id(v)) is not None})
    if not ids:
        return []
    found = set(
        session.scalars(
            select(StaffMember.id).where(
                StaffMember.id.in_(ids), StaffMember.service_id == review.service_id
            )
        )
    )
    if len(found) != len(ids):
        raise ValueError("Choose staff from this service's register.")
    return ids


def add_dissemination(
    session: Session,
    review: Review,
    raw: Mapping[str, Any],
    staff_ids: Iterable[Any],
    user_id: int | None,
    today: date,
) -> Dissemination:
    """Log one sharing of the learning: when, how, with which staff or teams."""
    c = Collector()
    on = c.check("on", parse_past_date, raw.get("on"), today, label="Date briefed")
    method = c.check("method", parse_choice, raw.get("method"), DISSEMINATION_METHODS, label="How")
    teams = c.check(
        "teams", parse_text, raw.get("teams"), label="Teams", max_len=500, required=False
    )
    staff = c.check("staff", _staff_ids, session, review, staff_ids) or []
    notes = c.check(
        "notes", parse_text, raw.get("notes"), label="Notes", max_len=2000, required=False
    )
    if not c.errors and not staff and not teams:
        c.errors["staff"] = "Name the staff or the teams who were briefed."
    c.raise_if_any()
    row = Dissemination(
        review_id=review.id,
        on=on,
        method=method,
        teams=teams,
        understanding_checked=parse_bool(raw.get("understanding_checked")),
        notes=notes,
        user_id=user_id,
        staff_links=[DisseminationStaff(review_id=review.id, staff_id=i) for i in staff],
    )
    session.add(row)
    session.flush()
    return row


def reach(session: Session, review: Review) -> Reach:
    in_scope = {link.staff_id: link.staff_member.name for link in review.staff}
    briefed = set(
        session.scalars(
            select(DisseminationStaff.staff_id).where(DisseminationStaff.review_id == review.id)
        )
    )
    reached = [i for i in in_scope if i in briefed]
    missing = sorted(name for i, name in in_scope.items() if i not in briefed)
    return Reach(in_scope=len(in_scope), reached=len(reached), not_reached=missing)
