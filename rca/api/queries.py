"""Read-side query for the API's review list: filters plus a limit/offset window."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rca import access
from rca.accounts.models import User
from rca.provider.models import Service
from rca.reviews.models import Review


@dataclass(frozen=True)
class ReviewWindow:
    reviews: list[Review]
    total: int


def review_window(
    session: Session,
    user: User,
    *,
    service: str | None = None,
    stage: str | None = None,
    trigger: str | None = None,
    limit: int,
    offset: int,
) -> ReviewWindow:
    """The reviews the user may see, newest event first, filtered and windowed."""
    stmt = access.visible_reviews(user)
    if service:
        # An unknown or unseen code simply matches nothing: no hint that it exists.
        stmt = stmt.join(Service, Review.service_id == Service.id).where(Service.code == service)
    if stage:
        stmt = stmt.where(Review.stage == stage)
    if trigger:
        stmt = stmt.where(Review.trigger == trigger)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(
        # id breaks ties so pages neither repeat nor skip reviews from the same day.
        stmt.order_by(Review.occurred_on.desc(), Review.id.desc()).limit(limit).offset(offset)
    ).all()
    return ReviewWindow(list(rows), total)
