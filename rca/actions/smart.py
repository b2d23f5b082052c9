"""Is an action SMART? Specific, measurable, assigned, realistic and time-bound, each failing
part named so the plan says what to fix.

The rules (shown to users in the plan, so they are written to be read):

- **specific**: the text says what changes, in at least four words, and is not a vague verb
  ("improve", "review", "monitor", ...) with little else ("Improve recording" is not specific;
  "Make the shift lead own care-plan updates after every incident" is).
- **measurable**: a measure and a target are both given.
- **assigned**: a named owner (a name, a user or a member of staff).
- **realistic**: judged against the *planning date* (when the action was created; ``today`` for
  one not yet saved), so an action that later runs late does not stop being SMART (lateness is
  the tracker's "overdue", not a planning fault): the due date is not before the planning date
  and is at most 12 months after it, and no review point is before the planning date.
- **time-bound**: a due date and at least one review point.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from rca.actions.models import Action

#: Verbs that, with little else, say that something will be looked at rather than what changes.
VAGUE_VERBS = frozenset(
    {
        "improve",
        "review",
        "monitor",
        "consider",
        "address",
        "ensure",
        "look",
        "check",
        "discuss",
        "explore",
        "investigate",
        "reinforce",
    }
)
MIN_WORDS = 4
#: A vague verb needs at least this many words after it to say what changes.
VAGUE_MIN_WORDS = 7
MAX_HORIZON = timedelta(days=366)

WORD = re.compile(r"[A-Za-z0-9%'-]+")


@dataclass(frozen=True)
class SmartResult:
    ok: bool
    #: The failing parts in words, e.g. ["measurable: no target", "time-bound: no review point"].
    missing: list[str]


def _planning_date(action: Action, today: date) -> date:
    created = getattr(action, "created_at", None)
    return created.date() if created is not None else today


def _specific(text: str) -> str | None:
    words = WORD.findall(text or "")
    if len(words) < MIN_WORDS:
        return "specific: say what will change, in a few words"
    if words[0].lower() in VAGUE_VERBS and len(words) < VAGUE_MIN_WORDS:
        return f'specific: "{words[0].lower()}" alone does not say what will change'
    return None


def smart_check(action: Action, today: date) -> SmartResult:
    """Check one action (saved or not) and name each failing part."""
    missing: list[str] = []
    problem = _specific(action.text)
    if problem:
        missing.append(problem)
    if not (action.measure or "").strip():
        missing.append("measurable: no measure given")
    if not (action.target or "").strip():
        missing.append("measurable: no target given")
    if not ((action.owner_name or "").strip() or action.owner_user_id or action.owner_staff_id):
        missing.append("assigned: no named owner")
    planned = _planning_date(action, today)
    points = [p.on for p in (action.review_points or [])]
    if action.due is not None:
        if action.due < planned:
            missing.append("realistic: due date is before the action was planned")
        elif action.due - planned > MAX_HORIZON:
            missing.append("realistic: due date is more than 12 months away")
    if any(on < planned for on in points):
        missing.append("realistic: a review point is before the action was planned")
    if action.due is None:
        missing.append("time-bound: no due date")
    if not points:
        missing.append("time-bound: no review point")
    return SmartResult(ok=not missing, missing=missing)
