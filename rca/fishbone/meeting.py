"""The review meeting record: start and end a meeting, attendance, decisions (feeds the report).

Attendance starts from the review's lead and panel, so the facilitator only marks who sent
apologies and adds anyone from outside the system (a family member, an advocate).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from rca.accounts.models import User
from rca.db import utcnow
from rca.fishbone.meeting_models import (
    ATTENDANCE,
    MEETING_KINDS,
    MeetingAttendee,
    MeetingDecision,
    ReviewMeeting,
)
from rca.fishbone.models import Cause
from rca.reviews.models import Review
from rca.validation import Collector, FieldErrors, parse_choice, parse_int, parse_text


class MeetingNotFound(LookupError):
    """No such meeting (or decision, or attendee) on this review."""


def meetings_for(session: Session, review: Review) -> list[ReviewMeeting]:
    """The review's meetings, oldest first."""
    return list(
        session.scalars(
            select(ReviewMeeting)
            .where(ReviewMeeting.review_id == review.id)
            .order_by(ReviewMeeting.held_at, ReviewMeeting.id)
        )
    )


_CURRENT_MEETING = (
    select(ReviewMeeting)
    .where(ReviewMeeting.review_id == bindparam("review_id"), ReviewMeeting.ended_at.is_(None))
    .order_by(ReviewMeeting.held_at.desc(), ReviewMeeting.id.desc())
    .limit(1)
)


def current_meeting(session: Session, review: Review) -> ReviewMeeting | None:
    """The meeting running now (started, not ended), if any."""
    return session.scalar(_CURRENT_MEETING, {"review_id": review.id})


class RunningMeeting(NamedTuple):
    """What the Analysis pane says of a running meeting (it asks on every load)."""

    id: int
    kind: str
    held_at: datetime

    @property
    def kind_label(self) -> str:
        return MEETING_KINDS.get(self.kind, self.kind)


_RUNNING = (
    select(ReviewMeeting.id, ReviewMeeting.kind, ReviewMeeting.held_at)
    .where(ReviewMeeting.review_id == bindparam("review_id"), ReviewMeeting.ended_at.is_(None))
    .order_by(ReviewMeeting.held_at.desc(), ReviewMeeting.id.desc())
    .limit(1)
)


def running_meeting(session: Session, review_id: int) -> RunningMeeting | None:
    """The meeting running now, as plain values (no ORM row to build)."""
    row = session.execute(_RUNNING, {"review_id": review_id}).first()
    return RunningMeeting(*row) if row else None


def meeting_of(session: Session, review: Review, meeting_id: Any) -> ReviewMeeting:
    meeting = session.get(ReviewMeeting, _id(meeting_id))
    if meeting is None or meeting.review_id != review.id:
        raise MeetingNotFound(meeting_id)
    return meeting


