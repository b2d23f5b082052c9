"""Effectiveness checks: a re-audit result against a target, its verdict, and the follow-up a
failed check opens.

The verdict rule (documented for users in the monitoring pane and the README):

- **embedded**: the result meets or beats the target;
- **improving**: below the target, but better than the previous check of the same target;
- **not embedded**: below the target and no better than the previous check (or there is no
  previous check to be better than).

"Not embedded" reopens the review: a review past its actions stage (report, monitoring or closed)
goes back to **actions**, because the analysis stands but the plan did not work and needs
changing; a review still at or before actions stays where it is (it is already open). Either way
a ``FollowUp`` records the check, the stages and the reason, and the stage move itself lands in
History through the audit trail. Nothing is deleted: earlier checks and the old plan stay.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from rca.actions.models import Action
from rca.actions.monitoring_models import EffectivenessCheck, FollowUp
from rca.reviews.models import STAGES, Review
from rca.validation import (
    Collector,
    FieldErrors,
    parse_date,
    parse_int,
    parse_past_date,
    parse_text,
)
from rca.wording import excerpt

REOPEN_TO = "actions"
_NUMBER = re.compile(r"(\d+(?:\.\d+)?)")


@dataclass(frozen=True)
class CheckOutcome:
    check: EffectivenessCheck
    review_reopened: bool
    follow_up: FollowUp | None


@dataclass(frozen=True)
class TrendPoint:
    """One check as the trend chart draws it."""

    period_end: date
    result_percent: float
    verdict: str
    label: str


def target_percent(text: str | None) -> Decimal | None:
    """The percentage in a target as written ("100%", "95% within 5 working days")."""
    match = _NUMBER.search(text or "")
    if not match:
        return None
    value = Decimal(match.group(1))
    return value if 0 < value <= 100 else None


def percent(numerator: int, denominator: int) -> Decimal:
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


def verdict_for(result: Decimal, target: Decimal, previous: Decimal | None) -> str:
    if result >= target:
        return "embedded"
    if previous is not None and result > previous:
        return "improving"
    return "not-embedded"


def _target_of(review: Review, action: Action | None) -> Decimal:
    if action is None:
        if review.target_threshold is None:
            raise FieldErrors(
                {"target": "The review has no measurable improvement target to check against."}
            )
        return Decimal(review.target_threshold)
    value = target_percent(action.target)
    if value is None:
        shown = f" ({action.target!r})" if action.target else ""
        raise FieldErrors(
            {
                "target": f"The action's target{shown} is not a percentage; give it a target "
                "like 95% before checking it."
            }
        )
    return value


def checks_of(session: Session, review: Review, action_id: int | None) -> list[EffectivenessCheck]:
    stmt = select(EffectivenessCheck).where(EffectivenessCheck.review_id == review.id)
    if action_id is None:
        stmt = stmt.where(EffectivenessCheck.action_id.is_(None))
    else:
        stmt = stmt.where(EffectivenessCheck.action_id == action_id)
    return list(
        session.scalars(stmt.order_by(EffectivenessCheck.period_end, EffectivenessCheck.id))
    )


def _parse(raw: Mapping[str, Any], today: date) -> dict[str, Any]:
    c = Collector()
    numerator = c.check(
        "numerator", parse_int, raw.get("numerator"), label="Numerator", maximum=10_000_000
    )
    denominator = c.check(
        "denominator",
        parse_int,
        raw.get("denominator"),
        label="Denominator",
        minimum=1,
        maximum=10_000_000,
    )
    start = c.check("period_start", parse_date, raw.get("period_start"), label="Period start")
    end = c.check("period_end", parse_past_date, raw.get("period_end"), today, label="Period end")
    source = c.check("source", parse_text, raw.get("source"), label="Source", max_len=500)
    if numerator is not None and denominator is not None and numerator > denominator:
        c.errors.setdefault("numerator", "Numerator cannot be more than the denominator.")
    if start and end and start > end:
        c.errors.setdefault("period_end", "Period end cannot be before the period start.")
    c.raise_if_any()
    return {
        "numerator": numerator,
        "denominator": denominator,
        "period_start": start,
        "period_end": end,
        "source": source,
    }


def record_check(
    session: Session,
    review: Review,
    action: Action | None,
    raw: Mapping[str, Any],
    user_id: int | None,
    today: date,
) -> CheckOutcome:
    """Record a re-audit result against the action's target (or the review's when None)."""
    data = _parse(raw, today)
    target = _target_of(review, action)
    earlier = checks_of(session, review, action.id if action else None)
    previous = earlier[-1].result_percent if earlier else None
    result = percent(data["numerator"], data["denominator"])
    verdict = verdict_for(result, target, previous)
    check = EffectivenessCheck(
        review_id=review.id,
        action_id=action.id if action else None,
        result_percent=result,
        target_percent=target,
        target_met=result >= target,
        verdict=verdict,
        user_id=user_id,
        **data,
    )
    session.add(check)
    session.flush()
    follow_up = None
    reopened = False
    if verdict == "not-embedded":
        follow_up, reopened = _reopen(session, review, action, check)
    return CheckOutcome(check, reopened, follow_up)


def _reopen(
    session: Session, review: Review, action: Action | None, check: EffectivenessCheck
) -> tuple[FollowUp, bool]:
    order = list(STAGES)
    from_stage = review.stage
    to_stage = REOPEN_TO if order.index(from_stage) > order.index(REOPEN_TO) else from_stage
    short = excerpt(action.text, 80) if action else ""
    what = f"action “{short}”" if action else "the review's improvement target"
    reason = (
        f"Effectiveness check of {what}: {check.result_percent.normalize():f}% against a target "
        f"of {check.target_percent.normalize():f}% ({check.period_start:%d/%m/%Y} to "
        f"{check.period_end:%d/%m/%Y}, {check.source}); not embedded, so the plan is revisited."
    )
    follow_up = FollowUp(
        review_id=review.id,
        check_id=check.id,
        from_stage=from_stage,
        to_stage=to_stage,
        reason=reason,
    )
    session.add(follow_up)
    if to_stage != from_stage:
        review.stage = to_stage
    session.flush()
    return follow_up, to_stage != from_stage


def trend(checks: list[EffectivenessCheck]) -> list[TrendPoint]:
    return [
        TrendPoint(
            period_end=c.period_end,
            result_percent=float(c.result_percent),
            verdict=c.verdict,
            label=f"{c.period_end:%d/%m/%Y}: {c.result_percent.normalize():f}% "
            f"({c.numerator}/{c.denominator}), {c.verdict_label.lower()}",
        )
        for c in checks
    ]


def follow_ups(session: Session, review: Review) -> list[FollowUp]:
    return list(
        session.scalars(
            select(FollowUp).where(FollowUp.review_id == review.id).order_by(FollowUp.id)
        )
    )
