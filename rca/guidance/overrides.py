"""Moving a review on past failing guidance: a reason per rule, recorded, audited, reported.

``require_reasons`` runs inside ``lifecycle.move_to_stage``: every rule that gates the move and
fails (and was not overridden before) needs a reason, or nothing moves. The reasons become
``GuidanceOverride`` rows in the same transaction as the stage change, so History shows both and a
refused move leaves neither. An override stands once made: the panel shows the rule passed while
it passes, and overridden with the same reason if it fails again later.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from rca.audit.recorder import current_actor
from rca.guidance.models import GuidanceOverride
from rca.guidance.rules import RULES, RuleResult, evaluate
from rca.reviews.models import STAGES, Review
from rca.validation import FieldErrors

MAX_REASON = 2000
MIN_REASON = 10


def field_name(rule: str) -> str:
    """The form field (and error key) carrying the reason for overriding ``rule``."""
    return f"override-{rule}"


def to_explain(results: list[RuleResult], to_stage: str) -> list[RuleResult]:
    """The failing rules a move to ``to_stage`` needs a reason for (already overridden ones not)."""
    return [r for r in results if r.gates == to_stage and r.status == "fail"]


def _is_forward_move(review: Review, to_stage: str) -> bool:
    order = list(STAGES)
    return order.index(to_stage) == order.index(review.stage) + 1


def _reason(raw: Any, title: str) -> str | None:
    text = " ".join(str(raw or "").split())
    if not text:
        return None
    if len(text) < MIN_REASON:
        raise ValueError(f"Say in a sentence why moving on past “{title}” is right.")
    if len(text) > MAX_REASON:
        raise ValueError(f"Keep the reason under {MAX_REASON} characters (it is {len(text)}).")
    return text


def require_reasons(
    session: Session,
    review: Review,
    to_stage: str,
    reasons: Mapping[str, Any] | None,
    today: date,
) -> list[GuidanceOverride]:
    """Record an override per failing rule gating this move; refuse the move if one lacks a reason.

    ``reasons`` maps rule ids (or form fields ``override-<rule>``) to the reason given.
    """
    if not _is_forward_move(review, to_stage):
        return []
    reasons = reasons or {}
    needed = to_explain(evaluate(session, review, today), to_stage)
    errors: dict[str, str] = {}
    given: list[tuple[RuleResult, str]] = []
    for result in needed:
        raw = reasons.get(result.rule, reasons.get(field_name(result.rule)))
        try:
            text = _reason(raw, result.title)
        except ValueError as exc:
            errors[field_name(result.rule)] = str(exc)
            continue
        if text is None:
            errors[field_name(result.rule)] = (
                f"“{result.title}” is not met ({result.message}) Fix it, or give a reason for "
                "moving on without it."
            )
        else:
            given.append((result, text))
    if errors:
        missing = len(errors)
        count = "a guidance rule fails" if missing == 1 else f"{missing} guidance rules fail"
        errors["stage"] = (
            f"Not moved to {STAGES[to_stage]}: {count} without a reason. Fix each, or say why "
            "the review should move on anyway."
        )
        raise FieldErrors(errors)
    actor = current_actor()
    made = [
        GuidanceOverride(
            review_id=review.id,
            rule=result.rule,
            to_stage=to_stage,
            reason=text,
            message=result.message,
            user_id=actor.user_id,
        )
        for result, text in given
    ]
    session.add_all(made)
    return made


@dataclass(frozen=True)
class OverrideRecord:
    """One override as the report lists it."""

    rule: str
    title: str
    to_stage: str
    to_stage_label: str
    reason: str
    #: What the rule said when it was overridden.
    message: str | None
    by: str | None
    at: datetime


def overrides_for(session: Session, review: Review) -> list[OverrideRecord]:
    """Every guidance override on the review, oldest first (for the report and History)."""
    rows = session.scalars(
        select(GuidanceOverride)
        .where(GuidanceOverride.review_id == review.id)
        .options(selectinload(GuidanceOverride.user))
        .order_by(GuidanceOverride.created_at, GuidanceOverride.id)
    )
    return [
        OverrideRecord(
            rule=o.rule,
            title=RULES[o.rule].title if o.rule in RULES else o.rule,
            to_stage=o.to_stage,
            to_stage_label=STAGES.get(o.to_stage, o.to_stage),
            reason=o.reason,
            message=o.message,
            by=o.user.name if o.user else None,
            at=o.created_at,
        )
        for o in rows
    ]
