"""The review's action plan as plain data: for the actions pane, the PDF report and the API.

``action_plan``, ``effectiveness_results`` and ``learning_shared`` are the functions the report
calls; they return dataclasses of plain values, never ORM rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from rca.actions import effectiveness, learning
from rca.actions.models import OPEN_STATUSES, Action, ActionCause
from rca.actions.smart import SmartResult, smart_check
from rca.actions.trend_svg import render_trend
from rca.db import today_london
from rca.fishbone.models import CONCLUSIONS
from rca.fishbone.tree import CauseNode, cause_tree, flatten
from rca.reviews.models import Review


@dataclass(frozen=True)
class CauseRef:
    id: int
    text: str
    conclusion: str | None

    @property
    def conclusion_label(self) -> str:
        return CONCLUSIONS.get(self.conclusion or "", "Cause")


@dataclass(frozen=True)
class PlanRow:
    """One action of the plan, as the pane and the report show it."""

    id: int
    causes: list[CauseRef]
    text: str
    kind: str
    kind_label: str
    action_type: str | None
    type_label: str | None
    owner: str
    #: The owner select's value: "user:ID", "staff:ID", or the name as given.
    owner_key: str
    owner_user_id: int | None
    due: date | None
    review_points: list[date]
    measure: str | None
    target: str | None
    status: str
    status_label: str
    completed_on: date | None
    smart: SmartResult
    overdue: bool
    version: int


@dataclass
class PlanGroup:
    """Actions grouped under the cause they address (``cause`` None: no cause linked)."""

    cause: CauseRef | None
    rows: list[PlanRow] = field(default_factory=list)


def load_actions(session: Session, review: Review) -> list[Action]:
    return list(
        session.scalars(
            select(Action)
            .where(Action.review_id == review.id)
            .options(
                selectinload(Action.cause_links).selectinload(ActionCause.cause),
                selectinload(Action.review_points),
                selectinload(Action.owner_user),
                selectinload(Action.owner_staff),
            )
            .order_by(Action.id)
        )
    )


def plan_row(action: Action, today: date) -> PlanRow:
    causes = [
        CauseRef(link.cause.id, link.cause.text, link.cause.conclusion)
        for link in action.cause_links
        if link.cause is not None
    ]
    return PlanRow(
        id=action.id,
        causes=causes,
        text=action.text,
        kind=action.kind,
        kind_label=action.kind_label,
        action_type=action.action_type,
        type_label=action.type_label,
        owner=action.owner_label,
        owner_key=(
            f"user:{action.owner_user_id}"
            if action.owner_user_id
            else f"staff:{action.owner_staff_id}"
            if action.owner_staff_id
            else action.owner_name or ""
        ),
        owner_user_id=action.owner_user_id,
        due=action.due,
        review_points=[p.on for p in action.review_points],
        measure=action.measure,
        target=action.target,
        status=action.status,
        status_label=action.status_label,
        completed_on=action.completed_on,
        smart=smart_check(action, today),
        overdue=action.status in OPEN_STATUSES and action.due is not None and action.due < today,
        version=action.version,
    )


def action_plan(session: Session, review: Review, today: date | None = None) -> list[PlanRow]:
    """Every action of the review: cause(s), action, owner, due, review points, measure,
    target, status and SMART result."""

    day = today or today_london()
    return [plan_row(a, day) for a in load_actions(session, review)]


def review_causes(session: Session, review: Review) -> list[CauseNode]:
    """The review's causes by id, through the fishbone's reader (no evidence needed here)."""
    return sorted(flatten(cause_tree(session, review, with_evidence=False)), key=lambda c: c.id)


def agreed_causes(causes: list[CauseNode]) -> list[CauseRef]:
    """Root causes, then contributory factors: the causes the plan should address."""
    agreed = [c for c in causes if c.conclusion in ("root", "contributory")]
    agreed.sort(key=lambda c: (c.conclusion != "root", c.id))
    return [CauseRef(c.id, c.text, c.conclusion) for c in agreed]


def plan_groups(causes: list[CauseNode], rows: list[PlanRow]) -> list[PlanGroup]:
    """Each agreed cause with its actions (even none: that is the gap to fill), then other
    causes that have actions, then actions linked to no cause.

    An action linked to several causes is shown once, under the first agreed cause it
    addresses (else its first cause); the card names the others.
    """
    agreed = agreed_causes(causes)
    agreed_ids = {c.id for c in agreed}
    groups: dict[int, PlanGroup] = {c.id: PlanGroup(c) for c in agreed}
    loose = PlanGroup(None)
    for row in rows:
        if not row.causes:
            loose.rows.append(row)
            continue
        primary = next((c for c in row.causes if c.id in agreed_ids), row.causes[0])
        groups.setdefault(primary.id, PlanGroup(primary)).rows.append(row)
    ordered = sorted(
        groups.values(),
        key=lambda g: (
            {"root": 0, "contributory": 1}.get(g.cause.conclusion or "", 2),  # type: ignore[union-attr]
            g.cause.id,  # type: ignore[union-attr]
        ),
    )
    return ordered + ([loose] if loose.rows else [])


@dataclass(frozen=True)
class CheckRow:
    id: int
    period_start: date
    period_end: date
    numerator: int
    denominator: int
    source: str
    result_percent: float
    target_percent: float
    target_met: bool
    verdict: str
    verdict_label: str
    reopened_to: str | None


@dataclass
class EffectivenessResult:
    """The checks of one target (an action's, or the review's own when ``action_id`` is None)."""

    action_id: int | None
    title: str
    measure: str | None
    target: str | None
    target_percent: float | None
    checks: list[CheckRow]
    #: The trend chart (escaped SVG text, shared by the pane and the PDF).
    svg: str

    @property
    def latest(self) -> CheckRow | None:
        return self.checks[-1] if self.checks else None


def _result(
    session: Session,
    review: Review,
    action: Action | None,
    title: str,
    reopened: dict[int, str],
) -> EffectivenessResult:
    checks = effectiveness.checks_of(session, review, action.id if action else None)
    if action is None:
        measure, target_text = review.target_measure, review.target_text
        target = float(review.target_threshold) if review.target_threshold is not None else None
    else:
        measure, target_text = action.measure, action.target
        value = effectiveness.target_percent(action.target)
        target = float(value) if value is not None else None
    rows = [
        CheckRow(
            id=c.id,
            period_start=c.period_start,
            period_end=c.period_end,
            numerator=c.numerator,
            denominator=c.denominator,
            source=c.source,
            result_percent=float(c.result_percent),
            target_percent=float(c.target_percent),
            target_met=c.target_met,
            verdict=c.verdict,
            verdict_label=c.verdict_label,
            reopened_to=reopened.get(c.id),
        )
        for c in checks
    ]
    svg = render_trend(effectiveness.trend(checks), target, f"Trend of {title} against target")
    return EffectivenessResult(
        action.id if action else None, title, measure, target_text, target, rows, svg
    )


def effectiveness_results(session: Session, review: Review) -> list[EffectivenessResult]:
    """The review's own target first, then each action with a target or any check."""
    reopened = {f.check_id: f.to_stage for f in effectiveness.follow_ups(session, review)}
    out = [_result(session, review, None, "the review's improvement target", reopened)]
    for action in load_actions(session, review):
        if action.target or action.measure:
            short = action.text if len(action.text) <= 60 else action.text[:57] + "..."
            out.append(_result(session, review, action, f"“{short}”", reopened))
    return out


@dataclass(frozen=True)
class DisseminationRow:
    on: date
    method: str
    method_label: str
    teams: str | None
    staff: list[str]
    understanding_checked: bool
    notes: str | None


@dataclass(frozen=True)
class LearningShared:
    points: list[str]
    log: list[DisseminationRow]
    reach: learning.Reach


def learning_shared(session: Session, review: Review) -> LearningShared:
    """Learning points, the dissemination log, and the share of in-scope staff reached."""
    log = [
        DisseminationRow(
            on=d.on,
            method=d.method,
            method_label=d.method_label,
            teams=d.teams,
            staff=[link.staff_member.name for link in d.staff_links],
            understanding_checked=d.understanding_checked,
            notes=d.notes,
        )
        for d in learning.disseminations(session, review)
    ]
    points = [p.text for p in learning.learning_points(session, review)]
    return LearningShared(points, log, learning.reach(session, review))
