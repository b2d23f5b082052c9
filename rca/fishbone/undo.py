"""Undo a user's last change to the causes of a review, read back from the audit trail.

Every cause change already lands in ``audit_entry`` with field-level before and after values, so
undo needs no second journal: it takes the user's newest cause entries that were written together
(one request: an add, an edit, a move with its sibling renumbering, a delete with its children
and evidence links), and applies them backwards: a create is deleted, an update gets its before
values, a delete is inserted again with its old id (so children and links still point at it).

The undo's own changes are written under the channel ``undo`` (shown as a tag in History) and a
``CauseUndo`` row marks the entries it undid, so pressing Ctrl+Z again walks one step further back
instead of undoing the undo. If someone else changed the same cause since, nothing is written and
the user is told why: undo never overwrites another person's work.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Date, select
from sqlalchemy.orm import Session

from rca.accounts.models import User
from rca.audit.models import AuditEntry
from rca.audit.recorder import acting_as, plain
from rca.db import UTCDateTime
from rca.fishbone import causes
from rca.fishbone.cause_status import ConclusionRefused
from rca.fishbone.causes import CauseNotFound
from rca.fishbone.meeting_models import CauseUndo
from rca.fishbone.models import Cause, CauseEvidence
from rca.reviews.models import Review
from rca.validation import FieldErrors
from rca.wording import excerpt

#: Models undo knows, by table name (the ``entity`` of their audit entries).
UNDOABLE: dict[str, type] = {"cause": Cause, "cause_evidence": CauseEvidence}
#: Entries of one change are written by one request, within milliseconds of each other; two
#: requests of one person are further apart than this (a key press and a round trip).
GROUP_WINDOW = timedelta(milliseconds=150)
#: How far back to look for something to undo.
LOOKBACK = 500
#: Fields whose later change by someone else makes undo refuse (position shifts with siblings).
CHECKED = frozenset({"text", "category", "parent_id", "status", "conclusion", "factor_code"})
VERBS = {"create": "Added", "update": "Changed", "delete": "Removed"}


class NothingToUndo(LookupError):
    """The user has no cause change in this review left to undo."""


class UndoRefused(Exception):
    """Undoing would overwrite someone else's later change; the message says which."""


@dataclass(frozen=True)
class UndoResult:
    label: str
    #: The cause the user should see afterwards (restored or reverted), if it still exists.
    cause_id: int | None


def last_change(session: Session, review: Review, user: User) -> list[AuditEntry]:
    """The entries of the user's newest not-yet-undone cause change, newest first.

    One change is the newest entry plus the older ones written with it: entries about the same
    cause, its whys (a delete takes them along, a move re-files them) and its evidence links,
    of the same kind (create, update or delete), at most one cause created (an add makes one),
    and all within a moment of each other. Two quick adds stay two changes.
    """
    undone = session.execute(
        select(CauseUndo.first_entry_id, CauseUndo.last_entry_id).where(
            CauseUndo.review_id == review.id, CauseUndo.user_id == user.id
        )
    ).all()
    entries = session.scalars(
        select(AuditEntry)
        .where(
            AuditEntry.review_id == review.id,
            AuditEntry.user_id == user.id,
            AuditEntry.entity.in_(UNDOABLE),
            AuditEntry.channel != "undo",
        )
        .order_by(AuditEntry.id.desc())
        .limit(LOOKBACK)
    ).all()
    parents = dict(
        session.execute(select(Cause.id, Cause.parent_id).where(Cause.review_id == review.id)).all()
    )
    group: list[AuditEntry] = []
    family: set[int] = set()
    kind: str | None = None
    for entry in entries:
        if any(first <= entry.id <= last for first, last in undone):
            if group:
                break
            continue
        cause_id = _cause_of(entry)
        if group:
            if group[0].at - entry.at > GROUP_WINDOW:
                break
            if entry.entity == "cause":
                # An add that also set a status or conclusion wrote its create, then an update.
                add_then_set = entry.action == "create" and kind == "update" and cause_id in family
                if kind is not None and entry.action != kind and not add_then_set:
                    break
                if entry.action == "create" and any(
                    g.entity == "cause" and g.action == "create" for g in group
                ):
                    break
                parent = _before(entry, "parent_id") or _after(entry, "parent_id")
                parent = parent or parents.get(cause_id)
                related = (
                    cause_id in family
                    or parent in family
                    or any(_parent(g, parents) == cause_id for g in group)
                )
                if not related:
                    break
            elif cause_id not in family and not (
                entry.action == "delete" and cause_id not in parents
            ):
                break  # a link of another cause (a deleted cause's links went with it)
        if entry.entity == "cause":
            kind = "create" if entry.action == "create" else (kind or entry.action)
        group.append(entry)
        family.add(cause_id)
    return group


