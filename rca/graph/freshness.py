"""When the learning figures must be worked out again, and the cache that remembers them till then.

A figure across a provider's reviews reads every coded cause in scope: cheap for one service,
seconds for a group with 100,000 reviews. So each process keeps the figures it worked out, keyed
by the *generation* of the data: one row (``learning_state``) whose value changes, in the same
transaction, whenever a cause, a review, an action, the link between an action and a cause, an
effectiveness check, a sharing of learning, a contributory factor or a service is added, changed
or removed through the ORM (every screen, the API and the demo).
Reading it is one primary-key lookup, so a warm figure costs that and a dictionary lookup.

The new value is random rather than a counter: the tests empty every table between tests, and a
counter starting again from 1 would match figures cached for the previous test's data. It is
written in ``before_commit``, after everything else, so the row's lock on PostgreSQL is taken
last and held for the commit alone: two meetings coding causes at once wait microseconds for
each other and can never deadlock on it. Code that writes those tables through Core (the bench's
bulk inserts) calls ``bump`` itself.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from sqlalchemy import event, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from rca.actions.models import Action, ActionCause
from rca.actions.monitoring_models import Dissemination, DisseminationStaff, EffectivenessCheck
from rca.db import utcnow
from rca.fishbone.models import Cause, ContributoryFactor
from rca.graph.models import LearningState
from rca.provider.models import Service
from rca.reviews.models import Review

T = TypeVar("T")
_FLAG = "rca_learning_changed"
#: Entries the process keeps (a scope's figures are a few kB; 64 scopes is a busy morning).
CACHE_SIZE = 64


def _watched() -> tuple[type, ...]:

    # Effectiveness checks and factor labels too: the similar-reviews panel shows both; learning
    # shared for the governance dashboard (rca.governance.dashboard).
    return (
        Cause,
        Review,
        Action,
        ActionCause,
        Service,
        EffectivenessCheck,
        ContributoryFactor,
        Dissemination,
        DisseminationStaff,
    )


def _after_flush(session: Session, flush_context: Any) -> None:
    if session.info.get(_FLAG):
        return
    watched = _watched()
    deleted = (
        state.obj()
        for state, (isdelete, _listonly) in flush_context.states.items()
        if isdelete and state.obj() is not None
    )
    for objects in (session.new, session.dirty, deleted):
        if any(isinstance(obj, watched) for obj in objects):
            session.info[_FLAG] = True
            return


def _before_commit(session: Session) -> None:
    if session.new or session.dirty or session.deleted:
        session.flush()  # the commit's own flush, done first so _after_flush sees it
    if session.info.pop(_FLAG, False):
        bump(session)


def _after_rollback(session: Session) -> None:
    session.info.pop(_FLAG, None)


def install() -> None:
    """Register the hooks once for every Session (idempotent)."""
    for name, fn in (
        ("after_flush", _after_flush),
        ("before_commit", _before_commit),
        ("after_rollback", _after_rollback),
    ):
        if not event.contains(Session, name, fn):
            event.listen(Session, name, fn)


def bump(session: Session) -> None:
    """Give the data a new generation (an upsert of the one row), in the caller's transaction."""
    dialect = session.get_bind().dialect.name
    values = {"id": 1, "generation": secrets.token_hex(8), "changed_at": utcnow()}
    maker = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = maker(LearningState.__table__).values(**values)
    stmt = stmt.on_conflict_do_update(
        index_elements=["id"],
        set_={"generation": values["generation"], "changed_at": values["changed_at"]},
    )
    session.execute(stmt)


_GENERATION = select(LearningState.generation).where(LearningState.id == 1)


def generation(session: Session) -> str:
    """The data's current generation ("" before the first change)."""
    return session.scalar(_GENERATION) or ""


class FigureCache:
    """A small LRU of worked-out figures, shared by the process's threads."""

    def __init__(self, size: int = CACHE_SIZE):
        self.size = size
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any:
        with self._lock:
            if key not in self._entries:
                return None
            self._entries.move_to_end(key)
            return self._entries[key]

    def put(self, key: Hashable, value: Any) -> None:
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


FIGURES = FigureCache()


def remembered(
    session: Session, key: Hashable, work: Callable[[], T], cache: FigureCache = FIGURES
) -> T:
    """``work()``'s answer for ``key`` at the data's current generation, worked out at most once
    per generation in this process. The database's address is part of the key, so two databases
    served by one process (the tests, the bench) never share an answer."""
    full = (str(session.get_bind().url), generation(session), key)
    found = cache.get(full)
    if found is None:
        found = work()
        cache.put(full, found)
    return found
