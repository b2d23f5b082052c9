"""Read-side queries for review screens: the filtered list and a review's history."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session, joinedload, load_only

from rca import access
from rca.accounts.models import User
from rca.audit.models import AuditEntry
from rca.provider.models import Service
from rca.reviews.models import STAGES, TRIGGERS, Review, ReviewPerson, ReviewStaff
from rca.validation import parse_page


@dataclass(frozen=True)
class ReviewFilters:
    service: str = ""
    stage: str = ""
    trigger: str = ""
    q: str = ""
    page: int = 1

    @classmethod
    def from_args(cls, args: Mapping[str, Any]) -> ReviewFilters:
        page = str(args.get("page", "1"))
        return cls(
            service=str(args.get("service", ""))[:32],
            stage=str(args.get("stage", "")) if args.get("stage") in STAGES else "",
            trigger=str(args.get("trigger", "")) if args.get("trigger") in TRIGGERS else "",
            q=str(args.get("q", "")).strip()[:100],
            page=parse_page(page),
        )

    def as_args(self, **changes: Any) -> dict[str, Any]:
        values = {
            "service": self.service,
            "stage": self.stage,
            "trigger": self.trigger,
            "q": self.q,
            "page": self.page,
        }
        values.update(changes)
        return {k: v for k, v in values.items() if v and not (k == "page" and v == 1)}


@dataclass(frozen=True)
class ReviewPage:
    reviews: list[Review]
    total: int
    page: int
    pages: int


def list_reviews(session: Session, user: User, f: ReviewFilters, per_page: int) -> ReviewPage:
    stmt = access.visible_reviews(user)
    if f.service:
        stmt = stmt.join(Service, Review.service_id == Service.id).where(Service.code == f.service)
    if f.stage:
        stmt = stmt.where(Review.stage == f.stage)
    if f.trigger:
        stmt = stmt.where(Review.trigger == f.trigger)
    if f.q:
        like = f"%{f.q.replace('%', '').replace('_', '')}%"
        stmt = stmt.where(Review.title.ilike(like) | Review.reference.ilike(like))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    pages = max(1, -(-total // per_page))
    page = min(f.page, pages)
    rows = session.scalars(
        stmt.options(*_LIST_COLUMNS)
        .order_by(Review.occurred_on.desc(), Review.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return ReviewPage(list(rows), total, page, pages)


#: What the list shows (reference, title, service, trigger, date, depth, stage): the other
#: columns of 50 reviews are not loaded (they still load on access, one review at a time).
_LIST_COLUMNS = (
    load_only(
        Review.id,
        Review.reference,
        Review.title,
        Review.service_id,
        Review.trigger,
        Review.occurred_on,
        Review.depth,
        Review.stage,
        Review.version,  # optimistic locking needs it on any object that might be saved
    ),
    joinedload(Review.service).load_only(Service.id, Service.name),
)


def review_history(session: Session, review: Review, limit: int = 500) -> list[AuditEntry]:
    return list(
        session.scalars(
            select(AuditEntry)
            .where(AuditEntry.review_id == review.id)
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
            .limit(limit)
        )
    )


def user_names(session: Session, ids: set[int]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return dict(session.execute(select(User.id, User.name).where(User.id.in_(wanted))).all())


@dataclass(frozen=True)
class ScopeCounts:
    people: int
    staff: int


_SCOPE_COUNTS = select(
    select(func.count(ReviewPerson.id))
    .where(ReviewPerson.review_id == bindparam("review_id"))
    .scalar_subquery(),
    select(func.count(ReviewStaff.id))
    .where(ReviewStaff.review_id == bindparam("review_id"))
    .scalar_subquery(),
)


def scope_counts(session: Session, review: Review) -> ScopeCounts:
    """How many people and staff are in scope, in one query (the side panel on every pane shows
    the numbers; loading both lists for them cost two queries and their objects). The statement
    is built once: every pane runs it."""
    n_people, n_staff = session.execute(_SCOPE_COUNTS, {"review_id": review.id}).one()
    return ScopeCounts(people=n_people, staff=n_staff)
