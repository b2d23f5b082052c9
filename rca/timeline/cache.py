"""Built timelines, kept in-process per review and reused while nothing they read has changed.

Filtering, zooming and paging the pane redraw the same chronology, so building it again (2,000
rows loaded, statuses and delays worked out) on every click was most of a pane's time. The cache
key is the review and the build's options; the entry is valid while the review's **change
token** is unchanged. The token is read from the database on every use, so every worker process
(and the API, the CLI and report jobs) agrees on what is current:

- the History entries of the review (``rca.audit.changes``: newest id and count): every change
  to a review's own records (evidence, marks, people in scope, its period) writes one in the
  same transaction; annotations are left out, since the timeline holds none (the pane reads
  them fresh);
- the History entries belonging to no review: service standards and the service itself;
- the latest evidence import at the review's service: imports add evidence rows in bulk (the
  import's own History entry covers its review) and add to or fill in the service's staff
  register, which every review at the service reads.

A timeline is plain frozen data (chronology.Record, Event ...), never ORM objects, so sharing it
between requests and threads is safe; callers must not mutate it.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from rca.audit.changes import ChangeToken, TokenCache
from rca.evidence.models import EvidenceImport
from rca.reviews.models import Review
from rca.timeline.models import Annotation

#: Timelines kept per process: a 2,000-event timeline is a few MB of Python objects.
MAX_ENTRIES = 16
#: History entries of records a built timeline does not hold: the pane reads annotations
#: (notes, key moments, assumptions) fresh on every request, so adding one keeps the cache.
IGNORED_ENTITIES = (Annotation.__tablename__,)

T = TypeVar("T")


def _service_imports() -> Any:
    imports = EvidenceImport.__table__.c
    reviews = Review.__table__.c
    return (
        select(func.max(imports.id))
        .join(Review.__table__, reviews.id == imports.review_id)
        .where(reviews.service_id == bindparam("service_id"))
        .scalar_subquery()
    )


#: The review's own entries (annotations aside), the shared ones, the service's newest import.
TOKEN = ChangeToken(ignore=IGNORED_ENTITIES, extra=[_service_imports()])
_cache: TokenCache[Any] = TokenCache(TOKEN, MAX_ENTRIES)


def change_token(session: Session, review: Review) -> tuple[Any, ...]:
    """What changes whenever anything a review's timeline reads changes (one query)."""
    return TOKEN.read(session, review.id, {"service_id": review.service_id})


def cached(session: Session, review: Review, options: Hashable, build: Callable[[], T]) -> T:
    """``build()``'s result for this review and options, built again only when the review's
    change token has moved (or the entry was evicted)."""
    value: T = _cache.get(session, review, options, build, {"service_id": review.service_id})
    return value


def clear() -> None:
    """Forget every cached timeline (tests that rewrite rows behind the ORM's back)."""
    _cache.clear()
