"""What the investigator adds to the timeline, and each service's own standards.

- ``ServiceStandard``: "from event type A to event type B within N working days" for a service.
- ``EventMark``: the investigator says an evidence row *is* a concern indicator, a management
  review, an identified change in need or a care-plan change, whatever the source said.
- ``Annotation``: a key moment, a missed opportunity or a note, labelled fact (linked to the
  evidence that shows it) or assumption (to be tested at the meeting).

Manual events from interviews are evidence rows of a manual kind (``rca.evidence.models``), so
every event on the timeline has one home.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rca.audit.models import Audited
from rca.db import UTCDateTime, db, utcnow
from rca.evidence.models import EvidenceRow

#: The event types a standard measures between, as the timeline recognises them.
EVENT_TYPES = {
    "concern": "Concern indicator",
    "management-review": "Management review",
    "change-in-need": "Identified change in need",
    "care-plan-change": "Care plan change",
    "incident": "Incident",
    "communication": "Communication (call, text, email, handover)",
}
#: The types an investigator may mark an event as (incidents and communications come from the
#: source kind alone).
MARKABLE_TYPES = ("concern", "management-review", "change-in-need", "care-plan-change")
ANNOTATION_KINDS = {
    "key-moment": "Key moment",
    "missed-opportunity": "Missed opportunity",
    "note": "Note",
}
BASES = {"fact": "Fact (shown by evidence)", "assumption": "Assumption (to be tested)"}


class ServiceStandard(Audited, db.Model):
    """A service's own standard: from an event of type A, B follows within N working days."""

    __tablename__ = "service_standard"
    __audit_label__ = "Service standard"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(
        ForeignKey("service.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    #: One of EVENT_TYPES.
    from_type: Mapped[str] = mapped_column(String(32))
    #: One of EVENT_TYPES.
    to_type: Mapped[str] = mapped_column(String(32))
    limit_working_days: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def audit_review_id(self) -> int | None:
        return None

    def audit_describe(self) -> str:
        return f"Service standard: {self.name}"


class EventMark(Audited, db.Model):
    """The investigator's reading of one event: it is a concern, a management review, ..."""

    __tablename__ = "event_mark"
    __audit_label__ = "Event marked"
    __table_args__ = (UniqueConstraint("evidence_id", "event_type"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"), index=True)
    evidence_id: Mapped[int] = mapped_column(ForeignKey("evidence_row.id", ondelete="CASCADE"))
    #: One of MARKABLE_TYPES.
    event_type: Mapped[str] = mapped_column(String(32))
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def audit_describe(self) -> str:
        return f"Event #{self.evidence_id} marked as {EVENT_TYPES.get(self.event_type, '?')}"


class Annotation(Audited, db.Model):
    """A key moment, missed opportunity or note on the timeline, as fact or assumption."""

    __tablename__ = "timeline_annotation"
    __audit_label__ = "Timeline annotation"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"), index=True)
    #: The event it is about; a fact must have one (the evidence that shows it).
    evidence_id: Mapped[int | None] = mapped_column(
        ForeignKey("evidence_row.id", ondelete="SET NULL"), index=True
    )
    #: One of ANNOTATION_KINDS.
    kind: Mapped[str] = mapped_column(String(24))
    #: One of BASES.
    basis: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    evidence: Mapped[EvidenceRow | None] = relationship()

    @property
    def kind_label(self) -> str:
        return ANNOTATION_KINDS.get(self.kind, self.kind)

    def audit_describe(self) -> str:
        return f"{self.kind_label} ({self.basis})"
