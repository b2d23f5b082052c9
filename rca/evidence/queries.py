"""Reading a review's evidence: filters, pages, one row, the imports and rows needing attention.

Every function takes a review the caller already had from ``access.review_for``; nothing here
reads another review's rows. Built to stay fast at 100,000 rows a review: filters use the
(review_id, kind, occurred_on) and (review_id, occurred_on) indexes, pages are 50 rows, and the
count stops at COUNT_CAP (the page says "more than 10,000") instead of scanning everything.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    Text,
    and_,
    bindparam,
    cast,
    false,
    func,
    or_,
    select,
    tuple_,
)
from sqlalchemy.orm import Session

from rca.evidence.models import ALL_KINDS, EvidenceImport, EvidenceRow
from rca.provider.models import PersonSupported, StaffMember
from rca.reviews.models import Review, ReviewPerson
from rca.validation import parse_date, parse_id, parse_page

PER_PAGE = 50
COUNT_CAP = 10_000


@dataclass(frozen=True)
class EvidenceFilters:
    kind: str = ""
    person: str = ""  # a reference (P-1042) or a pseudonym (Person A)
    staff: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    q: str = ""
    page: int = 1
    #: Keyset cursors: the id of the last row of the page before (Next) or the first row of
    #: the page after (Previous). A deep page then costs what page 1 costs.
    after: int | None = None
    before: int | None = None
    errors: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def narrows(self) -> bool:
        """Whether any filter leaves rows out (paging does not)."""
        return bool(
            self.kind or self.person or self.staff or self.date_from or self.date_to or self.q
        )

    @classmethod
    def from_args(cls, args: Mapping[str, Any]) -> EvidenceFilters:
        """Read the filter form; a bad value is reported and ignored, never an error page."""
        errors: dict[str, str] = {}
        kind = str(args.get("kind") or "")
        if kind not in ALL_KINDS:
            kind = ""
        staff = str(args.get("staff") or "")
        dates: dict[str, date | None] = {}
        for name, label in (("date_from", "From"), ("date_to", "To")):
            try:
                dates[name] = parse_date(args.get(name), label=label, required=False)
            except ValueError as exc:
                errors[name], dates[name] = str(exc), None
        page = str(args.get("page") or "1")
        after, before = str(args.get("after") or ""), str(args.get("before") or "")
        return cls(
            kind=kind,
            person=str(args.get("person") or "").strip()[:64],
            staff=parse_id(staff),
            date_from=dates["date_from"],
            date_to=dates["date_to"],
            q=str(args.get("q") or "").strip()[:200],
            page=parse_page(page),
            after=parse_id(after),
            before=parse_id(before) if parse_id(after) is None else None,
            errors=errors,
        )

    def as_args(self, **changes: Any) -> dict[str, Any]:
        """Query-string arguments for links (pagination, export), without empty values."""
        f = replace(self, **changes)
        args = {
            "kind": f.kind,
            "person": f.person,
            "staff": f.staff,
            "date_from": f.date_from.isoformat() if f.date_from else None,
            "date_to": f.date_to.isoformat() if f.date_to else None,
            "q": f.q,
            "page": f.page if f.page > 1 else None,
            "after": f.after if f.page > 1 else None,
            "before": f.before if f.page > 1 else None,
        }
        return {k: v for k, v in args.items() if v not in (None, "")}

    @property
    def active(self) -> bool:
        return bool(self.as_args(page=1))

    def next_args(self, page: EvidencePage) -> dict[str, Any]:
        """The next page's link: keyed on this page's last row."""
        last = page.rows[-1].id if page.rows else None
        return self.as_args(page=page.page + 1, after=last, before=None)

    def previous_args(self, page: EvidencePage) -> dict[str, Any]:
        """The previous page's link: keyed on this page's first row (page 1 needs no key)."""
        first = page.rows[0].id if page.rows and page.page > 2 else None
        return self.as_args(page=page.page - 1, after=None, before=first)


@dataclass(frozen=True)
class EvidencePage:
    rows: list[EvidenceRow]
    page: int
    total: int  # at most COUNT_CAP + 1
    has_next: bool

    @property
    def capped(self) -> bool:
        return self.total > COUNT_CAP

    @property
    def first(self) -> int:
        return (self.page - 1) * PER_PAGE + 1 if self.rows else 0

    @property
    def last(self) -> int:
        return (self.page - 1) * PER_PAGE + len(self.rows)

    @property
    def pages(self) -> int | None:
        return None if self.capped else max(1, -(-self.total // PER_PAGE))


def _like(term: str) -> str:
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def filtered(review: Review, filters: EvidenceFilters) -> Select[tuple[EvidenceRow]]:
    """The review's evidence rows matching the filters (no order, no limit)."""
    row = EvidenceRow
    stmt = select(row).where(row.review_id == review.id)
    if filters.kind:
        stmt = stmt.where(row.kind == filters.kind)
    if filters.staff:
        stmt = stmt.where(row.staff_id == filters.staff)
    if filters.person:
        term = filters.person.lower()
        by_reference = select(PersonSupported.id).where(
            PersonSupported.service_id == review.service_id,
            func.lower(PersonSupported.reference) == term,
        )
        by_pseudonym = select(ReviewPerson.person_id).where(
            ReviewPerson.review_id == review.id, func.lower(ReviewPerson.pseudonym) == term
        )
        stmt = stmt.where(row.person_id.in_(by_reference.union(by_pseudonym)))
    if filters.date_from:
        stmt = stmt.where(row.occurred_on >= filters.date_from)
    if filters.date_to:
        stmt = stmt.where(row.occurred_on <= filters.date_to)
    if filters.q:
        cells = cast(row.cells, Text)
        terms = {filters.q, json.dumps(filters.q)[1:-1]}  # JSON stores "Zoë" as "Zo\u00eb"
        matches = [row.text.ilike(_like(filters.q), escape="\\")]
        matches += [cells.ilike(_like(t), escape="\\") for t in terms]
        stmt = stmt.where(or_(*matches))
    return stmt


