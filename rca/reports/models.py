"""Models of the reports area: issued versions (frozen PDF bytes and their hash) and the review's
report settings (the provider's choice to name staff)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rca.accounts.models import User
from rca.audit.models import Audited
from rca.db import UTCDateTime, db, utcnow


class IssuedReport(Audited, db.Model):
    """One issued version of a review's report: the exact bytes that left the building.

    The PDF is kept in the database (not regenerated, ever) so a backup of the database is a
    backup of every issued report, and the hash is checked against these bytes.
    """

    __tablename__ = "issued_report"
    __audit_label__ = "Issued report"
    # The bytes are recorded as "changed" in the History, never copied into it.
    __audit_hidden__ = frozenset({"pdf"})
    __table_args__ = (UniqueConstraint("review_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"), index=True)
    #: 1, 2, 3, ... per review.
    version: Mapped[int]
    #: SHA-256 of ``pdf`` in hex: what an uploaded copy is checked against.
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int]
    #: The PDF as issued. Deferred: lists of versions never load the bytes.
    pdf: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    #: Who it was sent to ("Westshire County Council commissioning team").
    recipient: Mapped[str] = mapped_column(String(200))
    #: Staff shown by name (the provider's recorded choice) rather than by role.
    staff_names: Mapped[bool] = mapped_column(default=False)
    #: The key of the report data it was rendered from (see ``rca.reports.pdf``).
    content_key: Mapped[str] = mapped_column(String(64))
    issued_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    issued_by: Mapped[User | None] = relationship(lazy="joined")

    def audit_describe(self) -> str:
        return f"Report version {self.version} issued to {self.recipient}"


class ReportSetting(Audited, db.Model):
    """The review's report choices; a change lands in the History like any other."""

    __tablename__ = "report_setting"
    __audit_label__ = "Report setting"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"), unique=True)
    #: The provider chose to name staff in the report (default: staff by role).
    staff_names: Mapped[bool] = mapped_column(default=False)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    def audit_describe(self) -> str:
        return "Report names staff" if self.staff_names else "Report shows staff by role"
