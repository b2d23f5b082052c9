"""The governance dashboard's figures for a scope: plain data, read in a fixed number of queries.

Two kinds of figure, and the page says which is which:
- **now**: open reviews by stage and age, overdue actions by owner. They read the scope's
  services and ignore the period: an action overdue today is overdue whatever the period.
- **in the period**: incidents and reviews per service per month, recurring factors and themes
  (the learning layer's, for the same scope), effectiveness results and learning shared.

The period defaults to the twelve months up to today when the URL gives none. Incidents are the
incident-log rows imported as evidence (``rca.governance.near_miss.KIND``), each counted once
however many reviews hold a copy (the same row's content hash at the same service).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import case, extract, func, select
from sqlalchemy.orm import Session

from rca.actions.models import OPEN_STATUSES, Action
from rca.actions.monitoring_models import (
    VERDICTS,
    Dissemination,
    DisseminationStaff,
    EffectivenessCheck,
)
from rca.db import LONDON
from rca.evidence.models import EvidenceRow
from rca.governance.near_miss import KIND as INCIDENTS
from rca.graph.freshness import remembered
from rca.graph.recurring import RecurringFactor, recurring_factors
from rca.graph.scope import LearningScope
from rca.graph.themes import Theme, themes
from rca.provider.models import Service
from rca.reviews.models import STAGES, Review

#: Age bands of an open review, from the day it was opened.
AGE_BANDS = (("Under 4 weeks", 28), ("4 to 12 weeks", 84), ("Over 12 weeks", None))
#: Owners shown one by one; the rest are summed in one row.
OWNERS_SHOWN = 10
#: Services drawn one by one in the per-month charts; the rest are summed as "Other services".
SERVICES_SHOWN = 6
FACTORS_SHOWN = 8
OTHER_SERVICES = "Other services"
NO_OWNER = "No owner named"


@dataclass(frozen=True)
class StageRow:
    stage: str
    label: str
    #: Open reviews in each of AGE_BANDS, in order.
    by_age: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.by_age)


@dataclass(frozen=True)
class OwnerRow:
    owner: str
    overdue: int
    oldest_due: date


@dataclass(frozen=True)
class ServiceMonths:
    code: str
    name: str
    #: Per month of ``Dashboard.months``.
    incidents: tuple[int, ...]
    reviews: tuple[int, ...]


@dataclass(frozen=True)
class Effectiveness:
    checks: int
    met: int
    missed: int
    #: (verdict label, checks), in VERDICTS order.
    verdicts: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class LearningShared:
    briefings: int
    reviews: int
    staff_briefed: int
    understanding_checked: int


@dataclass(frozen=True)
class Dashboard:
    scope: LearningScope
    today: date
    #: The period the "in the period" figures cover (the scope's, or the default).
    since: date
    until: date
    stages: tuple[StageRow, ...]
    owners: tuple[OwnerRow, ...]
    #: Months of the period, "2026-01" first.
    months: tuple[str, ...]
    services: tuple[ServiceMonths, ...]
    factors: tuple[RecurringFactor, ...]
    themes: tuple[Theme, ...]
    effectiveness: Effectiveness
    learning: LearningShared

    @property
    def open_reviews(self) -> int:
        return sum(s.total for s in self.stages)

    @property
    def overdue_actions(self) -> int:
        return sum(o.overdue for o in self.owners)


def default_period(today: date) -> tuple[date, date]:
    """Twelve whole months up to today: from the first of the month eleven months back."""
    month = today.month - 11
    year = today.year + (month - 1) // 12
    return date(year, (month - 1) % 12 + 1, 1), today


def board_key(session: Session, scope: LearningScope, today: date) -> tuple[Any, ...]:
    """What the figures depend on beyond the learning generation (``rca.graph.freshness``:
    reviews, actions, checks and learning shared move it): the scope, the day, and the newest
    evidence row (rows are written in bulk and never edited in the fields counted here, so the
    newest id says whether an incident-log row arrived)."""
    return ("dashboard", scope.key(), scope.label, today, session.scalar(_NEWEST_EVIDENCE))


def dashboard(
    session: Session, scope: LearningScope, today: date, key: tuple[Any, ...] | None = None
) -> Dashboard:
    """The figures, remembered until ``board_key`` or the generation changes."""
    key = key or board_key(session, scope, today)
    return remembered(session, key, lambda: _worked_out(session, scope, today))


_NEWEST_EVIDENCE = select(func.max(EvidenceRow.id))


def _worked_out(session: Session, scope: LearningScope, today: date) -> Dashboard:
    since, until = scope.since, scope.until
    if since is None:
        since = default_period(until or today)[0]
    if until is None:
        until = max(today, since)
    period = replace(scope, since=since, until=until)
    months = _months(since, until)
    return Dashboard(
        scope=scope,
        today=today,
        since=since,
        until=until,
        stages=_stages(session, scope, today),
        owners=_owners(session, scope, today),
        months=months,
        services=_per_month(session, period, months),
        factors=recurring_factors(session, period)[:FACTORS_SHOWN],
        themes=themes(session, period).themes,
        effectiveness=_effectiveness(session, period),
        learning=_learning(session, period),
    )


def _services(scope: LearningScope, column: Any) -> list[Any]:
    if scope.service_ids is None:
        return []
    return [column.in_(sorted(scope.service_ids) or [-1])]


def _stages(session: Session, scope: LearningScope, today: date) -> tuple[StageRow, ...]:
    start = datetime.combine(today, time(), LONDON)
    band = case(
        *(
            (Review.created_at >= start - timedelta(days=days - 1), i)
            for i, (_, days) in enumerate(AGE_BANDS)
            if days is not None
        ),
        else_=len(AGE_BANDS) - 1,
    )
    rows = session.execute(
        select(Review.stage, band, func.count())
        .where(Review.stage != "closed", *_services(scope, Review.service_id))
        .group_by(Review.stage, band)
    ).all()
    counts: dict[str, list[int]] = {}
    for stage, i, n in rows:
        counts.setdefault(stage, [0] * len(AGE_BANDS))[int(i)] += n
    return tuple(
        StageRow(stage, label, tuple(counts[stage]))
        for stage, label in STAGES.items()
        if stage in counts
    )


def _owners(session: Session, scope: LearningScope, today: date) -> tuple[OwnerRow, ...]:
    owner = func.coalesce(func.nullif(func.trim(Action.owner_name), ""), NO_OWNER)
    rows = session.execute(
        select(owner, func.count(), func.min(Action.due))
        .join(Review, Review.id == Action.review_id)
        .where(
            Action.status.in_(OPEN_STATUSES),
            Action.due < today,
            *_services(scope, Review.service_id),
        )
        .group_by(owner)
        .order_by(func.count().desc(), func.min(Action.due), owner)
    ).all()
    shown = [OwnerRow(o, n, due) for o, n, due in rows[:OWNERS_SHOWN]]
    rest = rows[OWNERS_SHOWN:]
    if rest:
        others = f"{len(rest)} other owner" + ("s" if len(rest) != 1 else "")
        shown.append(OwnerRow(others, sum(r[1] for r in rest), min(r[2] for r in rest)))
    return tuple(shown)


def _months(since: date, until: date) -> tuple[str, ...]:
    out, year, month = [], since.year, since.month
    while (year, month) <= (until.year, until.month):
        out.append(f"{year}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return tuple(out)


def _per_month(
    session: Session, scope: LearningScope, months: tuple[str, ...]
) -> tuple[ServiceMonths, ...]:
    reviews = _monthly(session, scope, Review.occurred_on, func.count())
    distinct = func.count(func.distinct(EvidenceRow.content_hash))
    incidents = _monthly(
        session,
        scope,
        EvidenceRow.occurred_on,
        distinct,
        EvidenceRow.kind == INCIDENTS,
        of=EvidenceRow,
    )
    index = {m: i for i, m in enumerate(months)}
    table: dict[int, tuple[list[int], list[int]]] = {}
    for which, rows in ((0, incidents), (1, reviews)):
        for service_id, y, m, n in rows:
            i = index.get(f"{int(y)}-{int(m):02d}")
            if i is not None:
                table.setdefault(service_id, ([0] * len(months), [0] * len(months)))[which][i] += n
    if not table:
        return ()
    names = dict(
        (r[0], (r[1], r[2]))
        for r in session.execute(
            select(Service.id, Service.code, Service.name).where(Service.id.in_(list(table)))
        )
    )
    ranked = sorted(table, key=lambda s: (-sum(table[s][0]) - sum(table[s][1]), names[s][0]))
    out = [
        ServiceMonths(names[s][0], names[s][1], tuple(table[s][0]), tuple(table[s][1]))
        for s in ranked[:SERVICES_SHOWN]
    ]
    rest = ranked[SERVICES_SHOWN:]
    if rest:
        sums = [
            tuple(sum(table[s][which][i] for s in rest) for i in range(len(months)))
            for which in (0, 1)
        ]
        out.append(ServiceMonths("", f"{OTHER_SERVICES} ({len(rest)})", sums[0], sums[1]))
    return tuple(out)


def _monthly(
    session: Session, scope: LearningScope, day: Any, count: Any, *where: Any, of: Any = None
) -> list[Any]:
    """(service id, year, month, count) for the period, of reviews or of a review's rows."""
    y, m = extract("year", day), extract("month", day)
    stmt = select(Review.service_id, y, m, count)
    if of is not None:
        stmt = stmt.select_from(of).join(Review, Review.id == of.review_id)
    stmt = stmt.where(
        day >= scope.since, day <= scope.until, *where, *_services(scope, Review.service_id)
    )
    return list(session.execute(stmt.group_by(Review.service_id, y, m)))