def _cause_of(entry: AuditEntry) -> int:
    if entry.entity == "cause":
        return entry.entity_id  # type: ignore[return-value]
    return _before(entry, "cause_id") or _after(entry, "cause_id")


def _parent(entry: AuditEntry, parents: dict[int, int | None]) -> int | None:
    if entry.entity != "cause":
        return None
    return (
        _before(entry, "parent_id") or _after(entry, "parent_id") or parents.get(entry.entity_id)  # type: ignore[arg-type]
    )


def _after(entry: AuditEntry, field: str) -> Any:
    pair = (entry.changes or {}).get(field) or [None, None]
    return pair[1]


def undo_last(session: Session, review: Review, user: User) -> UndoResult:
    """Revert the user's last cause change in this review; recorded in History as an undo."""
    group = last_change(session, review, user)
    if not group:
        raise NothingToUndo("There is nothing of yours to undo on this fishbone.")
    head = _head(group)
    label = f"{VERBS[head.action]} {head.label}"
    with acting_as(user.id, "undo"):
        try:
            focus = _apply_backwards(session, review, group)
        except (FieldErrors, ConclusionRefused, CauseNotFound) as exc:
            raise UndoRefused(f"Cannot undo the change to {head.label}: {_why(exc)}") from None
        session.add(
            CauseUndo(
                review_id=review.id,
                user_id=user.id,
                first_entry_id=min(e.id for e in group),
                last_entry_id=max(e.id for e in group),
                label=label[:300],
            )
        )
        session.flush()
    if focus is not None and session.get(Cause, focus) is None:
        focus = None
    return UndoResult(label, focus)


def _head(group: list[AuditEntry]) -> AuditEntry:
    """The entry that names the change: an add (even one that also set a status), else the
    top cause of a delete or move (not one of the whys that went with it)."""
    cause_entries = [e for e in group if e.entity == "cause"]
    if not cause_entries:
        return group[0]
    ids = {e.entity_id for e in cause_entries}
    return min(
        cause_entries,
        key=lambda e: (
            ("create", "delete", "update").index(e.action),
            _before(e, "parent_id") in ids,
        ),
    )


def _why(exc: Exception) -> str:
    if isinstance(exc, FieldErrors):
        return exc.first[1]
    if isinstance(exc, ConclusionRefused):
        return exc.message
    return "it is no longer on the fishbone."


def _apply_backwards(session: Session, review: Review, group: list[AuditEntry]) -> int | None:
    # Causes before their evidence links; a moved cause before the whys that moved with it.
    def order(e: AuditEntry) -> tuple[int, int]:
        moved_itself = "parent_id" in (e.changes or {}) or "position" in (e.changes or {})
        return (e.entity != "cause", 0 if moved_itself else 1)

    focus: int | None = None
    restores = [e for e in group if e.action == "delete"]
    created = {e.entity_id for e in group if e.entity == "cause" and e.action == "create"}
    for entry in sorted(group, key=order):
        if entry.action == "create":
            _remove(session, review, entry, group)
        elif (
            entry.action == "update" and entry.entity == "cause" and entry.entity_id not in created
        ):
            _revert(session, review, entry)
            focus = focus or entry.entity_id
    restored = _restore(session, review, restores)
    return focus or restored


def _remove(session: Session, review: Review, entry: AuditEntry, group: list[AuditEntry]) -> None:
    if entry.entity == "cause_evidence":
        link = session.get(CauseEvidence, entry.entity_id)
        if link is not None:
            causes.unlink_evidence(session, review, link.cause_id, [link.evidence_id])
        return
    cause = session.get(Cause, entry.entity_id)
    if cause is None:
        return  # already gone (removed by someone else, or with its parent)
    mine = {e.entity_id for e in group if e.entity == "cause" and e.action == "create"}
    others = session.scalars(
        select(Cause.text).where(Cause.parent_id == cause.id, Cause.id.not_in(mine))
    ).all()
    if others:
        raise UndoRefused(
            f"Cannot undo adding \u201c{excerpt(cause.text, 60)}\u201d: someone has added "
            f"\u201c{excerpt(others[0], 60)}\u201d under it since."
        )
    causes.delete_cause(session, review, cause.id, cause.version)


