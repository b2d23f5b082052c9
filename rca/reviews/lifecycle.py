"""Creating a review, re-triaging it, choosing its depth and moving it through its stages."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, object_session

from rca import access
from rca.accounts.models import User
from rca.db import today_london
from rca.guidance.overrides import require_reasons
from rca.provider.models import Service
from rca.reviews.models import DEPTHS, SEVERITIES, STAGES, TRIGGERS, Review
from rca.reviews.scope import terms_missing
from rca.reviews.triage import TriageFacts, count_repeats, recommend_depth
from rca.validation import (
    Collector,
    FieldErrors,
    parse_bool,
    parse_choice,
    parse_id,
    parse_int,
    parse_past_date,
    parse_text,
)


class StaleVersion(Exception):
    """The review changed since the form or client last read it."""

    def __init__(self, review: Review):
        super().__init__(f"review {review.reference} is now at version {review.version}")
        self.review = review


def check_version(review: Review, submitted: Any) -> None:
    if submitted in (None, ""):
        return
    try:
        if int(submitted) != review.version:
            raise StaleVersion(review)
    except (TypeError, ValueError):
        raise StaleVersion(review) from None


def _parse_triage(raw: Mapping[str, Any], today: date) -> tuple[dict[str, Any], Collector]:
    c = Collector()
    data = {
        "title": c.check("title", parse_text, raw.get("title"), label="Title"),
        "trigger": c.check("trigger", parse_choice, raw.get("trigger"), TRIGGERS, label="Trigger"),
        "severity": c.check(
            "severity", parse_choice, raw.get("severity"), SEVERITIES, label="Severity"
        ),
        "people_affected": c.check(
            "people_affected",
            parse_int,
            raw.get("people_affected", 1),
            label="People affected",
            maximum=10_000,
        ),
        "safeguarding": parse_bool(raw.get("safeguarding")),
        "notified": parse_bool(raw.get("notified")),
    }
    occurred = c.check(
        "occurred_on", parse_past_date, raw.get("occurred_on"), today, label="Date of event"
    )
    data["occurred_on"] = occurred
    repeats = raw.get("repeats_12m")
    if repeats not in (None, ""):
        data["repeats_12m"] = c.check(
            "repeats_12m", parse_int, repeats, label="Repeats in the last 12 months"
        )
    return data, c


def _apply_triage(session: Session, review: Review, data: Mapping[str, Any]) -> None:
    for key in ("title", "trigger", "severity", "people_affected", "safeguarding", "notified"):
        setattr(review, key, data[key])
    review.occurred_on = data["occurred_on"]
    if "repeats_12m" in data:
        review.repeats_12m = data["repeats_12m"]
    else:
        # The count must not flush the half-applied triage: one save is one update.
        with session.no_autoflush:
            review.repeats_12m = count_repeats(
                session, review.service_id, review.trigger, review.occurred_on, review.id
            )
    followed = review.depth is None or review.depth == review.recommended_depth
    rec = recommend_depth(
        TriageFacts(
            review.trigger,
            review.severity,
            review.people_affected,
            review.safeguarding,
            review.notified,
            review.repeats_12m,
        )
    )
    review.recommended_depth = rec.depth
    review.recommended_reasons = rec.reasons
    if followed:
        review.depth = rec.depth
        review.depth_override_reason = None


def next_reference(session: Session, year: int) -> str:
    prefix = f"RCA-{year}-"
    last = session.scalar(
        select(func.max(Review.reference)).where(Review.reference.like(f"{prefix}%"))
    )
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{number:04d}"


def find_service(session: Session, user: User, value: Any) -> Service:
    """The service named by code (or id), if the user may start reviews there."""
    text = str(value or "").strip()
    if not text:
        raise FieldErrors({"service": "Service is required."})
    stmt = select(Service).where(Service.code == text)
    if (service_id := parse_id(text)) is not None:
        stmt = select(Service).where((Service.code == text) | (Service.id == service_id))
    service = session.scalars(stmt).first()
    if service is None or not access.can(user, "create", service.id):
        # Same answer for "does not exist" and "not yours": existence does not leak.
        raise FieldErrors({"service": f"No service {text!r} where you can start reviews."})
    return service


def create_review(session: Session, user: User, raw: Mapping[str, Any], today: date) -> Review:
    c = Collector()
    service = c.check("service", lambda: _service_or_value_error(session, user, raw))
    data, triage_errors = _parse_triage(raw, today)
    c.errors.update({k: v for k, v in triage_errors.errors.items() if k not in c.errors})
    c.raise_if_any()
    review = Review(
        service_id=service.id,
        reference=next_reference(session, data["occurred_on"].year),
        created_by_id=user.id,
        stage="triage",
        lead_id=user.id,
    )
    review.depth = None  # type: ignore[assignment]
    _apply_triage(session, review, data)
    session.add(review)
    session.flush()
    return review


def _service_or_value_error(session: Session, user: User, raw: Mapping[str, Any]) -> Service:
    try:
        return find_service(session, user, raw.get("service"))
    except FieldErrors as exc:
        raise ValueError(exc.errors["service"]) from None


def update_triage(session: Session, review: Review, raw: Mapping[str, Any], today: date) -> Review:
    check_version(review, raw.get("version"))
    data, c = _parse_triage(raw, today)
    c.raise_if_any()
    _apply_triage(session, review, data)
    session.flush()
    return review


def choose_depth(review: Review, depth: Any, reason: Any) -> Review:
    depth = str(depth or "")
    c = Collector()
    c.check("depth", parse_choice, depth, DEPTHS, label="Depth")
    c.raise_if_any()
    if depth == review.recommended_depth:
        review.depth, review.depth_override_reason = depth, None
        return review
    text = c.check(
        "depth_override_reason",
        parse_text,
        reason,
        label="A reason for overriding the recommendation",
        max_len=2000,
    )
    c.raise_if_any()
    review.depth, review.depth_override_reason = depth, text
    return review


def stage_blockers(review: Review, to_stage: str) -> list[str]:
    """What stops the review moving forward to ``to_stage`` whatever the reason (empty when it
    may). Failing guidance rules are not here: a reason lifts them (``move_to_stage``), and the
    stage-move form asks for one per rule (``rca.guidance.overrides.to_explain``)."""
    order = list(STAGES)
    blockers: list[str] = []
    if order.index(to_stage) > order.index("scope"):
        blockers += [f"Terms of reference: {m}" for m in terms_missing(review)]
    return blockers


def move_to_stage(
    review: Review,
    to_stage: Any,
    version: Any = None,
    overrides: Mapping[str, Any] | None = None,
    today: date | None = None,
) -> Review:
    """Move the review on one stage (or back).

    Besides the terms-of-reference blockers (which no reason lifts), every guidance rule that
    gates the move and fails needs a reason in ``overrides`` (rule id, or the form's
    ``override-<rule>`` field, to the reason); the reasons are recorded as guidance overrides in
    the same transaction (``rca.guidance.overrides``).
    """

    check_version(review, version)
    to_stage = str(to_stage or "")
    if to_stage not in STAGES:
        raise FieldErrors({"stage": f"Unknown stage {to_stage!r}."})
    order = list(STAGES)
    if order.index(to_stage) > order.index(review.stage) + 1:
        raise FieldErrors({"stage": "Stages move forward one at a time."})
    if blockers := stage_blockers(review, to_stage):
        raise FieldErrors({"stage": " ".join(blockers)})
    session = object_session(review)
    if session is not None:
        require_reasons(session, review, to_stage, overrides, today or today_london())
    review.stage = to_stage
    return review