def _ordered(stmt: Select[tuple[EvidenceRow]]) -> Select[tuple[EvidenceRow]]:
    # Chronological, as a timeline reads; the id keeps rows of the same moment in file order.
    return stmt.order_by(EvidenceRow.occurred_on, EvidenceRow.occurred_at, EvidenceRow.id)


def count_capped(session: Session, stmt: Select[tuple[EvidenceRow]]) -> int:
    """How many rows match, counting no further than COUNT_CAP + 1."""
    limited = stmt.with_only_columns(EvidenceRow.id).order_by(None).limit(COUNT_CAP + 1)
    return session.scalar(select(func.count()).select_from(limited.subquery())) or 0


def evidence_page(
    session: Session,
    review: Review,
    filters: EvidenceFilters,
    kind_counts: Mapping[str, int] | None = None,
) -> EvidencePage:
    """One page of the review's evidence. With no filter, the total is the sum of the pane's
    ``kind_counts`` when given (already read), rather than a second count."""
    stmt = filtered(review, filters)
    if kind_counts is not None and not filters.narrows:
        total = min(sum(kind_counts.values()), COUNT_CAP + 1)
    else:
        total = count_capped(session, stmt)
    page = filters.page
    if total <= COUNT_CAP:
        page = min(page, max(1, -(-total // PER_PAGE)))
    cursor = filters.after or filters.before
    key = _key_of(session, review, cursor) if cursor and page == filters.page else None
    if key is None:
        offset = (page - 1) * PER_PAGE
        if filters.narrows:
            rows = list(session.scalars(_ordered(stmt).offset(offset).limit(PER_PAGE + 1)))
        else:  # every row: the statement built once
            bound = {"review_id": review.id, "offset": offset, "limit": PER_PAGE + 1}
            rows = list(session.scalars(_PAGE, bound))
        return EvidencePage(rows[:PER_PAGE], page, total, len(rows) > PER_PAGE)
    nulls_first = session.get_bind().dialect.name == "sqlite"
    if filters.after:
        seek = _ordered(stmt.where(_beyond(key, nulls_first, after=True)))
        rows = list(session.scalars(seek.limit(PER_PAGE + 1)))
        return EvidencePage(rows[:PER_PAGE], page, total, len(rows) > PER_PAGE)
    seek = stmt.where(_beyond(key, nulls_first, after=False)).order_by(
        EvidenceRow.occurred_on.desc(), EvidenceRow.occurred_at.desc(), EvidenceRow.id.desc()
    )
    rows = list(session.scalars(seek.limit(PER_PAGE)))[::-1]
    return EvidencePage(rows, page, total, True)


_Key = tuple[date | None, datetime | None, int]


def _key_of(session: Session, review: Review, row_id: int) -> _Key | None:
    """The sort key of a cursor row (None when it is not this review's)."""
    found = session.execute(
        select(EvidenceRow.occurred_on, EvidenceRow.occurred_at, EvidenceRow.id).where(
            EvidenceRow.review_id == review.id, EvidenceRow.id == row_id
        )
    ).first()
    return (found[0], found[1], found[2]) if found else None


def _beyond(key: _Key, nulls_first: bool, *, after: bool) -> ColumnElement[bool]:
    """Rows strictly after (or before) ``key`` in the order (occurred_on, occurred_at, id),
    with NULLs where the database sorts them: first on SQLite, last on PostgreSQL."""
    on, at, row_id = key
    row = EvidenceRow
    if on is not None and at is not None:
        # A row-value comparison seeks the (review_id, occurred_on, occurred_at, id) index
        # (0.1 ms where the OR form below walked the index: 100 ms at 100,000 rows). It leaves
        # out rows with NULLs, which is right when the NULLs sort on the far side of the key.
        columns = tuple_(row.occurred_on, row.occurred_at, row.id)
        seek = columns > tuple_(on, at, row_id) if after else columns < tuple_(on, at, row_id)
        if nulls_first != after:
            seek = or_(
                seek,
                row.occurred_on.is_(None),
                and_(row.occurred_on == on, row.occurred_at.is_(None)),
            )
        return seek
    id_beyond = row.id > row_id if after else row.id < row_id
    at_beyond, at_same = _column_beyond(row.occurred_at, at, nulls_first, after)
    on_beyond, on_same = _column_beyond(row.occurred_on, on, nulls_first, after)
    return or_(on_beyond, and_(on_same, or_(at_beyond, and_(at_same, id_beyond))))


def _column_beyond(
    column: Any, value: Any, nulls_first: bool, after: bool
) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """(strictly beyond ``value``, equal to it) for one sort column."""
    if value is None:
        # NULLs sort first: every value is after them and none before; last: the mirror.
        beyond = column.is_not(None) if nulls_first == after else false()
        return beyond, column.is_(None)
    plain = column > value if after else column < value
    # Beyond a value also lies the NULL block when it sorts on that side.
    beyond = plain if nulls_first == after else or_(plain, column.is_(None))
    return beyond, column == value


def rows_for_export(
    session: Session, review: Review, filters: EvidenceFilters
) -> Iterator[EvidenceRow]:
    """Every matching row, in order, fetched in chunks so a large export stays small in memory."""
    stmt = _ordered(filtered(review, filters)).execution_options(yield_per=1000)
    yield from session.scalars(stmt)


def evidence_row(session: Session, review: Review, row_id: int) -> EvidenceRow | None:
    return session.scalars(
        select(EvidenceRow).where(EvidenceRow.review_id == review.id, EvidenceRow.id == row_id)
    ).first()


# The pane's reads, built once and bound per call: the pane asks for each on every load.
_PSEUDONYMS = select(ReviewPerson.person_id, ReviewPerson.pseudonym).where(
    ReviewPerson.review_id == bindparam("review_id")
)
_STAFF = (
    select(StaffMember.id, StaffMember.name)
    .where(StaffMember.service_id == bindparam("service_id"))
    .order_by(StaffMember.name)
)
_IMPORTS = (
    select(EvidenceImport)
    .where(EvidenceImport.review_id == bindparam("review_id"))
    .order_by(EvidenceImport.created_at.desc(), EvidenceImport.id.desc())
    .limit(bindparam("limit"))
)
_KIND_COUNTS = (
    select(EvidenceRow.kind, func.count())
    .where(EvidenceRow.review_id == bindparam("review_id"))
    .group_by(EvidenceRow.kind)
)
_PAGE = (
    _ordered(select(EvidenceRow).where(EvidenceRow.review_id == bindparam("review_id")))
    .offset(bindparam("offset"))
    .limit(bindparam("limit"))
)


def pseudonyms(session: Session, review: Review) -> dict[int, str]:
    """person_id -> "Person A" for the people in the review's scope."""
    rows = session.execute(_PSEUDONYMS, {"review_id": review.id})
    return {person_id: pseudonym for person_id, pseudonym in rows}


def person_label(row: EvidenceRow, names: Mapping[int, str]) -> str:
    """How a row's person is shown: their pseudonym in this review, else their reference."""
    if row.person_id is None:
        return ""
    if row.person_id in names:
        return names[row.person_id]
    return row.person.reference if row.person else ""


def staff_choices(session: Session, review: Review) -> list[tuple[int, str]]:
    return [(i, n) for i, n in session.execute(_STAFF, {"service_id": review.service_id})]


def imports(session: Session, review: Review, limit: int = 5) -> list[EvidenceImport]:
    """The review's most recent imports (dry runs write no record)."""
    return list(session.scalars(_IMPORTS, {"review_id": review.id, "limit": limit}))


def import_for(session: Session, review: Review, import_id: int) -> EvidenceImport | None:
    return session.scalars(
        select(EvidenceImport).where(
            EvidenceImport.review_id == review.id, EvidenceImport.id == import_id
        )
    ).first()


def kind_counts(session: Session, review: Review) -> dict[str, int]:
    return {k: n for k, n in session.execute(_KIND_COUNTS, {"review_id": review.id})}
