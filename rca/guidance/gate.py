"""What the fishbone asks the guidance before it records a conclusion.

``conclusion_refusal`` answers ``(rule_id, message)`` when a rule forbids concluding ``cause`` as
``conclusion`` now (e.g. "staff error" as a root cause before supervision, training, workload,
communication and oversight were examined), else None. The fishbone raises it as a 422
``{"error", "rule"}`` on the API and as a message on the screen.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from rca.fishbone.models import Cause
from rca.reviews.models import Review


def conclusion_refusal(
    session: Session, review: Review, cause: Cause, conclusion: str | None
) -> tuple[str, str] | None:
    return None
