"""Services, staff and people supported: the registers every review draws on."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rca.audit.models import Audited
from rca.db import UTCDateTime, db, utcnow

SERVICE_KINDS = {
    "care-home": "Care home",
    "supported-living": "Supported living",
    "homecare": "Homecare branch",
}
#: The nation decides the bank-holiday calendar (holidays' subdivision codes for the UK).
NATIONS = {"ENG": "England", "WLS": "Wales", "SCT": "Scotland", "NIR": "Northern Ireland"}
EMPLOYMENT_TYPES = {"permanent": "Permanent", "bank": "Bank", "agency": "Agency"}


class Service(Audited, db.Model):
    __tablename__ = "service"
    __audit_label__ = "Service"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Short stable code used by the CLI and the API (e.g. ``OAK``).
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    #: One of SERVICE_KINDS.
    kind: Mapped[str] = mapped_column(String(32))
    #: One of NATIONS: which bank holidays count when measuring working days.
    nation: Mapped[str] = mapped_column(String(3), default="ENG")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def kind_label(self) -> str:
        return SERVICE_KINDS.get(self.kind, self.kind)

    @property
    def nation_label(self) -> str:
        return NATIONS.get(self.nation, self.nation)

    def audit_review_id(self) -> int | None:
        return None

    def audit_describe(self) -> str:
        return f"Service {self.code}"

    def __repr__(self) -> str:
        return f"<Service {self.code}>"


def employment_label(employment: str) -> str:
    """How an employment type reads (permanent, bank, agency), for rows read without a model."""
    return EMPLOYMENT_TYPES.get(employment, employment)


class StaffMember(db.Model):
    """A member of staff as the provider's records know them (not a user account)."""

    __tablename__ = "staff_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    #: Job title as the HR system writes it (e.g. "Senior Care Worker").
    role: Mapped[str | None] = mapped_column(String(120))
    #: One of EMPLOYMENT_TYPES.
    employment: Mapped[str] = mapped_column(String(16), default="permanent")
    start_date: Mapped[date | None]
    #: Whether the role carries management review (registered manager, deputy, team leader).
    managerial: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    service: Mapped[Service] = relationship()

    @property
    def employment_label(self) -> str:
        return employment_label(self.employment)


class PersonSupported(db.Model):
    """A person who receives care, known to reviews by reference only.

    The name is optional and never shown outside the register; reports use pseudonyms.
    """

    __tablename__ = "person_supported"
    __table_args__ = (UniqueConstraint("service_id", "reference"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"), index=True)
    #: The care system's reference (e.g. ``P-1042``).
    reference: Mapped[str] = mapped_column(String(64))
    #: Held only so pseudonymisation can find the name in free text.
    name: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    service: Mapped[Service] = relationship()
