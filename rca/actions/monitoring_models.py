"""Whether actions worked, and who heard about it: effectiveness checks, the follow-ups a failed
check opens, learning points and the dissemination log.

An ``EffectivenessCheck`` is one re-audit result (numerator over denominator for a period, from a
named source) against a target: an action's own target, or, with ``action_id`` null, the review's
improvement target. A check whose verdict is "not embedded" opens a ``FollowUp`` and sends the
review back to its actions stage (see ``rca.actions.effectiveness``).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rca.audit.models import Audited
from rca.db import UTCDateTime, db, utcnow
from rca.provider.models import StaffMember
from rca.wording import excerpt

VERDICTS = {
    "embedded": "Embedded",
    "improving": "Improving",
    "not-embedded": "Not embedded",
}
DISSEMINATION_METHODS = {
    "team-meeting": "Team meeting",
    "supervision": "Supervision",
    "briefing-sheet": "Briefing sheet",
    "handover": "Handover",
    "training-session": "Training session",
}


class EffectivenessCheck(Audited, db.Model):
    """One re-audit result against a target, and the verdict drawn from it."""

    __tablename__ = "effectiveness_check"
    __audit_label__ = "Effectiveness check"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"), index=True)
    #: The action checked; null for the review's own improvement target.
    action_id: Mapped[int | None] = mapped_column(
        ForeignKey("action.id", ondelete="CASCADE"), index=True
    )
    numerator: Mapped[int]
    denominator: Mapped[int]
    period_start: Mapped[date]
    period_end: Mapped[date]
    #: Where the figures come from ("weekly MAR audit, all rounds").
    source: Mapped[str] = mapped_column(Text)
    result_percent: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    #: The target as a percentage at the time of the check (targets can be changed later).
    target_percent: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    target_met: Mapped[bool]
    #: One of VERDICTS.
    verdict: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def verdict_label(self) -> str:
        return VERDICTS.get(self.verdict, self.verdict)

    def audit_describe(self) -> str:
        what = f"action #{self.action_id}" if self.action_id else "the review's target"
        return f"Effectiveness check of {what}: {self.verdict_label}"


class FollowUp(Audited, db.Model):
    """What a failed effectiveness check opened: the review sent back, and why."""

    __tablename__ = "follow_up"
    __audit_label__ = "Follow-up"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"), index=True)
    check_id: Mapped[int] = mapped_column(
        ForeignKey("effectiveness_check.id", ondelete="CASCADE"), unique=True
    )
    #: The stage the review was at, and the stage it was sent back to (equal when it was
    #: already at or before it).
    from_stage: Mapped[str] = mapped_column(String(16))
    to_stage: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    check: Mapped[EffectivenessCheck] = relationship()

    def audit_describe(self) -> str:
        return f"Follow-up: review reopened at {self.to_stage}"


class LearningPoint(Audited, db.Model):
    """A lesson the review wants every in-scope team to hear."""

    __tablename__ = "learning_point"
    __audit_label__ = "Learning point"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def audit_describe(self) -> str:
        return f"Learning point: {excerpt(self.text, 80)}"


class Dissemination(Audited, db.Model):
    """One sharing of the learning: who was briefed, when, how, and whether understanding was
    checked."""

    __tablename__ = "dissemination"
    __audit_label__ = "Learning shared"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"), index=True)
    on: Mapped[date]
    #: One of DISSEMINATION_METHODS.
    method: Mapped[str] = mapped_column(String(32))
    #: Teams briefed, in words ("night team", "agency workers on the evening rota").
    teams: Mapped[str | None] = mapped_column(Text)
    understanding_checked: Mapped[bool] = mapped_column(default=False)
    #: How understanding was checked, or what was said.
    notes: Mapped[str | None] = mapped_column(Text)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    staff_links: Mapped[list[DisseminationStaff]] = relationship(
        cascade="all, delete-orphan", order_by="DisseminationStaff.id"
    )

    @property
    def method_label(self) -> str:
        return DISSEMINATION_METHODS.get(self.method, self.method)

    def audit_describe(self) -> str:
        return f"Learning shared by {self.method_label} on {self.on:%d/%m/%Y}"


class DisseminationStaff(Audited, db.Model):
    """A member of staff briefed in a dissemination."""

    __tablename__ = "dissemination_staff"
    __audit_label__ = "Staff briefed"
    __table_args__ = (UniqueConstraint("dissemination_id", "staff_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"), index=True)
    dissemination_id: Mapped[int] = mapped_column(
        ForeignKey("dissemination.id", ondelete="CASCADE"), index=True
    )
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_member.id", ondelete="CASCADE"))

    staff_member: Mapped[StaffMember] = relationship(lazy="joined")

    def audit_describe(self) -> str:
        name = self.staff_member.name if self.staff_member else self.staff_id
        return f"Staff briefed: {name}"
