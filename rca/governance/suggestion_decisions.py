"""Deciding a "look here too" suggestion: accept (a check planned, with an owner and due date)
or dismiss (a reason required). Each suggestion is decided once.

**Where the accepted check lives: in the source review's plan**, addressing the finding that
prompted it ("Audit Elm Court for “Poor lighting” ... (learning from RCA-2026-0005)"), made through
``rca.actions.planning`` like any planned action. Why there:

- an action belongs to a review, and the target service may have no review at all (that is
  why it is suggested); starting a review there for a check would count a review that never
  happened in every learning figure and dashboard;
- the check *is* that review's learning carried across the provider: its plan, its report and
  its History then show the commissioner and the inspector that the learning went beyond the
  one home, and the action addresses the finding it came from.

The owner therefore has to be able to open the source review and to work at the target
service: a **user of the workbench with a role at both** (an all-services role counts; the
provider quality lead, the governance lead, an area manager). A name from one service's staff
register is refused: the plan's own edit form offers the source service's people, so a target
service's staff member would not survive the next edit, and the owner could not see the action.
Recurrence after closure reads an action's review's service, so it does not follow this check
to the target service; the check's own progress and effectiveness check do.

**Who may decide**: ``edit`` at both services (admins, investigators, facilitators): accepting
writes into the source review's plan, which needs ``edit`` there, and directs work at the target
service; a dismissal silences the question for good, so it needs the same authority.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from rca import access
from rca.accounts.models import User
from rca.actions import planning
from rca.actions.models import Action
from rca.db import utcnow
from rca.governance.suggestion_models import SuggestionDecision
from rca.governance.suggestions import Suggestion, parse_key, suggestions
from rca.reviews.models import Review
from rca.validation import Collector, FieldErrors, parse_date, parse_text

CHOICES = {"accept": "accepted", "dismiss": "dismissed"}
REASON_LIMIT = 2000
#: The action type an accepted check takes, by the factor's category (all system changes).
ACTION_TYPE_BY_CATEGORY = {"environment": "environment", "equipment": "tool", "guidance": "process"}
#: Agency induction is how agency staff are brought onto shifts: a staffing arrangement.
OTHER_ACTION_TYPE = "staffing"


class SuggestionNotFound(Exception):
    """No such open suggestion among what the user may see (404)."""


class AlreadyDecided(Exception):
    """The suggestion was accepted or dismissed before (409)."""


class NotAllowed(Exception):
    """The user may see the suggestion but may not plan actions at both services (403)."""


def open_suggestion(session: Session, user: User, key: str) -> Suggestion:
    """The open suggestion with this id as the user sees it; refused as the module's errors."""
    parsed = parse_key(key)
    if parsed is None:
        raise SuggestionNotFound(key)
    service_id, code = parsed
    if not access.can(user, "view", service_id):
        raise SuggestionNotFound(key)  # a service they cannot see: say nothing about it
    taken = session.scalar(
        select(SuggestionDecision.id).where(
            SuggestionDecision.factor_code == code,
            SuggestionDecision.target_service_id == service_id,
        )
    )
    if taken is not None:
        raise AlreadyDecided(key)
    found = next((s for s in suggestions(session, user, status="open") if s.key == key), None)
    if found is None:
        raise SuggestionNotFound(key)
    return found


def may_decide(user: User, suggestion: Suggestion) -> bool:
    source = suggestion.source.service
    return (
        source is not None
        and access.can(user, "edit", source.id)
        and access.can(user, "edit", suggestion.target.id)
    )


def owner_choices(session: Session, suggestion: Suggestion) -> list[User]:
    """Users who may own the check: a role at both services (module docstring)."""
    source = suggestion.source.service
    if source is None:
        return []
    at_target = {u.id for u in planning.service_users(session, suggestion.target.id)}
    return [u for u in planning.service_users(session, source.id) if u.id in at_target]


def decide(
    session: Session, user: User, key: str, raw: dict[str, Any], today: date
) -> SuggestionDecision:
    """Accept or dismiss an open suggestion (flushed; the caller commits).

    Checked in order, nothing written until all pass: the suggestion is open and visible (else
    SuggestionNotFound, or AlreadyDecided once decided); the user may edit at both services
    (NotAllowed); ``decision`` is accept or dismiss; an acceptance has an owner who works at
    both services and a due date not before today; a dismissal has a reason (FieldErrors).
    """
    suggestion = open_suggestion(session, user, key)
    if not may_decide(user, suggestion):
        raise NotAllowed(key)
    c = Collector()
    choice = str(raw.get("decision") or "").strip()
    if choice not in CHOICES:
        c.errors["decision"] = "Say whether to accept the suggestion (plan a check) or dismiss it."
    reason = None
    action_input = None
    review = session.get(Review, suggestion.source.review_id)
    assert review is not None  # an open suggestion's source is a review that exists
    if choice == "accept":
        action_input = _check_input(c, session, review, suggestion, raw, today)
    elif choice == "dismiss":
        reason = c.check(
            "reason", parse_text, raw.get("reason"), label="A reason for dismissing",
            max_len=REASON_LIMIT,
        )  # fmt: skip
    c.raise_if_any()
    decision = SuggestionDecision(
        factor_code=suggestion.factor_code,
        target_service_id=suggestion.target.id,
        source_review_id=review.id,
        source_cause_id=suggestion.source.cause_id,
        source_reference=review.reference,
        because=suggestion.reason,
        decision=CHOICES[choice],
        reason=reason,
        decided_by_id=user.id,
        decided_at=utcnow(),
    )
    if action_input is not None:
        action = planning.create_action(session, review, action_input, user.id)
        decision.action_id = action.id
    session.add(decision)
    session.flush()
    return decision


def _check_input(
    c: Collector,
    session: Session,
    review: Review,
    suggestion: Suggestion,
    raw: dict[str, Any],
    today: date,
) -> planning.ActionInput | None:
    """The check as an action of the source review's plan; errors go into ``c`` by field."""
    owner = str(raw.get("owner") or "").strip()
    if not owner:
        c.errors["owner"] = "Name who will do the check: the owner is required."
    due = c.check("due", parse_date, raw.get("due"), label="The due date")
    if due is not None and due < today:
        c.errors["due"] = f"The due date ({due:%d/%m/%Y}) is before today."
    if c.errors:
        return None
    target = suggestion.target.name
    topic = f"“{suggestion.factor_label}”"
    fields = {
        "text": f"Audit {target} for {topic} and put right what the audit finds "
        f"(learning from {review.reference})",
        "action_type": ACTION_TYPE_BY_CATEGORY.get(
            suggestion.factor_code.split(".")[0], OTHER_ACTION_TYPE
        ),
        "owner": owner,
        "due": due.isoformat(),
        "measure": f"{target} audited for {topic}, with what was found recorded",
        "target": "Audit done by the due date; every problem found put right or planned",
    }
    try:
        data = planning.parse_action(
            session, review, fields, [suggestion.source.cause_id], [due.isoformat()]
        )
    except FieldErrors as exc:
        c.errors.update(exc.errors)
        return None
    if data.owner.user_id not in {u.id for u in owner_choices(session, suggestion)}:
        source = suggestion.source.service.name if suggestion.source.service else "the source"
        c.errors["owner"] = (
            f"Choose a user of the workbench who works at both {source} and {target}: the check "
            f"is planned in {review.reference}, so its owner must be able to open that review."
        )
        return None
    return data


def planned_action(session: Session, decision: SuggestionDecision) -> Action | None:
    return session.get(Action, decision.action_id) if decision.action_id else None
