"""Reading the rows that need attention: the pane's list, a page at a time, and one row.

Rows an import could not use wait here (``RejectedRow``, status "open") until someone corrects
and retries them. The pane shows 50 at a time, by import and then row number, so a file with
thousands of bad rows stays one light page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from rca.evidence.models import RejectedRow
from rca.reviews.models import Review
from rca.validation import parse_page

PER_PAGE = 50


@dataclass(frozen=True)
class AttentionPage:
    """Where a page of the needs-attention list sits in the whole list."""

    page: int
    per_page: int
    shown: int
    total: int

    @property
    def first(self) -> int:
        return (self.page - 1) * self.per_page + 1 if self.shown else 0

    @property
    def last(self) -> int:
        return (self.page - 1) * self.per_page + self.shown

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


_OPEN = (RejectedRow.review_id == bindparam("review_id"), RejectedRow.status == "open")
# The page and the total in one query (a window count), built once: the pane asks on every load.
_LISTED = (
    select(RejectedRow, func.count().over())
    .where(*_OPEN)
    .order_by(RejectedRow.import_id, RejectedRow.row_number, RejectedRow.id)
    .limit(bindparam("limit"))
    .offset(bindparam("offset"))
)
_TOTAL = select(func.count()).select_from(RejectedRow).where(*_OPEN)


def page_number(raw: Any) -> int:
    """The list's page asked for (``?attention_page=``); a bad value is page 1."""
    return parse_page(raw)


def open_rejected(
    session: Session, review: Review, limit: int = PER_PAGE, page: int = 1
) -> tuple[list[RejectedRow], AttentionPage]:
    """One page of the rows still needing attention and where it sits in the whole list.
    A page past the end shows the last one."""
    page = max(1, page)

    def listed(at: int) -> list[Any]:
        bound = {"review_id": review.id, "limit": limit, "offset": (at - 1) * limit}
        return list(session.execute(_LISTED, bound).all())

    found = listed(page)
    if found:
        return [row for row, _ in found], AttentionPage(page, limit, len(found), found[0][1])
    if page == 1:
        return [], AttentionPage(1, limit, 0, 0)  # none at all
    total = session.scalar(_TOTAL, {"review_id": review.id}) or 0
    last = -(-total // limit) or 1
    if not total or page <= last:
        return [], AttentionPage(min(page, last), limit, 0, total)
    found = listed(last)
    return [row for row, _ in found], AttentionPage(last, limit, len(found), total)


def rejected_for(session: Session, review: Review, rejected_id: int) -> RejectedRow | None:
    """One row needing attention, if it is this review's."""
    return session.scalars(
        select(RejectedRow).where(RejectedRow.review_id == review.id, RejectedRow.id == rejected_id)
    ).first()