def _id(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise MeetingNotFound(value) from None


def start_meeting(
    session: Session,
    review: Review,
    facilitator: User,
    raw: Mapping[str, Any] | None = None,
    *,
    at: datetime | None = None,
) -> ReviewMeeting:
    """Start a meeting now, with attendance filled from the review's lead and panel.

    A meeting already running is returned as it is: two facilitators pressing "Start" at once
    get the same meeting rather than two.
    """
    running = current_meeting(session, review)
    if running is not None:
        return running
    raw = raw or {}
    c = Collector()
    kind = c.check("kind", parse_choice, raw.get("kind") or "analysis", MEETING_KINDS, label="Kind")
    purpose = c.check(
        "purpose", parse_text, raw.get("purpose"), label="Purpose", max_len=2000, required=False
    )
    c.raise_if_any()
    meeting = ReviewMeeting(
        review_id=review.id,
        held_at=at or utcnow(),
        facilitator_id=facilitator.id,
        kind=kind,
        purpose=purpose,
    )
    for user, role in _expected(review, facilitator):
        meeting.attendees.append(
            MeetingAttendee(review_id=review.id, user_id=user.id, name=user.name, role=role)
        )
    session.add(meeting)
    session.flush()
    return meeting


def _expected(review: Review, facilitator: User) -> list[tuple[User, str]]:
    """The facilitator, the review lead and the panel, each once, in that order."""
    people: list[tuple[User, str]] = [(facilitator, "Facilitator")]
    if review.lead is not None:
        people.append((review.lead, "Review lead"))
    people += [(m.user, "Panel member") for m in review.panel if m.user is not None]
    seen: set[int] = set()
    out = []
    for user, role in people:
        if user.id not in seen:
            seen.add(user.id)
            out.append((user, role))
    return out


def end_meeting(
    session: Session, meeting: ReviewMeeting, notes: Any = None, *, at: datetime | None = None
) -> ReviewMeeting:
    if meeting.ended_at is None:
        meeting.ended_at = at or utcnow()
    text = _notes(notes)
    if text is not None:
        meeting.notes = text
    session.flush()
    return meeting


def update_notes(session: Session, meeting: ReviewMeeting, notes: Any) -> ReviewMeeting:
    meeting.notes = _notes(notes)
    session.flush()
    return meeting


def _notes(value: Any) -> str | None:
    try:
        return parse_text(value, label="Notes", max_len=10_000, required=False)
    except ValueError as exc:
        raise FieldErrors({"notes": str(exc)}) from None


def add_attendee(
    session: Session, meeting: ReviewMeeting, raw: Mapping[str, Any]
) -> MeetingAttendee:
    """Someone not on the panel: by name (and their part, e.g. "Daughter of Person A")."""
    c = Collector()
    name = c.check("name", parse_text, raw.get("name"), label="Name")
    role = c.check("role", parse_text, raw.get("role"), label="Role", max_len=100, required=False)
    attendance = c.check(
        "attendance",
        parse_choice,
        raw.get("attendance") or "present",
        ATTENDANCE,
        label="Attendance",
    )
    c.raise_if_any()
    attendee = MeetingAttendee(
        review_id=meeting.review_id, name=name, role=role, attendance=attendance
    )
    meeting.attendees.append(attendee)
    session.flush()
    return attendee


def set_attendance(
    session: Session, meeting: ReviewMeeting, attendee_id: Any, attendance: Any
) -> MeetingAttendee:
    attendee = next((a for a in meeting.attendees if a.id == _id(attendee_id)), None)
    if attendee is None:
        raise MeetingNotFound(attendee_id)
    try:
        attendee.attendance = parse_choice(attendance, ATTENDANCE, label="Attendance")
    except ValueError as exc:
        raise FieldErrors({"attendance": str(exc)}) from None
    session.flush()
    return attendee


def add_decision(
    session: Session,
    meeting: ReviewMeeting,
    user: User | None,
    raw: Mapping[str, Any],
    *,
    at: datetime | None = None,
) -> MeetingDecision:
    """A decision taken in the meeting, optionally about one of the review's causes."""

    c = Collector()
    text = c.check("text", parse_text, raw.get("text"), label="Decision", max_len=2000)
    cause_id = None
    if raw.get("cause_id") not in (None, ""):
        cause_id = c.check("cause_id", parse_int, raw.get("cause_id"), label="Cause", maximum=2**31)
        if cause_id is not None:
            cause = session.get(Cause, cause_id)
            if cause is None or cause.review_id != meeting.review_id:
                c.errors["cause_id"] = "Cause must be one of this review's causes."
    c.raise_if_any()
    decision = MeetingDecision(
        review_id=meeting.review_id,
        text=text,
        cause_id=cause_id,
        decided_at=at or utcnow(),
        recorded_by_id=user.id if user else None,
    )
    meeting.decisions.append(decision)
    session.flush()
    return decision


def remove_decision(session: Session, meeting: ReviewMeeting, decision_id: Any) -> None:
    decision = next((d for d in meeting.decisions if d.id == _id(decision_id)), None)
    if decision is None:
        raise MeetingNotFound(decision_id)
    meeting.decisions.remove(decision)
    session.flush()


def decisions_for(session: Session, review: Review) -> list[MeetingDecision]:
    """Every decision the review's meetings took, oldest first."""
    return list(
        session.scalars(
            select(MeetingDecision)
            .where(MeetingDecision.review_id == review.id)
            .order_by(MeetingDecision.decided_at, MeetingDecision.id)
        )
    )


# --- Plain data for the report -----------------------------------------------------------------


@dataclass(frozen=True)
class AttendeeSummary:
    name: str
    role: str | None
    attendance: str  # "Present" or "Apologies"


@dataclass(frozen=True)
class DecisionSummary:
    text: str
    decided_at: datetime
    cause_id: int | None
    cause_text: str | None


@dataclass(frozen=True)
class MeetingSummary:
    id: int
    kind: str  # the label, e.g. "Analysis meeting"
    held_at: datetime
    ended_at: datetime | None
    facilitator: str | None
    purpose: str | None
    notes: str | None
    attendees: list[AttendeeSummary]
    decisions: list[DecisionSummary]

    @property
    def present(self) -> list[AttendeeSummary]:
        return [a for a in self.attendees if a.attendance == ATTENDANCE["present"]]

    @property
    def apologies(self) -> list[AttendeeSummary]:
        return [a for a in self.attendees if a.attendance == ATTENDANCE["apologies"]]


def meeting_summaries(session: Session, review: Review) -> list[MeetingSummary]:
    """The review's meetings as plain data (oldest first): what the PDF report prints."""

    meetings = meetings_for(session, review)
    cause_ids = {d.cause_id for m in meetings for d in m.decisions if d.cause_id}
    texts = (
        dict(session.execute(select(Cause.id, Cause.text).where(Cause.id.in_(cause_ids))).all())
        if cause_ids
        else {}
    )
    return [
        MeetingSummary(
            id=m.id,
            kind=m.kind_label,
            held_at=m.held_at,
            ended_at=m.ended_at,
            facilitator=m.facilitator.name if m.facilitator else None,
            purpose=m.purpose,
            notes=m.notes,
            attendees=[AttendeeSummary(a.name, a.role, a.attendance_label) for a in m.attendees],
            decisions=[
                DecisionSummary(d.text, d.decided_at, d.cause_id, texts.get(d.cause_id))
                for d in m.decisions
            ],
        )
        for m in meetings
    ]
