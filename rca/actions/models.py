"""Actions on a review, the causes they address, and their review points.

An action is a change with a named owner (a user of the workbench, or a member of staff from the
register, or both), a due date, one or more review points, and the measure and target it should
move. ``kind`` says whether it changes the system (process, ownership, tool, staffing,
environment) or an individual (training, briefing, reminder): the guidance flags a root cause
whose only actions are individual ones.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rca.accounts.models import User
from rca.audit.models import Audited
from rca.db import EditedRecord, UTCDateTime, db, part_of, utcnow
from rca.evidence.models import EvidenceRow
from rca.fishbone.models import Cause
from rca.provider.models import StaffMember
from rca.wording import excerpt

ACTION_KINDS = {"system": "System change", "individual": "Individual"}
#: The kind of change, under its ACTION_KINDS key.
ACTION_TYPES = {
    "process": ("system", "Process"),
    "ownership": ("system", "Ownership"),
    "tool": ("system", "Tool or recording system"),
    "staffing": ("system", "Staffing"),
    "environment": ("system", "Environment"),
    "training": ("individual", "Training"),
    "briefing": ("individual", "Briefing"),
    "reminder": ("individual", "Reminder"),
}
ACTION_STATUSES = {
    "planned": "Planned",
    "in-progress": "In progress",
    "done": "Done",
    "cancelled": "Cancelled",
}
#: Statuses still to be done: these can be overdue.
OPEN_STATUSES = ("planned", "in-progress")


class Action(Audited, EditedRecord, db.Model):
    """One action of a review's plan."""

    __tablename__ = "action"
    __audit_label__ = "Action"
    __table_args__ = (
        # The tracker's overdue and due-soon views and its summary by owner: open actions by
        # due date, read from the index alone.
        Index("ix_action_status_due", "status", "due", "owner_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = part_of("review")
    #: What will change.
    text: Mapped[str] = mapped_column(Text)
    #: One of ACTION_KINDS.
    kind: Mapped[str] = mapped_column(String(16))
    #: One of ACTION_TYPES, or null when not said.
    action_type: Mapped[str | None] = mapped_column(String(16))
    #: The named owner as given (a person's name); resolved to a user and/or staff member.
    owner_name: Mapped[str | None] = mapped_column(String(200))
    owner_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    owner_staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_member.id", ondelete="SET NULL"), index=True
    )
    due: Mapped[date | None] = mapped_column(index=True)
    #: The measure it should move ("% of safeguarding indicators reviewed within 1 working day").
    measure: Mapped[str | None] = mapped_column(Text)
    #: The target on that measure ("100%").
    target: Mapped[str | None] = mapped_column(Text)
    #: One of ACTION_STATUSES.
    status: Mapped[str] = mapped_column(String(16), default="planned", index=True)
    completed_on: Mapped[date | None]

    cause_links: Mapped[list[ActionCause]] = relationship(
        back_populates="action", cascade="all, delete-orphan"
    )
    review_points: Mapped[list[ReviewPoint]] = relationship(
        back_populates="action", cascade="all, delete-orphan", order_by="ReviewPoint.on"
    )
    owner_user: Mapped[User | None] = relationship(foreign_keys=[owner_user_id])
    owner_staff: Mapped[StaffMember | None] = relationship()
    progress: Mapped[list[ProgressNote]] = relationship(
        cascade="all, delete-orphan", order_by="ProgressNote.id"
    )
    completion: Mapped[list[CompletionEvidence]] = relationship(
        cascade="all, delete-orphan", order_by="CompletionEvidence.id"
    )

    @property
    def kind_label(self) -> str:
        return ACTION_KINDS.get(self.kind, self.kind)

    @property
    def type_label(self) -> str | None:
        return ACTION_TYPES[self.action_type][1] if self.action_type in ACTION_TYPES else None

    @property
    def status_label(self) -> str:
        return ACTION_STATUSES.get(self.status, self.status)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def owner_label(self) -> str:
        """The owner as the plan shows them: the name, with the staff role when known."""
        if self.owner_user is not None:
            return self.owner_user.name
        if self.owner_staff is not None:
            role = f" ({self.owner_staff.role})" if self.owner_staff.role else ""
            return self.owner_staff.name + role
        return self.owner_name or ""

    def audit_describe(self) -> str:
        return f"Action: {excerpt(self.text, 80)}"


class ActionCause(Audited, db.Model):
    """An action addresses a cause."""

    __tablename__ = "action_cause"
    __audit_label__ = "Action addresses cause"
    __table_args__ = (UniqueConstraint("action_id", "cause_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = part_of("review")
    action_id: Mapped[int] = part_of("action")
    cause_id: Mapped[int] = part_of("cause")

    action: Mapped[Action] = relationship(back_populates="cause_links")
    cause: Mapped[Cause] = relationship()

    def audit_describe(self) -> str:
        return f"Action #{self.action_id} addresses cause #{self.cause_id}"


class ReviewPoint(Audited, db.Model):
    """A date on which the action's owner and the review look again at whether it worked."""

    __tablename__ = "review_point"
    __audit_label__ = "Review point"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = part_of("review")
    action_id: Mapped[int] = part_of("action")
    on: Mapped[date] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    action: Mapped[Action] = relationship(back_populates="review_points")

    def audit_describe(self) -> str:
        return f"Review point on {self.on:%d/%m/%Y}"


class ProgressNote(Audited, db.Model):
    """A progress note on an action, with the status change it made (if any)."""

    __tablename__ = "action_progress"
    __audit_label__ = "Action progress"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = part_of("review")
    action_id: Mapped[int] = part_of("action")
    text: Mapped[str] = mapped_column(Text)
    #: The status before and after, when the note changed it.
    status_from: Mapped[str | None] = mapped_column(String(16))
    status_to: Mapped[str | None] = mapped_column(String(16))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User | None] = relationship(lazy="joined")

    def audit_describe(self) -> str:
        return f"Progress on action #{self.action_id}"


class CompletionEvidence(Audited, db.Model):
    """What shows an action was done: a link to an evidence row of the same review, or a file.

    Files are stored like evidence uploads (by SHA-256 under the instance's uploads folder, with
    the same size limit); the name and type are kept to serve it back.
    """

    __tablename__ = "action_evidence"
    __audit_label__ = "Completion evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = part_of("review")
    action_id: Mapped[int] = part_of("action")
    evidence_id: Mapped[int | None] = part_of("evidence_row")
    file_name: Mapped[str | None] = mapped_column(String(255))
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    file_size: Mapped[int | None]
    content_type: Mapped[str | None] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(Text)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    evidence: Mapped[EvidenceRow | None] = relationship()

    def audit_describe(self) -> str:
        what = self.file_name or f"evidence #{self.evidence_id}"
        return f"Completion evidence for action #{self.action_id}: {what}"


class CalendarFeed(db.Model):
    """A user's private calendar feed: the URL's token, stored as SHA-256 like API tokens.

    One live feed per user; rotating revokes the old one, so a leaked URL stops working.
    """

    __tablename__ = "calendar_feed"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = part_of("user_account")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


# The monitoring models live in their own module; importing it here registers them wherever the
# action models are imported (rca/__init__.py imports this module).
import rca.actions.monitoring_models  # noqa: E402, F401
