"""Causes on a review's fishbone and the evidence each rests on.

A ``Cause`` is a hypothesis under one contributory-factor category; causes nest (why? why?) through
``parent_id``. Its status moves from hypothesis to supported or ruled out, and the review agrees a
conclusion (root cause, contributory factor, incidental). Evidence links point at evidence rows,
which are also the timeline's events and the manual evidence, so every link has one home.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rca.audit.models import Audited
from rca.db import EditedRecord, UTCDateTime, db, part_of, utcnow
from rca.evidence.models import EvidenceRow
from rca.wording import excerpt

CAUSE_STATUSES = {
    "hypothesis": "Hypothesis",
    "supported": "Supported",
    "ruled-out": "Ruled out",
}
CONCLUSIONS = {
    "root": "Root cause",
    "contributory": "Contributory factor",
    "incidental": "Incidental",
}


class Cause(Audited, EditedRecord, db.Model):
    """One cause on the fishbone: a hypothesis under a category, nested under its parent."""

    __tablename__ = "cause"
    __audit_label__ = "Cause"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = part_of("review")
    #: The cause this one answers "why?" for; null for a cause directly on a bone.
    parent_id: Mapped[int | None] = part_of("cause")
    #: Order among its siblings (0, 1, 2, ...).
    position: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(Text)
    #: The bone: a category key of the review's framework (``rca.fishbone.frameworks``).
    category: Mapped[str] = mapped_column(String(64))
    #: The contributory-factor vocabulary code, for linking factors across reviews.
    factor_code: Mapped[str | None] = mapped_column(String(64), index=True)
    #: One of CAUSE_STATUSES.
    status: Mapped[str] = mapped_column(String(16), default="hypothesis")
    #: One of CONCLUSIONS, or null while undecided.
    conclusion: Mapped[str | None] = mapped_column(String(16))

    evidence_links: Mapped[list[CauseEvidence]] = relationship(
        back_populates="cause", cascade="all, delete-orphan"
    )

    @property
    def status_label(self) -> str:
        return CAUSE_STATUSES.get(self.status, self.status)

    @property
    def conclusion_label(self) -> str | None:
        return CONCLUSIONS.get(self.conclusion) if self.conclusion else None

    def audit_describe(self) -> str:
        return f"Cause: {excerpt(self.text, 80)}"


class CauseEvidence(Audited, db.Model):
    """A link from a cause to an evidence row (imported, manual, or a timeline event)."""

    __tablename__ = "cause_evidence"
    __audit_label__ = "Cause evidence link"
    __table_args__ = (UniqueConstraint("cause_id", "evidence_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Denormalised so the audit trail and access checks reach the review directly.
    review_id: Mapped[int] = part_of("review")
    cause_id: Mapped[int] = part_of("cause")
    evidence_id: Mapped[int] = part_of("evidence_row")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    cause: Mapped[Cause] = relationship(back_populates="evidence_links")
    evidence: Mapped[EvidenceRow] = relationship()

    def audit_describe(self) -> str:
        return f"Evidence #{self.evidence_id} linked to cause #{self.cause_id}"


class CauseStatusChange(db.Model):
    """Why a cause's status changed: each move between hypothesis, supported and ruled out.

    Not ``Audited`` itself: the cause's own audit entry records the change, this row keeps the
    reason beside it for the outline and the report.
    """

    __tablename__ = "cause_status_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = part_of("review")
    cause_id: Mapped[int] = part_of("cause")
    from_status: Mapped[str] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text)
    changed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class FishboneSettings(Audited, db.Model):
    """A review's analysis settings: the framework chosen and the problem statement at the head."""

    __tablename__ = "fishbone_settings"
    __audit_label__ = "Analysis settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"), unique=True)
    #: A key of ``rca.fishbone.frameworks.FRAMEWORKS``.
    framework: Mapped[str] = mapped_column(String(32), default="care-default")
    #: Null: the terms of reference question (else the review's title) stands at the head.
    problem_statement: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    def audit_describe(self) -> str:
        return "Analysis settings"


class ContributoryFactor(db.Model):
    """One entry of the controlled contributory-factor vocabulary (admins extend it).

    Codes are stable: causes keep their code when a factor is retired, so factors can be linked
    across reviews later.
    """

    __tablename__ = "contributory_factor"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    #: A category key of the default framework.
    category: Mapped[str] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    added_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
