"""Deep evidence pages are read by keyset (Next/Previous carry the edge row's id): walking them
gives exactly the rows of OFFSET paging, in the same order, whatever the NULLs (undated manual
evidence, date-only rows) and ties (several rows at one moment), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from rca.db import db
from rca.evidence import queries
from rca.evidence.models import EvidenceRow
from rca.reviews.models import Review


def _rows(review_id: int) -> None:
    start = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
    made = []
    for i in range(150):
        at: datetime | None = start + timedelta(hours=i // 3)  # three rows share each moment
        on: date | None = at.date()
        if i % 17 == 0:
            at = None  # a date-only row
        if i % 29 == 0:
            at, on = None, None  # undated manual evidence
        made.append(
            EvidenceRow(
                review_id=review_id,
                kind="interview",
                occurred_at=at,
                occurred_on=on,
                text=f"Entry {i}",
                content_hash=f"{i:064d}",
            )
        )
    db.session.add_all(made)
    db.session.commit()


@pytest.fixture
def review(ctx: Any, make_service: Any, make_user: Any, make_review: Any) -> Review:
    """A review at OAK with the 150 rows of ``_rows``."""
    oak = make_service("OAK")
    user = make_user("lead@example.org", "investigator", [oak])
    made = db.session.get(Review, make_review(user, oak))
    assert made is not None
    _rows(made.id)
    return made


def _walk(review: Review, step: str) -> list[list[int]]:
    pages = []
    filters = queries.EvidenceFilters()
    while True:
        page = queries.evidence_page(db.session, review, filters)
        pages.append([r.id for r in page.rows])
        if step == "offset":
            if not page.has_next:
                return pages
            filters = queries.EvidenceFilters(page=page.page + 1)
            continue
        if not page.has_next:
            return pages
        filters = queries.EvidenceFilters.from_args(filters.next_args(page))


def test_next_links_walk_the_same_rows_as_offset_paging(review: Review) -> None:
    by_offset = _walk(review, "offset")
    by_key = _walk(review, "keyset")
    assert [len(p) for p in by_offset] == [50, 50, 50]
    assert by_key == by_offset
    # Previous from the last page, keyed on its first row, is the page before it.
    last = queries.evidence_page(
        db.session, review, queries.EvidenceFilters(page=3, after=by_offset[1][-1])
    )
    back = queries.EvidenceFilters.from_args(queries.EvidenceFilters(page=3).previous_args(last))
    assert back.before == by_offset[2][0] and back.page == 2
    assert [r.id for r in queries.evidence_page(db.session, review, back).rows] == by_offset[1]
    # A cursor that is not this review's row falls back to the page number.
    stray = queries.EvidenceFilters(page=2, after=10_000_000)
    assert [r.id for r in queries.evidence_page(db.session, review, stray).rows] == by_offset[1]


def test_links_carry_the_cursor_and_the_filters(review: Review) -> None:
    filters = queries.EvidenceFilters.from_args({"kind": "interview", "q": "Entry"})
    page = queries.evidence_page(db.session, review, filters)
    args = filters.next_args(page)
    assert args == {"kind": "interview", "q": "Entry", "page": 2, "after": page.rows[-1].id}
    # Page 1 needs no cursor, and an export link never carries one.
    second = queries.EvidenceFilters.from_args(args)
    assert "before" not in second.previous_args(queries.evidence_page(db.session, review, second))
    assert "after" not in second.as_args(page=1)


def test_every_row_as_a_cursor_splits_the_order_exactly(review: Review) -> None:
    """Including cursors whose own date or time is NULL (the OR form, not the row value)."""
    everything = queries.EvidenceFilters(page=1)
    ordered = [
        r.id for r in db.session.scalars(queries._ordered(queries.filtered(review, everything)))
    ]
    nulls_first = db.session.get_bind().dialect.name == "sqlite"
    for i, row_id in enumerate(ordered):
        key = queries._key_of(db.session, review, row_id)
        assert key is not None
        for after, expected in ((True, ordered[i + 1 :]), (False, ordered[:i])):
            stmt = queries._ordered(
                queries.filtered(review, everything).where(
                    queries._beyond(key, nulls_first, after=after)
                )
            )
            assert [r.id for r in db.session.scalars(stmt)] == expected, (i, after, key)
