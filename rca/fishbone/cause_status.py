"""A cause's status and conclusion: the reason every status change needs, kept as a
``CauseStatusChange`` for the outline and the report, and the checks a conclusion must pass.

The guidance registers its gate here (``rca.guidance.gate``) so that the fishbone asks it
without importing the guidance, which reads the fishbone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from rca.audit.recorder import current_actor
from rca.fishbone.models import CAUSE_STATUSES, Cause, CauseStatusChange
from rca.reviews.models import Review
from rca.validation import FieldErrors


class ConclusionRefused(Exception):
    """A guidance rule forbids this conclusion now."""

    def __init__(self, rule: str, message: str):
        super().__init__(message)
        self.rule = rule
        self.message = message


#: A check asked before a conclusion is recorded: ``(rule_id, message)`` to refuse, or None.
ConclusionCheck = Callable[[Session, Review, Cause, str], "tuple[str, str] | None"]
_CONCLUSION_CHECKS: list[ConclusionCheck] = []


def check_conclusions_with(check: ConclusionCheck) -> ConclusionCheck:
    """Register a conclusion check. The guidance registers its gate (``rca.guidance.gate``), so
    the fishbone asks it without importing the guidance, which reads the fishbone."""
    _CONCLUSION_CHECKS.append(check)
    return check


def set_status(session: Session, cause: Cause, status: str, reason: Any) -> None:
    """Move the cause to ``status``, recording why (a change without a reason is refused)."""
    if status == cause.status:
        return
    why = str(reason or "").strip()
    if not why:
        raise FieldErrors(
            {
                "reason": f"Say why the status changes from {CAUSE_STATUSES[cause.status]} to "
                f"{CAUSE_STATUSES[status]}."
            }
        )
    if len(why) > 1000:
        raise FieldErrors({"reason": "Reason must be 1000 characters or fewer."})
    session.add(
        CauseStatusChange(
            review_id=cause.review_id,
            cause_id=cause.id,
            from_status=cause.status,
            to_status=status,
            reason=why,
            changed_by_id=current_actor().user_id,
        )
    )
    cause.status = status


def set_conclusion(session: Session, review: Review, cause: Cause, conclusion: str | None) -> None:
    """Record the conclusion (None: undecided) once every registered check allows it."""
    if conclusion == cause.conclusion:
        return
    if conclusion is not None:
        if not _CONCLUSION_CHECKS:  # fail closed: no conclusion goes unchecked
            raise RuntimeError("no conclusion check registered (import rca.guidance.gate)")
        session.flush()  # the checks read the cause's current status and evidence
        for check in _CONCLUSION_CHECKS:
            refusal = check(session, review, cause, conclusion)
            if refusal is not None:
                raise ConclusionRefused(*refusal)
    cause.conclusion = conclusion


def status_changes(session: Session, review: Review) -> list[CauseStatusChange]:
    """Every status change of the review's causes with its reason, oldest first (the report)."""
    return list(
        session.scalars(
            select(CauseStatusChange)
            .where(CauseStatusChange.review_id == review.id)
            .order_by(CauseStatusChange.changed_at, CauseStatusChange.id)
        )
    )
