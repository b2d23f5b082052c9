"""Actions on a review, the causes they address, and their review points.

An action is a change with a named owner (a user of the workbench, or a member of staff from the
register, or both), a due date, one or more review points, and the measure and target it should
move. ``kind`` says whether it changes the system (process, ownership, tool, staffing,
environment) or an individual (training, briefing, reminder): the guidance flags a root cause
whose only actions are individual ones.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rca.audit.models import Audited
from rca.db import UTCDateTime, db, utcnow
from rca.fishbone.models import Cause

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


class Action(Audited, db.Model):
    """One action of a review's plan."""

    __tablename__ = "action"
    __audit_label__ = "Action"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"), index=True)
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
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    cause_links: Mapped[list[ActionCause]] = relationship(
        back_populates="action", cascade="all, delete-orphan"
    )
    review_points: Mapped[list[ReviewPoint]] = relationship(
        back_populates="action", cascade="all, delete-orphan", order_by="ReviewPoint.on"
    )

    def audit_describe(self) -> str:
        short = self.text if len(self.text) <= 80 else self.text[:77] + "..."
        return f"Action: {short}"


class ActionCause(Audited, db.Model):
    """An action addresses a cause."""

    __tablename__ = "action_cause"
    __audit_label__ = "Action addresses cause"
    __table_args__ = (UniqueConstraint("action_id", "cause_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"), index=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("action.id", ondelete="CASCADE"), index=True)
    cause_id: Mapped[int] = mapped_column(ForeignKey("cause.id", ondelete="CASCADE"), index=True)

    action: Mapped[Action] = relationship(back_populates="cause_links")
    cause: Mapped[Cause] = relationship()

    def audit_describe(self) -> str:
        return f"Action #{self.action_id} addresses cause #{self.cause_id}"


class ReviewPoint(Audited, db.Model):
    """A date on which the action's owner and the review look again at whether it worked."""

    __tablename__ = "review_point"
    __audit_label__ = "Review point"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"), index=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("action.id", ondelete="CASCADE"), index=True)
    on: Mapped[date] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    action: Mapped[Action] = relationship(back_populates="review_points")

    def audit_describe(self) -> str:
        return f"Review point on {self.on:%d/%m/%Y}"
