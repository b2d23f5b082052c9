"""Models of the review meeting: who attended, decisions taken, who is here now.

``ReviewMeeting``, ``MeetingAttendee`` and ``MeetingDecision`` are audited: they are part of the
review's record and feed the report. ``MeetingPresence`` is deliberately *not* audited: it is
written by the live poll, and an audit entry per poll would move the review's change token (see
``rca.fishbone.live``) every second and make every open browser reload for nothing.
``CauseUndo`` marks a group of cause changes as undone, so undo walks back one change at a time.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rca.accounts.models import User
from rca.audit.models import Audited
from rca.db import UTCDateTime, db, utcnow
from rca.wording import excerpt

MEETING_KINDS = {
    "analysis": "Analysis meeting",
    "findings": "Findings and root causes",
    "actions": "Action planning",
    "follow-up": "Follow-up and effectiveness",
}
ATTENDANCE = {"present": "Present", "apologies": "Apologies"}


class ReviewMeeting(Audited, db.Model):
    """One meeting of the review panel: when, who ran it, what it was for, what was noted."""

    __tablename__ = "review_meeting"
    __audit_label__ = "Meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"), index=True)
    #: When the meeting started.
    held_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Null while the meeting is running.
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    facilitator_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    #: One of MEETING_KINDS.
    kind: Mapped[str] = mapped_column(String(16), default="analysis")
    purpose: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    facilitator: Mapped[User | None] = relationship(lazy="joined")
    attendees: Mapped[list[MeetingAttendee]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="MeetingAttendee.id"
    )
    decisions: Mapped[list[MeetingDecision]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="MeetingDecision.id"
    )

    @property
    def kind_label(self) -> str:
        return MEETING_KINDS.get(self.kind, self.kind)

    def audit_describe(self) -> str:
        return f"{self.kind_label} of {self.held_at:%d/%m/%Y}" if self.held_at else "Meeting"


class MeetingAttendee(Audited, db.Model):
    """Someone invited to a meeting: a user, or a name typed in (a family member, an advocate)."""

    __tablename__ = "meeting_attendee"
    __audit_label__ = "Meeting attendee"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("review_meeting.id", ondelete="CASCADE"), index=True
    )
    #: Denormalised so the audit trail reaches the review directly.
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    #: The name as shown when there is no user (or the user's name at the time).
    name: Mapped[str] = mapped_column(String(200))
    #: Their part in the meeting ("Registered manager", "Panel member", "Note taker").
    role: Mapped[str | None] = mapped_column(String(100))
    #: One of ATTENDANCE.
    attendance: Mapped[str] = mapped_column(String(16), default="present")

    meeting: Mapped[ReviewMeeting] = relationship(back_populates="attendees")

    @property
    def attendance_label(self) -> str:
        return ATTENDANCE.get(self.attendance, self.attendance)

    def audit_describe(self) -> str:
        return f"Meeting attendee {self.name}"


class MeetingDecision(Audited, db.Model):
    """A decision the meeting took, optionally about one cause on the fishbone."""

    __tablename__ = "meeting_decision"
    __audit_label__ = "Meeting decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("review_meeting.id", ondelete="CASCADE"), index=True
    )
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    cause_id: Mapped[int | None] = mapped_column(ForeignKey("cause.id", ondelete="SET NULL"))
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )

    meeting: Mapped[ReviewMeeting] = relationship(back_populates="decisions")

    def audit_describe(self) -> str:
        return f"Decision: {excerpt(self.text, 80)}"


class MeetingPresence(db.Model):
    """Who has the review open: the live poll refreshes ``last_seen`` (not audited, see above)."""

    __tablename__ = "meeting_presence"
    __table_args__ = (UniqueConstraint("review_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CauseUndo(Audited, db.Model):
    """A user's undo of one group of their cause changes (audit entries first..last)."""

    __tablename__ = "cause_undo"
    __audit_label__ = "Undo"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    #: The audit entries of the change that was undone (ids, inclusive).
    first_entry_id: Mapped[int]
    last_entry_id: Mapped[int]
    #: What was undone, in words ("Added cause: Agency induction missing").
    label: Mapped[str] = mapped_column(String(300))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def audit_describe(self) -> str:
        return f"Undo: {self.label}"[:300]