def _effectiveness(session: Session, scope: LearningScope) -> Effectiveness:
    met = func.sum(case((EffectivenessCheck.target_met.is_(True), 1), else_=0))
    rows = session.execute(
        select(EffectivenessCheck.verdict, func.count(), met)
        .join(Review, Review.id == EffectivenessCheck.review_id)
        .where(
            EffectivenessCheck.period_end >= scope.since,
            EffectivenessCheck.period_end <= scope.until,
            *_services(scope, Review.service_id),
        )
        .group_by(EffectivenessCheck.verdict)
    ).all()
    by = {v: (n, int(m or 0)) for v, n, m in rows}
    checks = sum(n for n, _ in by.values())
    hits = sum(m for _, m in by.values())
    verdicts = tuple((label, by.get(key, (0, 0))[0]) for key, label in VERDICTS.items())
    return Effectiveness(checks, hits, checks - hits, verdicts)


def _learning(session: Session, scope: LearningScope) -> LearningShared:
    where = [
        Dissemination.on >= scope.since,
        Dissemination.on <= scope.until,
        *_services(scope, Review.service_id),
    ]
    checked = func.sum(case((Dissemination.understanding_checked.is_(True), 1), else_=0))
    briefings, reviews, understood = session.execute(
        select(func.count(), func.count(func.distinct(Dissemination.review_id)), checked)
        .join(Review, Review.id == Dissemination.review_id)
        .where(*where)
    ).one()
    staff = session.scalar(
        select(func.count(func.distinct(DisseminationStaff.staff_id)))
        .join(Dissemination, Dissemination.id == DisseminationStaff.dissemination_id)
        .join(Review, Review.id == Dissemination.review_id)
        .where(*where)
    )
    return LearningShared(briefings, reviews, int(staff or 0), int(understood or 0))


@dataclass(frozen=True)
class OverdueAction:
    id: int
    review_id: int
    reference: str
    service_name: str
    text: str
    owner: str
    due: date

    def days_overdue(self, today: date) -> int:
        return (today - self.due).days


def overdue_actions(
    session: Session, scope: LearningScope, today: date, limit: int = 200
) -> tuple[OverdueAction, ...]:
    """The open actions past their due date, longest overdue first (the pack's list)."""
    rows = session.execute(
        select(
            Action.id,
            Action.review_id,
            Review.reference,
            Service.name,
            Action.text,
            Action.owner_name,
            Action.due,
        )
        .join(Review, Review.id == Action.review_id)
        .join(Service, Service.id == Review.service_id)
        .where(
            Action.status.in_(OPEN_STATUSES),
            Action.due < today,
            *_services(scope, Review.service_id),
        )
        .order_by(Action.due, Action.id)
        .limit(limit)
    ).all()
    return tuple(OverdueAction(*r[:5], (r[5] or "").strip() or NO_OWNER, r[6]) for r in rows)
