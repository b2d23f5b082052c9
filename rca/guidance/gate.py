"""What the fishbone asks the guidance before it records a conclusion (registered with
``rca.fishbone.cause_status.check_conclusions_with``, so the fishbone never imports the guidance).

``conclusion_refusal`` answers ``(rule_id, message)`` when a rule forbids concluding ``cause`` as
``conclusion`` now (e.g. "staff error" as a root cause before supervision, training, workload,
communication and oversight were examined), else None. The fishbone raises it as a 422
``{"error", "rule"}`` on the API and as a message on the screen.

An area counts as examined when a cause in a category covering it (the framework's
``Category.areas``) is supported or ruled out and links to at least one piece of evidence. The
cause being concluded does not count for itself.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from rca.db import today_london
from rca.fishbone.cause_status import check_conclusions_with
from rca.fishbone.models import Cause
from rca.guidance import facts
from rca.guidance.checks import names
from rca.guidance.patterns import looks_like_staff_error
from rca.reviews.models import Review

STAFF_ERROR_RULE = "staff-error-tested"


@check_conclusions_with
def conclusion_refusal(
    session: Session, review: Review, cause: Cause, conclusion: str | None
) -> tuple[str, str] | None:
    if conclusion != "root" or not looks_like_staff_error(cause.text):
        return None
    # Actions are not needed to judge a conclusion: skip their queries.
    loaded = facts.load(session, review, today_london(), with_actions=False)
    missing = loaded.unexamined_areas(excluding=cause.id)
    if not missing:
        return None
    areas = names([m.lower() for m in missing], 5)
    return (
        STAFF_ERROR_RULE,
        f"“{' '.join(cause.text.split())[:80]}” reads as staff error, so it cannot be a root "
        f"cause until {areas} {'has' if len(missing) == 1 else 'have'} been examined: add a cause "
        "in each of those areas and mark it supported or ruled out, with evidence linked. Record "
        "it as a contributory factor meanwhile.",
    )