def _revert(session: Session, review: Review, entry: AuditEntry) -> None:
    cause = session.get(Cause, entry.entity_id)
    if cause is None:
        raise UndoRefused(f"Cannot undo the change to {entry.label}: it has been removed since.")
    changes = {k: v for k, v in (entry.changes or {}).items() if k in Cause.__table__.c}
    if all(plain(getattr(cause, f)) == before for f, (before, _a) in changes.items()):
        return  # already as it was (a why that went back with its parent)
    for field, (_before, after) in changes.items():
        if field in CHECKED and plain(getattr(cause, field)) != after:
            raise UndoRefused(
                f"Cannot undo the change to {entry.label}: someone has changed its "
                f"{field.replace('_', ' ')} since. Change it by hand if it still needs changing."
            )
    before = {f: _value(Cause, f, b) for f, (b, _a) in changes.items()}
    if {"parent_id", "position"} & before.keys():
        parent_id = before.get("parent_id", cause.parent_id)
        causes.move_cause(
            session,
            review,
            cause.id,
            parent_id=parent_id,
            position=before.get("position", cause.position),
            category=before.get("category", cause.category) if parent_id is None else None,
            version=cause.version,
        )
    fields = {f: v for f, v in before.items() if f in causes.EDITABLE}
    if cause.parent_id is not None:
        fields.pop("category", None)  # a why takes its parent's bone
    fields = {f: v for f, v in fields.items() if getattr(cause, f) != v}
    if fields:
        if "status" in fields:
            fields["reason"] = "Undone: the status change was taken back."
        causes.update_cause(session, review, cause.id, {**fields, "version": cause.version})


def _restore(session: Session, review: Review, entries: list[AuditEntry]) -> int | None:
    """Insert deleted rows again with their old ids: parents before children, links last."""
    deleted = {e.entity_id: e for e in entries if e.entity == "cause"}
    links = [e for e in entries if e.entity == "cause_evidence"]
    top: int | None = None
    pending = dict(deleted)
    while pending:
        ready = [cid for cid, e in pending.items() if _before(e, "parent_id") not in pending]
        if not ready:  # a cycle cannot happen in a tree; stop rather than loop
            break
        for cid in ready:
            entry = pending.pop(cid)
            parent = _before(entry, "parent_id")
            if parent not in deleted:
                if parent is not None and session.get(Cause, parent) is None:
                    raise UndoRefused(
                        f"Cannot restore {entry.label}: the cause it sat under has been removed."
                    )
                top = cid
            session.add(_rebuilt(Cause, entry, review))
        session.flush()
    for entry in links:
        if session.get(Cause, _before(entry, "cause_id")) is not None:
            session.add(_rebuilt(CauseEvidence, entry, review))
    session.flush()
    if top is not None:
        # Its old siblings closed the gap when it went; put it back in its place among them.
        cause = session.get(Cause, top)
        assert cause is not None
        causes.move_cause(
            session,
            review,
            top,
            parent_id=cause.parent_id,
            position=cause.position,
            category=cause.category if cause.parent_id is None else None,
            version=cause.version,
        )
    return top


def _before(entry: AuditEntry, field: str) -> Any:
    return ((entry.changes or {}).get(field) or [None])[0]


def _rebuilt(model: type, entry: AuditEntry, review: Review) -> Any:
    values = {
        field: _value(model, field, before)
        for field, (before, _after) in (entry.changes or {}).items()
        if field in model.__table__.c
    }
    values["review_id"] = review.id
    return model(id=entry.entity_id, **values)


def _value(model: type, field: str, raw: Any) -> Any:
    """An audit entry's JSON value back as the column's Python type."""
    if raw is None:
        return None
    column_type = model.__table__.c[field].type
    if isinstance(column_type, UTCDateTime):
        return datetime.fromisoformat(raw)
    if isinstance(column_type, Date):
        return date.fromisoformat(raw)
    return raw
