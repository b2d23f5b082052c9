"""Built timelines, kept in-process per review and reused while nothing they read has changed.

Filtering, zooming and paging the pane redraw the same chronology, so building it again (2,000
rows loaded, statuses and delays worked out) on every click was most of a pane's time. The cache
key is the review and the build's options; the entry is valid while the review's **change
token** is unchanged. The token is read from the database on every use, so every worker process
(and the API, the CLI and report jobs) agrees on what is current:

- the latest History entry of the review: every change to a review's own records (evidence,
  marks, people in scope, its period) writes one in the same transaction; annotations are left
  out, since the timeline holds none (the pane reads them fresh);
- the latest History entry belonging to no review: service standards and the service itself;
- the latest evidence import at the review's service: imports add evidence rows in bulk (the
  import's own History entry covers its review) and add to or fill in the service's staff
  register, which every review at the service reads.

A timeline is plain frozen data (chronology.Record, Event ...), never ORM objects, so sharing it
between requests and threads is safe; callers must not mutate it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import Session

from rca.audit.models import AuditEntry
from rca.evidence.models import EvidenceImport
from rca.reviews.models import Review
from rca.timeline.models import Annotation

#: Timelines kept per process: a 2,000-event timeline is a few MB of Python objects.
MAX_ENTRIES = 16
#: History entries of records a built timeline does not hold: the pane reads annotations
#: (notes, key moments, assumptions) fresh on every request, so adding one keeps the cache.
IGNORED_ENTITIES = (Annotation.__tablename__,)

T = TypeVar("T")
_lock = threading.Lock()
_entries: OrderedDict[Hashable, tuple[Hashable, Any]] = OrderedDict()


def _token_query() -> Select[Any]:
    audit = AuditEntry.__table__.c
    imports = EvidenceImport.__table__.c
    reviews = Review.__table__.c
    own = (
        select(func.max(audit.id))
        .where(audit.review_id == bindparam("review_id"), audit.entity.not_in(IGNORED_ENTITIES))
        .scalar_subquery()
    )
    shared = select(func.max(audit.id)).where(audit.review_id.is_(None)).scalar_subquery()
    service_imports = (
        select(func.max(imports.id))
        .join(Review.__table__, reviews.id == imports.review_id)
        .where(reviews.service_id == bindparam("service_id"))
        .scalar_subquery()
    )
    return select(own, shared, service_imports)


#: Built once: the statement is the same for every review, only its parameters change.
_TOKEN = _token_query()


def change_token(session: Session, review: Review) -> tuple[Any, ...]:
    """What changes whenever anything a review's timeline reads changes (one query)."""
    row = session.execute(_TOKEN, {"review_id": review.id, "service_id": review.service_id})
    return tuple(row.one())


def cached(session: Session, review: Review, options: Hashable, build: Callable[[], T]) -> T:
    """``build()``'s result for this review and options, built again only when the review's
    change token has moved (or the entry was evicted)."""
    token = change_token(session, review)
    # The database and the review's creation time too: ids repeat across databases (tests
    # make a fresh one each, a restore brings back old ids).
    key = (str(session.get_bind().url), review.id, review.created_at, options)
    with _lock:
        hit = _entries.get(key)
        if hit is not None and hit[0] == token:
            _entries.move_to_end(key)
            return hit[1]  # type: ignore[no-any-return]
    value = build()
    with _lock:
        _entries[key] = (token, value)
        _entries.move_to_end(key)
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)
    return value


def clear() -> None:
    """Forget every cached timeline (tests that rewrite rows behind the ORM's back)."""
    with _lock:
        _entries.clear()
