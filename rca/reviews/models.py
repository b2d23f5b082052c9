"""A review from its trigger to its close, with the people, staff and panel in its scope."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rca.accounts.models import User
from rca.audit.models import Audited
from rca.db import UTCDateTime, db, utcnow
from rca.provider.models import PersonSupported, Service, StaffMember

TRIGGERS = {
    "incident": "Incident",
    "near-miss": "Near miss",
    "complaint": "Complaint",
    "safeguarding-concern": "Safeguarding concern",
    "audit-failure": "Audit failure",
    "inspection-finding": "Inspection finding",
    "pattern": "Pattern of similar incidents",
}
SEVERITIES = {
    "no-harm": "No harm",
    "low": "Low harm",
    "moderate": "Moderate harm",
    "severe": "Severe harm",
    "death": "Death",
}
DEPTHS = {"learning-review": "Short learning review", "full-rca": "Full root-cause review"}
#: The stages in order; the stepper and the stage rules read this.
STAGES = {
    "triage": "Triage",
    "scope": "Scope",
    "evidence": "Evidence",
    "analysis": "Analysis",
    "actions": "Actions",
    "report": "Report",
    "monitoring": "Monitoring",
    "closed": "Closed",
}


class Review(Audited, db.Model):
    __tablename__ = "review"
    __audit_label__ = "Review"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Human reference, unique across the provider (``RCA-2026-0007``).
    reference: Mapped[str] = mapped_column(String(32), unique=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    #: One of STAGES.
    stage: Mapped[str] = mapped_column(String(16), default="triage", index=True)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    #: Optimistic lock: a save from a stale form is refused rather than overwriting.
    version: Mapped[int] = mapped_column(default=1)

    # --- Trigger and triage -------------------------------------------------------------------
    #: One of TRIGGERS.
    trigger: Mapped[str] = mapped_column(String(32), index=True)
    occurred_on: Mapped[date]
    #: One of SEVERITIES.
    severity: Mapped[str] = mapped_column(String(16))
    people_affected: Mapped[int] = mapped_column(default=1)
    safeguarding: Mapped[bool] = mapped_column(default=False)
    #: Notified to the CQC or the local authority.
    notified: Mapped[bool] = mapped_column(default=False)
    #: Same-trigger reviews at this service in the 12 months before; counted, then editable.
    repeats_12m: Mapped[int] = mapped_column(default=0)
    #: What the triage rules recommend (one of DEPTHS) and why.
    recommended_depth: Mapped[str] = mapped_column(String(16))
    recommended_reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: The depth chosen; differs from the recommendation only with an override reason.
    depth: Mapped[str] = mapped_column(String(16))
    depth_override_reason: Mapped[str | None] = mapped_column(Text)

    # --- Terms of reference -------------------------------------------------------------------
    question: Mapped[str | None] = mapped_column(Text)
    period_start: Mapped[date | None]
    period_end: Mapped[date | None]
    baseline_issue: Mapped[str | None] = mapped_column(Text)
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    #: The measurable improvement target: a measure, a threshold (%) and the weeks it is
    #: measured over (e.g. "identified changes reflected in care plans within 5 working
    #: days", 95, 8).
    target_measure: Mapped[str | None] = mapped_column(Text)
    target_threshold: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    target_period_weeks: Mapped[int | None]

    __mapper_args__ = {"version_id_col": version}

    service: Mapped[Service] = relationship(lazy="joined")
    lead: Mapped[User | None] = relationship(foreign_keys=[lead_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    panel: Mapped[list[ReviewPanelMember]] = relationship(
        back_populates="review", cascade="all, delete-orphan"
    )
    people: Mapped[list[ReviewPerson]] = relationship(
        back_populates="review", cascade="all, delete-orphan", order_by="ReviewPerson.id"
    )
    staff: Mapped[list[ReviewStaff]] = relationship(
        back_populates="review", cascade="all, delete-orphan"
    )

    def audit_review_id(self) -> int | None:
        return self.id

    def audit_describe(self) -> str:
        return f"Review {self.reference}"

    @property
    def trigger_label(self) -> str:
        return TRIGGERS.get(self.trigger, self.trigger)

    @property
    def severity_label(self) -> str:
        return SEVERITIES.get(self.severity, self.severity)

    @property
    def stage_label(self) -> str:
        return STAGES.get(self.stage, self.stage)

    @property
    def depth_label(self) -> str:
        return DEPTHS.get(self.depth, self.depth)

    @property
    def target_text(self) -> str | None:
        if not (self.target_measure and self.target_threshold is not None):
            return None
        threshold = f"{self.target_threshold.normalize():f}"
        text = f"{threshold}% of {self.target_measure}"
        if self.target_period_weeks:
            text += f", measured over {self.target_period_weeks} weeks"
        return text


class ReviewPanelMember(Audited, db.Model):
    __tablename__ = "review_panel_member"
    __table_args__ = (UniqueConstraint("review_id", "user_id"),)
    __audit_label__ = "Panel member"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))

    review: Mapped[Review] = relationship(back_populates="panel")
    user: Mapped[User] = relationship(lazy="joined")

    def audit_describe(self) -> str:
        return f"Panel member {self.user.name if self.user else self.user_id}"


class ReviewPerson(Audited, db.Model):
    """A person supported in the review's scope, shown as a pseudonym (Person A, B, ...)."""

    __tablename__ = "review_person"
    __table_args__ = (UniqueConstraint("review_id", "person_id"),)
    __audit_label__ = "Person in scope"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person_supported.id", ondelete="CASCADE"))
    #: Letter-based pseudonym, fixed when the person is added so it never shifts.
    pseudonym: Mapped[str] = mapped_column(String(32))

    review: Mapped[Review] = relationship(back_populates="people")
    person: Mapped[PersonSupported] = relationship(lazy="joined")

    def audit_describe(self) -> str:
        return f"Person in scope {self.pseudonym}"


class ReviewStaff(Audited, db.Model):
    __tablename__ = "review_staff"
    __table_args__ = (UniqueConstraint("review_id", "staff_id"),)
    __audit_label__ = "Staff in scope"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"))
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_member.id", ondelete="CASCADE"))

    review: Mapped[Review] = relationship(back_populates="staff")
    staff_member: Mapped[StaffMember] = relationship(lazy="joined")

    def audit_describe(self) -> str:
        name = self.staff_member.name if self.staff_member else self.staff_id
        return f"Staff in scope {name}"
