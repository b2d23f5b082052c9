"""Writes an AuditEntry for every change to an Audited model, inside the same transaction.

A session ``after_flush`` hook reads each object's attribute history, so no view or domain function
has to remember to log: a change that reaches the database is audited, and a rolled-back change
leaves no entry either.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from flask import g, has_request_context
from flask_login import current_user
from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session

from rca.audit.models import Audited, AuditEntry
from rca.db import utcnow


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    channel: str


_actor: ContextVar[Actor | None] = ContextVar("audit_actor", default=None)


@contextlib.contextmanager
def acting_as(user_id: int | None, channel: str) -> Iterator[None]:
    """Attribute changes made inside the block to this user and channel."""
    token = _actor.set(Actor(user_id, channel))
    try:
        yield
    finally:
        _actor.reset(token)


def current_actor() -> Actor:
    actor = _actor.get()
    if actor is not None:
        return actor
    if has_request_context():
        # The API sets g.audit_actor after checking the bearer token.
        if isinstance(getattr(g, "audit_actor", None), Actor):
            return g.audit_actor
        if current_user.is_authenticated:
            return Actor(current_user.id, "web")
    return Actor(None, "cli")


def plain(value: Any) -> Any:
    """A value as the audit trail records it (JSON-safe); undo compares against this form."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def _column_changes(obj: Audited, action: str) -> dict[str, list[Any]]:
    state = inspect(obj)
    changes: dict[str, list[Any]] = {}
    for attr in state.mapper.column_attrs:
        key = attr.key
        if key in obj.__audit_ignore__ or key == "id":
            continue
        hist = state.attrs[key].history
        if action == "create":
            after = state.attrs[key].value
            if after is None:
                continue
            before = None
        elif action == "delete":
            before, after = state.attrs[key].value, None
        else:
            if not hist.has_changes():
                continue
            before = hist.deleted[0] if hist.deleted else None
            after = hist.added[0] if hist.added else None
            if plain(before) == plain(after):
                continue
        if key in obj.__audit_hidden__:
            changes[key] = ["(hidden)", "(changed)"]
        else:
            changes[key] = [plain(before), plain(after)]
    return changes


def _after_flush(session: Session, flush_context: Any) -> None:
    rows = []
    actor = current_actor()
    now = utcnow()
    # session.deleted misses rows deleted as orphans (removed from a delete-orphan collection,
    # such as a panel member); the unit of work's own record of deletes holds them all.
    deleted = [
        state.obj()
        for state, (isdelete, listonly) in flush_context.states.items()
        if isdelete and not listonly and state.obj() is not None
    ]
    deleted_ids = {id(obj) for obj in deleted}
    for action, objects in (
        ("create", session.new),
        ("update", [o for o in session.dirty if id(o) not in deleted_ids]),
        ("delete", deleted),
    ):
        for obj in objects:
            if not isinstance(obj, Audited):
                continue
            if action == "update" and not session.is_modified(obj, include_collections=False):
                continue
            changes = _column_changes(obj, action)
            if action == "update" and not changes:
                continue
            rows.append(
                {
                    "at": now,
                    "user_id": actor.user_id,
                    "channel": actor.channel,
                    "review_id": obj.audit_review_id(),
                    "entity": obj.__tablename__,  # type: ignore[attr-defined]
                    "entity_id": getattr(obj, "id", None),
                    "action": action,
                    "label": obj.audit_describe()[:300],
                    "changes": changes,
                }
            )
    if rows:
        session.connection().execute(insert(AuditEntry), rows)


def install() -> None:
    """Register the hook once for every Session (idempotent)."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
