"""Planning actions: parse what the form or the API sent, resolve the named owner, link the causes
and review points, and save. One set of rules for both channels.

An action needs only its text and kind to be saved: a plan is drafted in a meeting and filled in
later, and ``rca.actions.smart`` names what is still missing. What *is* given must be right: a
cause of another review, an owner nobody at the service is called, or a date that is not a real
date is refused with the field named.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from rca.accounts.models import Membership, User
from rca.actions.models import ACTION_KINDS, ACTION_TYPES, Action, ActionCause, ReviewPoint
from rca.fishbone.models import Cause
from rca.provider.models import StaffMember
from rca.reviews.models import Review
from rca.validation import Collector, FieldErrors, parse_date, parse_id, parse_text

MAX_REVIEW_POINTS = 12


class StaleAction(Exception):
    """The action changed since the form was read."""

    def __init__(self, action: Action):
        super().__init__(f"Action #{action.id} changed since it was read.")
        self.action = action


@dataclass(frozen=True)
class Owner:
    name: str | None
    user_id: int | None
    staff_id: int | None


@dataclass
class ActionInput:
    """An action as parsed, before it is saved."""

    text: str
    kind: str
    action_type: str | None
    cause_ids: list[int]
    owner: Owner
    due: date | None
    review_points: list[date]
    measure: str | None
    target: str | None


def service_users(session: Session, service_id: int) -> list[User]:
    """Active users holding a role at the service (an all-services role counts)."""
    stmt = (
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(User.active.is_(True))
        .where(or_(Membership.service_id == service_id, Membership.service_id.is_(None)))
        .order_by(User.name)
        .distinct()
    )
    return list(session.scalars(stmt))


def owner_choices(session: Session, review: Review) -> list[tuple[str, list[tuple[str, str]]]]:
    """The owner select's option groups: users, then the staff register, at the service."""
    users = [(f"user:{u.id}", u.name) for u in service_users(session, review.service_id)]
    staff = session.scalars(
        select(StaffMember)
        .where(StaffMember.service_id == review.service_id)
        .order_by(StaffMember.name)
    )
    members = [(f"staff:{s.id}", s.name + (f" ({s.role})" if s.role else "")) for s in staff]
    return [("Users of the workbench", users), ("Staff register", members)]


def resolve_owner(session: Session, review: Review, raw: Any) -> Owner:
    """A user (by email or name) or a member of staff (by name) at the review's service.

    The form sends ``user:ID`` or ``staff:ID``; the API sends a name or an email. A name that is
    both a user and a staff member links both (the same person in two registers).
    """
    text = str(raw or "").strip()
    if not text:
        return Owner(None, None, None)
    service = review.service
    kind, _, ident = text.partition(":")
    if kind in ("user", "staff") and (wanted := parse_id(ident)) is not None:
        if kind == "user":
            user = next(
                (u for u in service_users(session, review.service_id) if u.id == wanted), None
            )
            if user is not None:
                return Owner(user.name, user.id, None)
        else:
            member = session.get(StaffMember, wanted)
            if member is not None and member.service_id == review.service_id:
                return Owner(member.name, None, member.id)
        raise ValueError(f"Choose an owner who works at {service.name}.")
    wanted = text.lower()
    user = next(
        (
            u
            for u in service_users(session, review.service_id)
            if wanted in (u.email.lower(), u.name.lower())
        ),
        None,
    )
    name = user.name if user else text
    member = session.scalars(
        select(StaffMember)
        .where(StaffMember.service_id == review.service_id)
        .where(func.lower(StaffMember.name) == name.lower())
        .order_by(StaffMember.id)
    ).first()
    if user is None and member is None:
        raise ValueError(
            f"No user or member of staff called {text!r} at {service.name}: give a user's "
            "email or name, or a name from the staff register."
        )
    if user is not None:
        return Owner(user.name, user.id, member.id if member else None)
    assert member is not None
    return Owner(member.name, None, member.id)


def _cause_ids(session: Session, review: Review, raw: Iterable[Any]) -> list[int]:
    ids: list[int] = []
    for value in raw:
        text = str(value).strip()
        if not text:
            continue
        if isinstance(value, bool) or not (text.isascii() and text.isdigit()):
            raise ValueError("Cause ids must be whole numbers.")
        number = parse_id(text)
        if number is None:  # past any id: no cause has it
            raise ValueError(f"Cause {text[:20]} is not a cause on this review's fishbone.")
        if number not in ids:
            ids.append(number)
    if not ids:
        return ids
    found = set(
        session.scalars(select(Cause.id).where(Cause.id.in_(ids), Cause.review_id == review.id))
    )
    if missing := [i for i in ids if i not in found]:
        raise ValueError(f"Cause {missing[0]} is not a cause on this review's fishbone.")
    return ids


