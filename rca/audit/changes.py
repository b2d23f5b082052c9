"""What changed in a review: the one change token, and the in-process cache that trusts it.

Every change to a review's records writes an ``AuditEntry`` with its ``review_id`` in the same
transaction (``rca.audit.recorder``), and every change to shared records (services, standards,
users, roles) writes one with no ``review_id``. So "has anything this review reads changed?" is
one indexed query on ``audit_entry``, answered the same by every app process, worker, the API
and the CLI, on SQLite and PostgreSQL, because the database is the only thing they share.

The token holds the newest entry id *and* the number of entries, for the review's entries and
for the shared ones. The newest id alone is not enough on PostgreSQL: two transactions draw ids
100 and 101 from the sequence, 101 commits first and a reader takes "101"; when 100 commits
later the newest is still 101, but the count moves (``tests/test_change_token.py`` shows it with
two real transactions). SQLite serialises writers, so ids arrive in commit order there.

Readers: the guidance panel (``rca.guidance.views``) reads ``REVIEW_TOKEN``; meeting mode's live
feed (``rca.fishbone.live``) polls the review's own terms and draws its pages' token from
``REVIEW_TOKEN``; the built-timeline cache (``rca.timeline.cache``) has its own. A reader may
leave out entities it never reads (the timeline ignores annotations) and add terms of its own
(the timeline adds the newest import at the review's service) as scalar subqueries.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import Any, Generic, TypeVar

from sqlalchemy import ScalarSelect, Select, bindparam, event, func, select
from sqlalchemy.orm import ORMExecuteState, Session

from rca.audit.models import AuditEntry

T = TypeVar("T")


class ChangeToken:
    """A token statement built once per reader (the SQL is the same for every review)."""

    def __init__(
        self,
        *,
        ignore: Iterable[str] = (),
        shared: bool = True,
        extra: Iterable[ScalarSelect[Any]] = (),
    ) -> None:
        audit = AuditEntry.__table__.c
        own = [audit.review_id == bindparam("review_id")]
        ignored = tuple(ignore)
        if ignored:
            own.append(audit.entity.not_in(ignored))
        terms: list[Any] = [
            select(func.max(audit.id)).where(*own).scalar_subquery(),
            select(func.count(audit.id)).where(*own).scalar_subquery(),
        ]
        if shared:
            terms += [
                select(func.max(audit.id)).where(audit.review_id.is_(None)).scalar_subquery(),
                select(func.count(audit.id)).where(audit.review_id.is_(None)).scalar_subquery(),
            ]
        terms += list(extra)
        self._statement: Select[Any] = select(*terms)

    def read(
        self, session: Session, review_id: int, params: Mapping[str, Any] | None = None
    ) -> tuple[Any, ...]:
        """The token now: equal tuples mean nothing the reader reads has changed.

        Read once per transaction and reader (a pane asks for the live token and the guidance
        panel's in one request): until the session writes or its transaction ends, the first
        answer stands. A token read earlier can only be older than what the page then shows,
        so the worst a kept answer does is make a browser reload once more."""
        bound = {"review_id": review_id, **(params or {})}
        key = (id(self), tuple(sorted(bound.items())))
        kept: dict[Any, tuple[Any, ...]] = session.info.setdefault(_KEPT, {})
        if key not in kept:
            kept[key] = tuple(session.execute(self._statement, bound).one())
        return kept[key]


_KEPT = "rca.audit.change_tokens"


@event.listens_for(Session, "after_flush")
@event.listens_for(Session, "after_transaction_end")
def _forget_tokens(session: Session, *_: Any) -> None:
    """A write, a commit or a rollback: the next read asks the database again."""
    session.info.pop(_KEPT, None)


@event.listens_for(Session, "do_orm_execute")
def _forget_tokens_on_write(state: ORMExecuteState) -> None:
    """Writes that bypass the flush (``session.execute(insert(...))``) count as writes too."""
    if not state.is_select:
        state.session.info.pop(_KEPT, None)


#: Everything a review's screens read: its own History and the shared records (services,
#: standards, users). The guidance panel reads it, and a page drawing meeting mode's live token
#: takes that from its first terms, so a pane that shows both asks once.
REVIEW_TOKEN = ChangeToken()


class TokenCache(Generic[T]):
    """Values built from a review's data, kept per process while its change token stands.

    Values are shared between requests and threads: they must be plain frozen data, never ORM
    objects, and callers must not change them."""

    def __init__(self, token: ChangeToken, max_entries: int) -> None:
        self.token = token
        self.max_entries = max_entries
        self._lock = threading.Lock()
        self._entries: OrderedDict[Hashable, tuple[Hashable, T]] = OrderedDict()

    def get(
        self,
        session: Session,
        review: Any,
        options: Hashable,
        build: Callable[[], T],
        params: Mapping[str, Any] | None = None,
    ) -> T:
        """``build()``'s value for this review and options, built again only when the review's
        change token has moved (or the entry was evicted)."""
        token = self.token.read(session, review.id, params)
        # The database and the review's creation time too: ids repeat across databases (tests
        # make a fresh one each, a restore brings back old ids).
        key = (str(session.get_bind().url), review.id, review.created_at, options)
        with self._lock:
            hit = self._entries.get(key)
            if hit is not None and hit[0] == token:
                self._entries.move_to_end(key)
                return hit[1]
        value = build()
        with self._lock:
            self._entries[key] = (token, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        """Forget every entry (tests that rewrite rows behind the ORM's back)."""
        with self._lock:
            self._entries.clear()
