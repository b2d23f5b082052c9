"""A manager's decision on a near-miss pattern: accepted (a review was started) or declined."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rca.accounts.models import User
from rca.audit.models import Audited
from rca.db import UTCDateTime, db, utcnow
from rca.provider.models import Service

DECISIONS = {"accepted": "Accepted", "declined": "Declined"}


class NearMissDecision(Audited, db.Model):
    """One run of similar incidents, decided once (``run_key`` is unique: a second answers 409).

    The run is kept as its incidents' content hashes, not their row ids: the same incident
    imported into two reviews is one incident with one hash, and a hash survives the review that
    held the row being deleted or the row being carried to another instance in a bundle.
    """

    __tablename__ = "near_miss_decision"
    __audit_label__ = "Near-miss pattern"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: SHA-256 of the service, the type and the run's incident hashes (``near_miss.run_key``).
    run_key: Mapped[str] = mapped_column(String(64), unique=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"))
    #: The incident type normalised (casefolded, whitespace collapsed): what the run groups by.
    type_key: Mapped[str] = mapped_column(String(200))
    #: The type as the source wrote it most often, for people.
    type_label: Mapped[str] = mapped_column(String(200))
    #: The content hashes of the run's incidents (``evidence_row.content_hash``), sorted.
    incident_keys: Mapped[list[str]] = mapped_column(JSON, default=list)
    count: Mapped[int]
    first_on: Mapped[date]
    last_on: Mapped[date]
    #: One of DECISIONS.
    decision: Mapped[str] = mapped_column(String(16))
    #: Why it was declined (required then); empty for an acceptance.
    reason: Mapped[str | None] = mapped_column(Text)
    #: The review the acceptance started (null once that review is deleted, and for a decline).
    review_id: Mapped[int | None] = mapped_column(
        ForeignKey("review.id", ondelete="SET NULL"), index=True
    )
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    service: Mapped[Service] = relationship(lazy="joined")
    decided_by: Mapped[User | None] = relationship()

    def audit_review_id(self) -> int | None:
        # An acceptance belongs in the History of the review it started; a decline has no
        # review, so it is a shared entry (like a change to a service).
        return self.review_id

    def audit_describe(self) -> str:
        return f"Near-miss pattern: {self.count} × {self.type_label} ({DECISIONS[self.decision]})"
