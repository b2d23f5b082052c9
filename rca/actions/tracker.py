"""The action tracker across every review a user may see: filters in the URL, filtering and paging
in SQL (fast at tens of thousands of actions), a summary by owner, service or review, and the
rows for the CSV and XLSX exports.

"Overdue" is an open action (planned or in progress) whose due date is before today; "due soon"
an open one due today or in the next 14 days. Today is Europe/London's.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import Session, selectinload

from rca import access
from rca.accounts.models import User
from rca.actions.models import (
    ACTION_KINDS,
    ACTION_STATUSES,
    ACTION_TYPES,
    OPEN_STATUSES,
    Action,
    ActionCause,
    ReviewPoint,
)
from rca.provider.models import Service
from rca.reviews.models import Review
from rca.validation import parse_date, parse_id, parse_page

VIEWS = {
    "open": "Open",
    "due-soon": "Due in the next 14 days",
    "overdue": "Overdue",
    "done": "Done",
    "all": "All",
}
GROUPS = {"owner": "By owner", "service": "By service", "review": "By review"}
DUE_SOON_DAYS = 14
PAGE_SIZE = 50
EXPORT_LIMIT = 100_000


@dataclass(frozen=True)
class TrackerFilters:
    view: str = "open"
    owner: str = ""
    service: str = ""
    review: str = ""
    due_before: date | None = None
    group: str = "owner"
    page: int = 1
    #: Only actions this user owns (My actions); not part of the URL.
    mine: int | None = None

    @classmethod
    def from_args(cls, args: Mapping[str, Any]) -> TrackerFilters:
        view = str(args.get("view") or "open")
        group = str(args.get("group") or "owner")
        try:
            due_before = parse_date(args.get("due_before"), required=False)
        except ValueError:
            due_before = None
        page = parse_page(args.get("page"), last=10_000)
        return cls(
            view=view if view in VIEWS else "open",
            owner=str(args.get("owner") or "").strip()[:200],
            service=str(args.get("service") or "").strip()[:32],
            review=str(args.get("review") or "").strip()[:32],
            due_before=due_before,
            group=group if group in GROUPS else "owner",
            page=page,
        )

    def query(self, **changes: Any) -> str:
        """These filters (with changes) as a query string; defaults are left out."""
        f = replace(self, **changes)
        pairs = {
            "view": f.view if f.view != "open" else "",
            "owner": f.owner,
            "service": f.service,
            "review": f.review,
            "due_before": f.due_before.isoformat() if f.due_before else "",
            "group": f.group if f.group != "owner" else "",
            "page": str(f.page) if f.page > 1 else "",
        }
        return urlencode({k: v for k, v in pairs.items() if v})


@dataclass(frozen=True)
class TrackerRow:
    id: int
    review_id: int
    reference: str
    review_title: str
    service_code: str
    text: str
    kind: str
    owner: str
    due: date | None
    status: str
    overdue: bool

    @property
    def status_label(self) -> str:
        return ACTION_STATUSES.get(self.status, self.status)

    @property
    def kind_label(self) -> str:
        return ACTION_KINDS.get(self.kind, self.kind)


@dataclass(frozen=True)
class TrackerPage:
    rows: list[TrackerRow]
    total: int
    page: int
    pages: int
    summary: list[tuple[str, int, int]]  # (group label, actions, overdue)
    counts: dict[str, int]  # overdue and due-soon counts over the other filters


def _filtered(stmt: Select, session: Session, user: User, f: TrackerFilters, today: date) -> Select:
    stmt = access.restrict_to_visible(stmt, user, Review.service_id)
    if f.mine is not None:
        stmt = stmt.where(Action.owner_user_id == f.mine)
    if f.owner:
        wanted = f.owner.lower()
        by_email = select(User.id).where(func.lower(User.email) == wanted).scalar_subquery()
        stmt = stmt.where(
            or_(func.lower(Action.owner_name) == wanted, Action.owner_user_id.in_(by_email))
        )
    if f.service:
        stmt = stmt.where(Service.code == f.service.upper())
    if f.review:
        if (review_id := parse_id(f.review)) is not None:
            stmt = stmt.where(Review.id == review_id)
        else:
            stmt = stmt.where(Review.reference == f.review.upper())
    if f.due_before is not None:
        stmt = stmt.where(Action.due < f.due_before)
    return stmt


def _view(stmt: Select, view: str, today: date) -> Select:
    if view == "open":
        return stmt.where(Action.status.in_(OPEN_STATUSES))
    if view == "overdue":
        return stmt.where(Action.status.in_(OPEN_STATUSES), Action.due < today)
    if view == "due-soon":
        soon = today + timedelta(days=DUE_SOON_DAYS)
        return stmt.where(Action.status.in_(OPEN_STATUSES), Action.due >= today, Action.due <= soon)
    if view == "done":
        return stmt.where(Action.status == "done")
    return stmt


def _base(columns: list[Any], join: bool = True) -> Select:
    stmt = select(*columns).select_from(Action)
    if not join:
        return stmt
    return stmt.join(Review, Review.id == Action.review_id).join(
        Service, Service.id == Review.service_id
    )


def _needs_join(user: User, f: TrackerFilters) -> bool:
    """Whether the filters reach the review or service (else counts read the action index
    alone: the governance lead, who sees every service, is the tracker's main user)."""
    return access.visible_service_ids(user) is not None or bool(f.service or f.review)


def _overdue_expr(today: date) -> Any:
    return case((Action.status.in_(OPEN_STATUSES) & (Action.due < today), 1), else_=0)


ROW_COLUMNS = [
    Action.id,
    Action.review_id,
    Review.reference,
    Review.title,
    Service.code,
    Action.text,
    Action.kind,
    Action.owner_name,
    Action.due,
    Action.status,
]


def _row(r: Any, today: date) -> TrackerRow:
    return TrackerRow(
        id=r[0],
        review_id=r[1],
        reference=r[2],
        review_title=r[3],
        service_code=r[4],
        text=r[5],
        kind=r[6],
        owner=r[7] or "",
        due=r[8],
        status=r[9],
        overdue=r[9] in OPEN_STATUSES and r[8] is not None and r[8] < today,
    )


def tracker_page(
    session: Session, user: User, f: TrackerFilters, today: date, page_size: int = PAGE_SIZE
) -> TrackerPage:
    """One page of rows, the summary by the chosen group, and the overdue/due-soon counts:
    three queries, each on the (status, due) index for the open views."""
    key = {"owner": Action.owner_name, "service": Service.code, "review": Review.reference}[f.group]
    join = _needs_join(user, f)
    summary_stmt = _view(
        _filtered(
            _base(
                [key, func.count(Action.id), func.sum(_overdue_expr(today))],
                join or f.group != "owner",
            ),
            session,
            user,
            f,
            today,
        ),
        f.view,
        today,
    )
    # Every group, so the total is their sum (no separate count query); the page shows 12.
    groups = session.execute(
        summary_stmt.group_by(key).order_by(func.count(Action.id).desc(), key)
    ).all()
    total = sum(int(n) for _, n, _ in groups)
    summary = [
        (label or "No owner named", int(n), int(late or 0)) for label, n, late in groups[:12]
    ]
    pages = max(1, -(-total // page_size))
    page = min(f.page, pages)
    # The page's ids first, from the index alone; then only those rows with their review.
    ids_stmt = _view(_filtered(_base([Action.id], join), session, user, f, today), f.view, today)
    ids = list(
        session.scalars(
            ids_stmt.order_by(Action.due.asc().nulls_last(), Action.id)
            .limit(page_size)
            .offset((page - 1) * page_size)
        )
    )
    found = {r[0]: r for r in session.execute(_base(ROW_COLUMNS).where(Action.id.in_(ids)))}
    rows = [_row(found[i], today) for i in ids if i in found]
    soon = today + timedelta(days=DUE_SOON_DAYS)
    counts_stmt = _filtered(
        _base(
            [
                func.sum(case((Action.due < today, 1), else_=0)),
                func.sum(case(((Action.due >= today) & (Action.due <= soon), 1), else_=0)),
            ],
            join,
        ).where(Action.status.in_(OPEN_STATUSES), Action.due <= soon),
        session,
        user,
        f,
        today,
    )
    overdue, due_soon = session.execute(counts_stmt).one()
    return TrackerPage(
        rows=rows,
        total=total,
        page=page,
        pages=pages,
        summary=summary,
        counts={"overdue": int(overdue or 0), "due-soon": int(due_soon or 0)},
    )


def api_window(
    session: Session,
    user: User,
    f: TrackerFilters,
    today: date,
    status: str | None,
    limit: int,
    offset: int,
) -> tuple[list[tuple[Action, str, str]], int]:
    """A page of actions (with review reference and service code) and the total matching."""
    stmt = _view(
        _filtered(_base([Action, Review.reference, Service.code]), session, user, f, today),
        f.view,
        today,
    )
    count = _view(_filtered(_base([func.count(Action.id)]), session, user, f, today), f.view, today)
    if status:
        stmt, count = stmt.where(Action.status == status), count.where(Action.status == status)
    # Everything the API body shows, in a fixed number of queries whatever the page size.
    stmt = stmt.options(
        selectinload(Action.cause_links).selectinload(ActionCause.cause),
        selectinload(Action.review_points),
        selectinload(Action.owner_user),
        selectinload(Action.owner_staff),
    )
    rows = session.execute(
        stmt.order_by(Action.due.is_(None), Action.due, Action.id).limit(limit).offset(offset)
    ).all()
    return [(a, ref, code) for a, ref, code in rows], int(session.scalar(count) or 0)


EXPORT_COLUMNS = (
    "Review",
    "Service",
    "Review title",
    "Action",
    "Kind",
    "Type",
    "Owner",
    "Due",
    "Review points",
    "Status",
    "Overdue",
    "Measure",
    "Target",
    "Completed on",
)


def export_cells(
    session: Session, user: User, f: TrackerFilters, today: date
) -> Iterator[list[str]]:
    """Every matching action as export cells (raw text: the writer neutralises formulas)."""
    columns = [*ROW_COLUMNS, Action.action_type, Action.measure, Action.target, Action.completed_on]
    stmt = _view(_filtered(_base(columns), session, user, f, today), f.view, today)
    rows = session.execute(
        stmt.order_by(Action.due.is_(None), Action.due, Action.id).limit(EXPORT_LIMIT)
    ).all()
    points: dict[int, list[date]] = {}
    ids = [r[0] for r in rows]
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        for action_id, on in session.execute(
            select(ReviewPoint.action_id, ReviewPoint.on)
            .where(ReviewPoint.action_id.in_(chunk))
            .order_by(ReviewPoint.on)
        ):
            points.setdefault(action_id, []).append(on)
    for r in rows:
        row = _row(r, today)
        action_type, measure, target, completed = r[10], r[11], r[12], r[13]
        yield [
            row.reference,
            row.service_code,
            row.review_title,
            row.text,
            row.kind_label,
            ACTION_TYPES[action_type][1] if action_type in ACTION_TYPES else "",
            row.owner,
            row.due.strftime("%d/%m/%Y") if row.due else "",
            ", ".join(on.strftime("%d/%m/%Y") for on in points.get(row.id, [])),
            row.status_label,
            "Yes" if row.overdue else "",
            measure or "",
            target or "",
            completed.strftime("%d/%m/%Y") if completed else "",
        ]
