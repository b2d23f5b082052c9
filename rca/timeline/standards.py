"""Service standards, event marks, annotations and manual events: the timeline's writes.

A service with no standards of its own uses the two defaults from the domain reading. The first
time an admin adds (or removes) a standard, the defaults are copied in as ordinary rows, so from
then on the service's list is exactly what its admins made it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from rca.evidence.manual import record_manual
from rca.evidence.models import MANUAL_KINDS, EvidenceRow
from rca.reviews.models import Review
from rca.timeline.chronology import LANES
from rca.timeline.models import (
    ANNOTATION_KINDS,
    BASES,
    EVENT_TYPES,
    MARKABLE_TYPES,
    Annotation,
    EventMark,
    ServiceStandard,
)
from rca.validation import Collector, FieldErrors, parse_date, parse_id

MAX_LIMIT_DAYS = 365


@dataclass(frozen=True)
class Standard:
    id: int | None
    name: str
    from_type: str
    to_type: str
    limit_working_days: int


DEFAULT_STANDARDS = (
    Standard(None, "Concern indicator reviewed by management within 1 working day",
             "concern", "management-review", 1),
    Standard(None, "Identified change in need reflected in the care plan within 5 working days",
             "change-in-need", "care-plan-change", 5),
)  # fmt: skip


def standards_for(session: Session, service_id: int) -> list[Standard]:
    rows = session.scalars(
        select(ServiceStandard)
        .where(ServiceStandard.service_id == service_id)
        .order_by(ServiceStandard.id)
    ).all()
    if not rows:
        return list(DEFAULT_STANDARDS)
    return [Standard(r.id, r.name, r.from_type, r.to_type, r.limit_working_days) for r in rows]


def _materialise_defaults(session: Session, service_id: int) -> None:
    exists = session.scalar(
        select(ServiceStandard.id).where(ServiceStandard.service_id == service_id).limit(1)
    )
    if exists is None:
        for s in DEFAULT_STANDARDS:
            session.add(
                ServiceStandard(
                    service_id=service_id,
                    name=s.name,
                    from_type=s.from_type,
                    to_type=s.to_type,
                    limit_working_days=s.limit_working_days,
                )
            )
        session.flush()


def add_standard(session: Session, service_id: int, form: Mapping[str, Any]) -> ServiceStandard:
    c = Collector()
    name = str(form.get("name") or "").strip()
    from_type = str(form.get("from_type") or "")
    to_type = str(form.get("to_type") or "")
    if from_type not in EVENT_TYPES:
        c.errors["from_type"] = "Choose the event the standard starts from."
    if to_type not in EVENT_TYPES:
        c.errors["to_type"] = "Choose the event that must follow."
    elif to_type == from_type:
        c.errors["to_type"] = "The event that must follow has to be a different type."
    raw = str(form.get("limit_working_days") or "").strip()
    if not raw.isdigit() or not 0 <= int(raw) <= MAX_LIMIT_DAYS:
        c.errors["limit_working_days"] = (
            f"Working days must be a whole number from 0 to {MAX_LIMIT_DAYS}."
        )
    if not name and not c.errors:
        name = (
            f"{EVENT_TYPES[from_type]} followed by {EVENT_TYPES[to_type].lower()} "
            f"within {raw} working day{'s' if raw != '1' else ''}"
        )
    if len(name) > 200:
        c.errors["name"] = "Keep the name to 200 characters or fewer."
    c.raise_if_any()
    _materialise_defaults(session, service_id)
    row = ServiceStandard(
        service_id=service_id,
        name=name,
        from_type=from_type,
        to_type=to_type,
        limit_working_days=int(raw),
    )
    session.add(row)
    session.flush()
    return row


def remove_standard(session: Session, service_id: int, standard_id: int) -> None:
    _materialise_defaults(session, service_id)
    row = session.get(ServiceStandard, standard_id)
    if row is None or row.service_id != service_id:
        raise FieldErrors({"standard": "That standard no longer exists."})
    session.delete(row)
    session.flush()


def _evidence_in(session: Session, review: Review, raw: Any, field: str) -> EvidenceRow:
    row_id = parse_id(raw)
    row = session.get(EvidenceRow, row_id) if row_id is not None else None
    if row is None or row.review_id != review.id:
        raise FieldErrors({field: "That event is not part of this review."})
    return row


def toggle_mark(
    session: Session, review: Review, evidence_id: Any, event_type: str, user_id: int | None
) -> bool:
    """Mark the event as ``event_type``, or unmark it; True when it is now marked."""
    if event_type not in MARKABLE_TYPES:
        raise FieldErrors({"event_type": "Choose what the event counts as."})
    row = _evidence_in(session, review, evidence_id, "evidence_id")
    mark = session.scalar(
        select(EventMark).where(EventMark.evidence_id == row.id, EventMark.event_type == event_type)
    )
    if mark is not None:
        session.delete(mark)
        session.flush()
        return False
    session.add(
        EventMark(
            review_id=review.id, evidence_id=row.id, event_type=event_type, created_by_id=user_id
        )
    )
    session.flush()
    return True


def add_annotation(
    session: Session, review: Review, form: Mapping[str, Any], user_id: int | None
) -> Annotation:
    c = Collector()
    kind = str(form.get("kind") or "")
    basis = str(form.get("basis") or "")
    text = str(form.get("text") or "").strip()
    raw_event = str(form.get("evidence_id") or "").strip()
    if kind not in ANNOTATION_KINDS:
        c.errors["kind"] = "Choose key moment, missed opportunity or note."
    if basis not in BASES:
        c.errors["basis"] = "Say whether this is a fact or an assumption."
    if not text:
        c.errors["text"] = "Write what you noticed."
    elif len(text) > 4000:
        c.errors["text"] = "Keep it to 4,000 characters or fewer."
    evidence_id = None
    if raw_event:
        try:
            evidence_id = _evidence_in(session, review, raw_event, "evidence_id").id
        except FieldErrors as exc:
            c.errors.update(exc.errors)
    elif basis == "fact":
        c.errors["evidence_id"] = (
            "A fact needs the evidence that shows it: open an event and annotate it, "
            "or record this as an assumption to be tested."
        )
    c.raise_if_any()
    row = Annotation(
        review_id=review.id,
        evidence_id=evidence_id,
        kind=kind,
        basis=basis,
        text=text,
        created_by_id=user_id,
    )
    session.add(row)
    session.flush()
    return row


def remove_annotation(session: Session, review: Review, annotation_id: int) -> None:
    row = session.get(Annotation, annotation_id)
    if row is None or row.review_id != review.id:
        raise FieldErrors({"annotation": "That annotation no longer exists."})
    session.delete(row)
    session.flush()


def add_manual_event(
    session: Session, review: Review, form: Mapping[str, Any], user_id: int | None
) -> EvidenceRow:
    """An event from an interview, observation or document, placed on the timeline by hand."""
    c = Collector()
    kind = str(form.get("kind") or "interview")
    if kind not in MANUAL_KINDS:
        c.errors["kind"] = "Choose interview, observation or document."
    day = c.check("day", parse_date, form.get("day"), label="Date")
    at_text = str(form.get("time") or "").strip()
    at_time = time(12, 0)
    if at_text:
        try:
            at_time = time.fromisoformat(at_text)
        except ValueError:
            c.errors["time"] = "Time must be HH:MM, e.g. 14:30."
    lane = str(form.get("lane") or "care")
    if lane not in LANES:
        c.errors["lane"] = "Choose the lane the event belongs in."
    text = str(form.get("text") or "").strip()
    author = str(form.get("author") or "").strip()[:200] or None
    if not text:
        c.errors["text"] = "Say what happened, as the interview recorded it."
    c.raise_if_any()
    return record_manual(
        session,
        review,
        kind=kind,
        day=day,
        at=at_time,
        author=author,
        text=text,
        user_id=user_id,
        fields={"lane": lane, "manual": True},
        duplicate=("text", "This event is already on the timeline."),
    )
