"""The inspection-evidence view's figures: per quality statement, what shows it in a scope.

For the reviews in a learning scope (the services the reader may see, one service or kind, a
period of incident dates: ``rca.graph.scope``), each quality statement with evidence gets its
reviews, its findings, the actions tagged with it (owner, status, due), the effectiveness checks
of those actions and of those reviews' targets, and the learning those reviews shared (who was
briefed, how and when).

A fixed number of queries whatever the scope's size. Findings are read here with one query over
every review in scope rather than through ``rca.fishbone.tree.cause_tree``, which reads one
review at a time: the view would otherwise make one query per review (a provider-wide year is
hundreds). ``_FINDINGS`` reads only the columns tagging needs and only concluded causes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from rca.accounts.models import User
from rca.actions.models import ACTION_STATUSES, Action, ActionCause
from rca.actions.monitoring_models import (
    DISSEMINATION_METHODS,
    VERDICTS,
    Dissemination,
    DisseminationStaff,
    EffectivenessCheck,
)
from rca.fishbone.models import CONCLUSIONS, Cause
from rca.governance.quality_statements import STATEMENTS, QualityStatement
from rca.governance.statement_mapping import statement_map
from rca.governance.statement_models import StatementOverride
from rca.governance.tagging import FINDING_CONCLUSIONS, Tagging, tag_review
from rca.graph.scope import LearningScope
from rca.provider.models import Service, StaffMember
from rca.reviews.heading import ReviewHeading
from rca.reviews.models import Review


@dataclass(frozen=True)
class FindingRef:
    id: int
    review_id: int
    text: str
    conclusion: str
    factor_code: str | None
    #: ``mapping`` or ``override``: why the statement is on it.
    tagged_by: str

    @property
    def conclusion_label(self) -> str:
        return CONCLUSIONS.get(self.conclusion, self.conclusion)

    def to_json(self) -> dict[str, Any]:
        keys = ("id", "review_id", "text", "conclusion", "factor_code", "tagged_by")
        return {k: getattr(self, k) for k in keys}


@dataclass(frozen=True)
class ActionRef:
    id: int
    review_id: int
    text: str
    owner: str
    status: str
    due: date | None
    completed_on: date | None
    action_type: str | None
    tagged_by: str

    @property
    def status_label(self) -> str:
        return ACTION_STATUSES.get(self.status, self.status)

    def to_json(self) -> dict[str, Any]:
        out = {k: getattr(self, k) for k in ("id", "review_id", "text", "owner", "status")}
        out["due"] = self.due.isoformat() if self.due else None
        out["completed_on"] = self.completed_on.isoformat() if self.completed_on else None
        out.update(action_type=self.action_type, tagged_by=self.tagged_by)
        return out


@dataclass(frozen=True)
class CheckRef:
    id: int
    review_id: int
    #: Null: the review's own improvement target.
    action_id: int | None
    period_start: date
    period_end: date
    result_percent: Decimal
    target_percent: Decimal
    target_met: bool
    verdict: str

    @property
    def verdict_label(self) -> str:
        return VERDICTS.get(self.verdict, self.verdict)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "review_id": self.review_id,
            "action_id": self.action_id,
            "period_start": self.period_start.isoformat(),
            "period_end": self.period_end.isoformat(),
            "result_percent": float(self.result_percent),
            "target_percent": float(self.target_percent),
            "target_met": self.target_met,
            "verdict": self.verdict,
        }


@dataclass(frozen=True)
class SharingRef:
    id: int
    review_id: int
    on: date
    method: str
    teams: str | None
    staff_briefed: tuple[str, ...]
    understanding_checked: bool

    @property
    def method_label(self) -> str:
        return DISSEMINATION_METHODS.get(self.method, self.method)

    def to_json(self) -> dict[str, Any]:
        out = {k: getattr(self, k) for k in ("id", "review_id", "method", "teams")}
        out.update(
            on=self.on.isoformat(),
            staff_briefed=list(self.staff_briefed),
            understanding_checked=self.understanding_checked,
        )
        return out


@dataclass
class StatementEvidence:
    statement: QualityStatement
    reviews: list[ReviewHeading] = field(default_factory=list)
    findings: list[FindingRef] = field(default_factory=list)
    actions: list[ActionRef] = field(default_factory=list)
    effectiveness: list[CheckRef] = field(default_factory=list)
    learning_shared: list[SharingRef] = field(default_factory=list)

    @property
    def targets_met(self) -> int:
        return sum(1 for c in self.effectiveness if c.target_met)

    def to_json(self) -> dict[str, Any]:
        s = self.statement
        return {
            "key": s.key,
            "label": s.label,
            "key_question": s.key_question_label,
            "reviews": [r.to_json() for r in self.reviews],
            "findings": [f.to_json() for f in self.findings],
            "actions": [a.to_json() for a in self.actions],
            "effectiveness": [c.to_json() for c in self.effectiveness],
            "learning_shared": [d.to_json() for d in self.learning_shared],
        }


@dataclass(frozen=True)
class InspectionEvidence:
    scope: LearningScope
    statements: list[StatementEvidence]
    #: Reviews in scope, and how many of them evidence at least one statement.
    reviews_in_scope: int
    reviews_tagged: int


_OWNER = aliased(User)
_STAFF = aliased(StaffMember)


def _reviews(session: Session, scope: LearningScope) -> dict[int, ReviewHeading]:
    rows = session.execute(
        select(
            Review.id,
            Review.reference,
            Review.title,
            Service.code,
            Service.name,
            Review.occurred_on,
            Review.stage,
        )  # fmt: skip
        .join(Service, Service.id == Review.service_id)
        .where(*scope.where())
        .order_by(Review.occurred_on, Review.id)
    ).all()
    return {r[0]: ReviewHeading(*r) for r in rows}


def _in(ids: list[int], column: Any) -> Any:
    # One IN list of the scope's review ids, rather than repeating the scope's joins per table.
    return column.in_(ids or [-1])


def gather(session: Session, scope: LearningScope) -> InspectionEvidence:
    """Every statement with evidence in scope, in CQC's order (see the module docstring)."""
    reviews = _reviews(session, scope)
    ids = list(reviews)
    findings = session.execute(
        select(
            Cause.id, Cause.review_id, Cause.text, Cause.factor_code, Cause.status, Cause.conclusion
        )  # fmt: skip
        .where(_in(ids, Cause.review_id), Cause.conclusion.in_(FINDING_CONCLUSIONS))
        .order_by(Cause.review_id, Cause.position, Cause.id)
    ).all()
    owner = _OWNER.name
    actions = session.execute(
        select(Action, owner, _STAFF.name, _STAFF.role)
        .outerjoin(_OWNER, _OWNER.id == Action.owner_user_id)
        .outerjoin(_STAFF, _STAFF.id == Action.owner_staff_id)
        .where(_in(ids, Action.review_id))
        .order_by(Action.review_id, Action.id)
    ).all()
    links = session.execute(
        select(ActionCause.review_id, ActionCause.action_id, ActionCause.cause_id).where(
            _in(ids, ActionCause.review_id)
        )
    ).all()
    overrides = session.scalars(
        select(StatementOverride).where(_in(ids, StatementOverride.review_id))
    ).all()
    tags = tag_review(
        statement_map(session),
        [(f.id, f.factor_code, f.status, f.conclusion) for f in findings],
        [(a.Action.id, a.Action.action_type) for a in actions],
        [(link.action_id, link.cause_id) for link in links],
        overrides,
    )
    checks = session.scalars(
        select(EffectivenessCheck)
        .where(_in(ids, EffectivenessCheck.review_id))
        .order_by(EffectivenessCheck.period_end, EffectivenessCheck.id)
    ).all()
    sharing = _sharing(session, ids)

    out = {key: StatementEvidence(s) for key, s in STATEMENTS.items()}
    seen: dict[str, set[int]] = {key: set() for key in STATEMENTS}
    tagged_actions: dict[int, tuple[str, ...]] = {}
    for f in findings:
        tagging = tags.causes.get(f.id)
        for key in tagging.statements if tagging else ():
            ref = FindingRef(f.id, f.review_id, f.text, f.conclusion, f.factor_code,
                             tagging.how(key))  # fmt: skip
            out[key].findings.append(ref)
            seen[key].add(f.review_id)
    for action, user_name, staff_name, staff_role in actions:
        tagging = tags.actions.get(action.id) or Tagging((), ())
        tagged_actions[action.id] = tagging.statements
        label = user_name or (
            f"{staff_name} ({staff_role})" if staff_name and staff_role else staff_name
        )
        for key in tagging.statements:
            out[key].actions.append(
                _action_ref(action, label or action.owner_name or "", tagging, key)
            )
            seen[key].add(action.review_id)
    for check in checks:
        ref = CheckRef(
            check.id, check.review_id, check.action_id, check.period_start, check.period_end,
            check.result_percent, check.target_percent, check.target_met, check.verdict,
        )  # fmt: skip
        keys = (
            tagged_actions.get(check.action_id, ())
            if check.action_id
            else [k for k in STATEMENTS if check.review_id in seen[k]]
        )
        for key in keys:
            out[key].effectiveness.append(ref)
    for key, evidence in out.items():
        evidence.reviews = [reviews[i] for i in reviews if i in seen[key]]
        evidence.learning_shared = [d for d in sharing if d.review_id in seen[key]]
    shown = [e for e in out.values() if e.reviews]
    tagged = set().union(*seen.values()) if seen else set()
    return InspectionEvidence(scope, shown, len(reviews), len(tagged))


def _action_ref(action: Action, owner: str, tagging: Tagging, key: str) -> ActionRef:
    return ActionRef(
        action.id, action.review_id, action.text, owner, action.status, action.due,
        action.completed_on, action.action_type, tagging.how(key),
    )  # fmt: skip


def _sharing(session: Session, ids: list[int]) -> list[SharingRef]:
    rows = session.execute(
        select(Dissemination).where(_in(ids, Dissemination.review_id))
        .order_by(Dissemination.on, Dissemination.id)
    ).scalars().all()  # fmt: skip
    names: dict[int, list[str]] = {}
    for dissemination_id, name in session.execute(
        select(DisseminationStaff.dissemination_id, StaffMember.name)
        .join(StaffMember, StaffMember.id == DisseminationStaff.staff_id)
        .where(_in(ids, DisseminationStaff.review_id))
        .order_by(DisseminationStaff.id)
    ):
        names.setdefault(dissemination_id, []).append(name)
    return [
        SharingRef(
            d.id,
            d.review_id,
            d.on,
            d.method,
            d.teams,
            tuple(names.get(d.id, ())),
            d.understanding_checked,
        )  # fmt: skip
        for d in rows
    ]