def _review_points(raw: Iterable[Any]) -> list[date]:
    points: list[date] = []
    for value in raw:
        for part in str(value).replace(";", ",").split(",") if isinstance(value, str) else [value]:
            if isinstance(part, str) and not part.strip():
                continue
            on = parse_date(part, label="Each review point")
            if on is not None and on not in points:
                points.append(on)
    if len(points) > MAX_REVIEW_POINTS:
        raise ValueError(f"Give at most {MAX_REVIEW_POINTS} review points.")
    return sorted(points)


def parse_action(
    session: Session,
    review: Review,
    raw: Mapping[str, Any],
    cause_ids: Iterable[Any],
    review_points: Iterable[Any],
) -> ActionInput:
    """Check every field at once; FieldErrors names each one that is wrong."""
    c = Collector()
    text = c.check("text", parse_text, raw.get("text"), label="What will change", max_len=2000)
    action_type = str(raw.get("action_type") or "").strip() or None
    kind = str(raw.get("kind") or "").strip()
    if action_type is not None and action_type not in ACTION_TYPES:
        c.errors["action_type"] = f"Type must be one of: {', '.join(ACTION_TYPES)}."
    elif action_type is not None and not kind:
        kind = ACTION_TYPES[action_type][0]
    if kind not in ACTION_KINDS:
        c.errors.setdefault("kind", "Say whether the action is a system change or individual.")
    elif action_type is not None and ACTION_TYPES.get(action_type, (kind,))[0] != kind:
        c.errors.setdefault(
            "action_type", f"{ACTION_TYPES[action_type][1]} is not a {ACTION_KINDS[kind].lower()}."
        )
    causes = c.check("cause_ids", _cause_ids, session, review, cause_ids) or []
    owner = c.check("owner", resolve_owner, session, review, raw.get("owner"))
    due = c.check("due", parse_date, raw.get("due"), label="Due date", required=False)
    points = c.check("review_points", _review_points, review_points) or []
    measure = c.check(
        "measure", parse_text, raw.get("measure"), label="Measure", max_len=500, required=False
    )
    target = c.check(
        "target", parse_text, raw.get("target"), label="Target", max_len=200, required=False
    )
    c.raise_if_any()
    return ActionInput(
        text=text,
        kind=kind,
        action_type=action_type,
        cause_ids=causes,
        owner=owner,
        due=due,
        review_points=points,
        measure=measure,
        target=target,
    )


def _apply(action: Action, review: Review, data: ActionInput) -> None:
    action.text, action.kind, action.action_type = data.text, data.kind, data.action_type
    action.owner_name = data.owner.name
    action.owner_user_id, action.owner_staff_id = data.owner.user_id, data.owner.staff_id
    action.due, action.measure, action.target = data.due, data.measure, data.target
    keep = {link.cause_id for link in action.cause_links if link.cause_id in data.cause_ids}
    action.cause_links = [link for link in action.cause_links if link.cause_id in keep] + [
        ActionCause(review_id=review.id, cause_id=i) for i in data.cause_ids if i not in keep
    ]
    have = {p.on for p in action.review_points if p.on in data.review_points}
    action.review_points = [p for p in action.review_points if p.on in have] + [
        ReviewPoint(review_id=review.id, on=on) for on in data.review_points if on not in have
    ]


def create_action(
    session: Session, review: Review, data: ActionInput, user_id: int | None
) -> Action:
    action = Action(review_id=review.id, status="planned", created_by_id=user_id)
    _apply(action, review, data)
    session.add(action)
    session.flush()
    return action


def action_of(session: Session, review: Review, action_id: Any) -> Action:
    """The review's action by id; FieldErrors when it is not one of this review's."""
    try:
        action = session.get(Action, int(action_id))
    except (TypeError, ValueError):
        action = None
    if action is None or action.review_id != review.id:
        raise FieldErrors({"action": "No such action on this review."})
    return action


def check_version(action: Action, submitted: Any) -> None:
    if submitted in (None, ""):
        return
    try:
        stale = int(submitted) != action.version
    except (TypeError, ValueError):
        stale = True
    if stale:
        raise StaleAction(action)


def update_action(
    session: Session, review: Review, action: Action, data: ActionInput, version: Any
) -> Action:
    check_version(action, version)
    _apply(action, review, data)
    session.flush()
    return action


def delete_action(session: Session, review: Review, action: Action, version: Any) -> None:
    check_version(action, version)
    session.delete(action)
    session.flush()
