"""Adding, changing, moving and deleting causes, and tying them to evidence.

Domain functions: a session and plain values in, ORM rows out, never ``request``. Bad input
raises ``FieldErrors`` naming the field; a stale version raises ``CauseConflict`` carrying both
the saved and the submitted values, so the screen can show both and nothing is overwritten.
Every status change needs a reason and a conclusion is recorded only when the guidance allows it
(both in ``rca.fishbone.cause_status``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from contextlib import AbstractContextManager
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rca.accounts.models import User
from rca.db import conflict_if_stale, utcnow
from rca.fishbone.cause_input import (
    _check_evidence,
    _choice,
    _evidence_ids,
    _optional_id,
    _text,
    _version,
)
from rca.fishbone.cause_status import (
    ConclusionRefused,
    set_conclusion,
    set_status,
)
from rca.fishbone.models import (
    CAUSE_STATUSES,
    CONCLUSIONS,
    Cause,
    CauseEvidence,
)
from rca.fishbone.placement import _all, _descendants, _place, _renumber, _siblings
from rca.fishbone.settings import StaleSettings, framework_for
from rca.fishbone.vocabulary import check_code
from rca.reviews.models import Review
from rca.validation import FieldErrors

#: The fields a cause's edit form and the API's PATCH may change.
EDITABLE = ("text", "category", "status", "conclusion", "factor_code")


class CauseConflict(Exception):
    """Someone saved the cause since it was read: both versions, for the user to choose."""

    def __init__(self, cause_id: int, saved: dict[str, Any] | None, submitted: dict[str, Any]):
        super().__init__(f"cause {cause_id} was changed by someone else")
        self.cause_id = cause_id
        #: The cause as now saved (None when it was deleted meanwhile).
        self.saved = saved
        self.submitted = submitted


class CauseNotFound(LookupError):
    """No such cause on this review (the views answer 404)."""


def snapshot(cause: Cause, evidence_ids: Iterable[int] | None = None) -> dict[str, Any]:
    """A cause as plain values (the conflict screen and the API show these)."""
    ids = (
        evidence_ids if evidence_ids is not None else (e.evidence_id for e in cause.evidence_links)
    )
    return {
        "id": cause.id,
        "text": cause.text,
        "category": cause.category,
        "parent_id": cause.parent_id,
        "position": cause.position,
        "status": cause.status,
        "conclusion": cause.conclusion,
        "factor_code": cause.factor_code,
        "version": cause.version,
        "evidence_ids": sorted(ids),
    }


def get_cause(session: Session, review: Review, cause_id: int) -> Cause:
    """The review's cause, or CauseNotFound: another review's cause never leaks."""
    cause = session.get(Cause, cause_id)
    if cause is None or cause.review_id != review.id:
        raise CauseNotFound(cause_id)
    return cause


# --- changes ------------------------------------------------------------------------------------


def add_cause(session: Session, review: Review, user: User | None, raw: Mapping[str, Any]) -> Cause:
    """A new cause on a bone, or a "why?" under ``parent_id`` (it takes its parent's bone)."""
    framework = framework_for(session, review)
    errors: dict[str, str] = {}
    text = _text(raw.get("text"), errors)
    parent_id = _optional_id(raw.get("parent_id"), "parent_id", "Parent cause", errors)
    parent = None
    if parent_id is not None:
        parent = session.get(Cause, parent_id)
        if parent is None or parent.review_id != review.id:
            errors["parent_id"] = f"Cause #{parent_id} is not on this review's fishbone."
    category = (
        parent.category
        if parent is not None
        else _choice(raw.get("category"), framework.labels, "category", "Category", errors)
    )
    status = _choice(raw.get("status") or "hypothesis", CAUSE_STATUSES, "status", "Status", errors)
    conclusion = _choice(
        raw.get("conclusion"), CONCLUSIONS, "conclusion", "Conclusion", errors, optional=True
    )
    try:
        factor = check_code(session, str(raw.get("factor_code") or "").strip() or None)
    except FieldErrors as exc:
        errors.update(exc.errors)
        factor = None
    if errors:
        raise FieldErrors(errors)
    ids = _evidence_ids(raw.get("evidence_ids"))
    _check_evidence(session, review, ids)
    last = session.scalar(
        select(func.max(Cause.position)).where(
            Cause.review_id == review.id,
            Cause.parent_id.is_(None) if parent is None else Cause.parent_id == parent.id,
            *([Cause.category == category] if parent is None else []),
        )
    )
    cause = Cause(
        review_id=review.id,
        parent_id=parent.id if parent else None,
        text=text,
        category=category,
        factor_code=factor,
        status="hypothesis",
        position=(last + 1) if last is not None else 0,
        created_by_id=user.id if user else None,
    )
    session.add(cause)
    session.flush()
    for eid in ids:
        session.add(CauseEvidence(review_id=review.id, cause_id=cause.id, evidence_id=eid))
    assert status is not None
    if status != "hypothesis":
        set_status(
            session, cause, status, raw.get("reason") or "Recorded when the cause was added."
        )
    set_conclusion(session, review, cause, conclusion)
    session.flush()
    return cause


def update_cause(session: Session, review: Review, cause_id: int, raw: Mapping[str, Any]) -> Cause:
    """Change the fields present in ``raw`` (``version`` required; evidence_ids replaces links)."""
    cause = get_cause(session, review, cause_id)
    version = _version(raw.get("version"))
    submitted = {k: raw[k] for k in (*EDITABLE, "evidence_ids", "reason") if k in raw}
    if version != cause.version:
        raise CauseConflict(cause.id, snapshot(cause), submitted)
    framework = framework_for(session, review)
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    if "text" in raw:
        values["text"] = _text(raw["text"], errors)
    if "category" in raw:
        values["category"] = _choice(
            raw["category"], framework.labels, "category", "Category", errors
        )
    if "status" in raw:
        values["status"] = _choice(raw["status"], CAUSE_STATUSES, "status", "Status", errors)
    if "conclusion" in raw:
        values["conclusion"] = _choice(
            raw["conclusion"], CONCLUSIONS, "conclusion", "Conclusion", errors, optional=True
        )
    if "factor_code" in raw:
        try:
            values["factor_code"] = check_code(
                session, str(raw["factor_code"] or "").strip() or None
            )
        except FieldErrors as exc:
            errors.update(exc.errors)
    if errors:
        raise FieldErrors(errors)
    # Queries below autoflush and the conclusion gate flushes: a racing save can surface at any.
    with _stale_is_conflict(session, cause_id, submitted):
        if "evidence_ids" in raw:
            ids = _evidence_ids(raw["evidence_ids"])
            _check_evidence(session, review, ids)
            _replace_links(session, review, cause, ids)
        if "text" in values:
            cause.text = values["text"]
        if "factor_code" in values:
            cause.factor_code = values["factor_code"]
        if values.get("category") and values["category"] != cause.category:
            # A "why?" moved to another bone leaves its parent and takes its own whys along.
            _place(session, review, cause, None, None, values["category"])
        if "status" in values:
            set_status(session, cause, values["status"], raw.get("reason"))
        if "conclusion" in values:
            set_conclusion(session, review, cause, values["conclusion"])
        cause.updated_at = utcnow()  # any save bumps the version, links included
        session.flush()
    return cause


def move_cause(
    session: Session,
    review: Review,
    cause_id: int,
    *,
    parent_id: int | None,
    position: int | None,
    category: str | None,
    version: Any,
) -> Cause:
    """Move a cause (and its whys) under another cause or onto a bone, at ``position``."""
    cause = get_cause(session, review, cause_id)
    v = _version(version)
    submitted = {"parent_id": parent_id, "position": position, "category": category}
    if v != cause.version:
        raise CauseConflict(cause.id, snapshot(cause), submitted)
    if category is not None and framework_for(session, review).category(category) is None:
        raise FieldErrors({"category": f"{category} is not a bone of this review's framework."})
    if position is not None and position < 0:
        raise FieldErrors({"position": "Position cannot be less than 0."})
    with _stale_is_conflict(session, cause_id, submitted):
        _place(session, review, cause, parent_id, position, category)
        cause.updated_at = utcnow()
        session.flush()
    return cause


DIRECTIONS = {
    "up": "Move up",
    "down": "Move down",
    "in": "Make it a why of the cause above",
    "out": "Move it out a level",
}


def move_direction(
    session: Session, review: Review, cause_id: int, direction: str, version: Any
) -> Cause:
    """The outline's keyboard moves: up, down, in (under the cause above), out (a level up)."""
    cause = get_cause(session, review, cause_id)
    everything = _all(session, review)
    siblings = _siblings(everything, cause.parent_id, cause.category)
    at = next(i for i, c in enumerate(siblings) if c.id == cause.id)
    parent, position = cause.parent_id, at
    if direction == "up" and at > 0:
        position = at - 1
    elif direction == "down" and at < len(siblings) - 1:
        position = at + 1
    elif direction == "in" and at > 0:
        parent, position = siblings[at - 1].id, None
    elif direction == "out" and cause.parent_id is not None:
        up = next(c for c in everything if c.id == cause.parent_id)
        parent = up.parent_id
        order = _siblings(everything, up.parent_id, up.category)
        position = next(i for i, c in enumerate(order) if c.id == up.id) + 1
    elif direction not in DIRECTIONS:
        raise FieldErrors({"direction": f"Direction must be one of: {', '.join(DIRECTIONS)}."})
    else:
        raise FieldErrors({"direction": f"This cause cannot move {direction} from where it is."})
    return move_cause(
        session,
        review,
        cause_id,
        parent_id=parent,
        position=position,
        category=None,
        version=version,
    )


def delete_cause(session: Session, review: Review, cause_id: int, version: Any) -> None:
    """Delete a cause and every why under it (each deletion lands in History)."""
    cause = get_cause(session, review, cause_id)
    if _version(version) != cause.version:
        raise CauseConflict(cause.id, snapshot(cause), {"delete": True})
    everything = _all(session, review)
    doomed = [cause, *_descendants(cause.id, everything)]
    siblings = [
        c for c in _siblings(everything, cause.parent_id, cause.category) if c.id != cause.id
    ]
    with _stale_is_conflict(session, cause_id, {"delete": True}):
        for c in reversed(doomed):  # children first: each has its own audit entry
            session.delete(c)
        session.flush()
        _renumber(session, siblings)


def link_evidence(session: Session, review: Review, cause_id: int, evidence_ids: Any) -> Cause:
    cause = get_cause(session, review, cause_id)
    ids = _evidence_ids(evidence_ids)
    _check_evidence(session, review, ids)
    have = {e.evidence_id for e in cause.evidence_links}
    for eid in ids:
        if eid not in have:
            cause.evidence_links.append(
                CauseEvidence(review_id=review.id, cause_id=cause.id, evidence_id=eid)
            )
    session.flush()
    return cause


def unlink_evidence(session: Session, review: Review, cause_id: int, evidence_ids: Any) -> Cause:
    cause = get_cause(session, review, cause_id)
    ids = set(_evidence_ids(evidence_ids))
    for link in [e for e in cause.evidence_links if e.evidence_id in ids]:
        cause.evidence_links.remove(link)
    session.flush()
    return cause


def _replace_links(session: Session, review: Review, cause: Cause, ids: list[int]) -> None:
    want = set(ids)
    for link in [e for e in cause.evidence_links if e.evidence_id not in want]:
        cause.evidence_links.remove(link)
    have = {e.evidence_id for e in cause.evidence_links}
    for eid in sorted(want - have):
        cause.evidence_links.append(
            CauseEvidence(review_id=review.id, cause_id=cause.id, evidence_id=eid)
        )


def _stale_is_conflict(
    session: Session, cause_id: int, submitted: dict[str, Any]
) -> AbstractContextManager[None]:
    """Someone saved the cause between our read and our write: after the rollback, the conflict
    carries the cause as now saved (None when it was deleted meanwhile)."""

    def conflict() -> CauseConflict:
        fresh = session.get(Cause, cause_id)
        return CauseConflict(cause_id, snapshot(fresh) if fresh else None, submitted)

    return conflict_if_stale(session, conflict)


# ConclusionRefused stays importable from here: the fishbone's views read every outcome of a
# cause change from this module.
__all__ = [
    "CauseConflict",
    "ConclusionRefused",
    "StaleSettings",
    "add_cause",
    "update_cause",
    "move_cause",
    "delete_cause",
    "link_evidence",
    "unlink_evidence",
    "snapshot",
    "get_cause",
    "CauseNotFound",
    "move_direction",
    "DIRECTIONS",
]
