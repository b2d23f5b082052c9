"""An issued quality-meeting pack: the PDF as issued, kept with its SHA-256 like a report."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rca.accounts.models import User
from rca.db import UTCDateTime, db, utcnow


class IssuedPack(db.Model):
    """Kept as issued: the bytes and their hash never change, so a copy that reached a
    committee can be checked against the record (``sha256``). Provider-level, not one review's,
    so it is listed on the dashboard rather than in a review's History."""

    __tablename__ = "issued_pack"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The scope as people read it ("Care homes", "Oakfield House") and as the URL gave it.
    scope_label: Mapped[str] = mapped_column(String(300))
    services: Mapped[str | None] = mapped_column(String(2000))
    #: The services the pack covers (None: every service). Only someone who may see all of them
    #: may open the pack (``may_open``).
    service_ids: Mapped[list[int] | None] = mapped_column(JSON)
    kind: Mapped[str | None] = mapped_column(String(32))
    since: Mapped[date]
    until: Mapped[date]
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int]
    pdf: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    issued_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    issued_by: Mapped[User | None] = relationship(lazy="joined")

    def may_open(self, visible: set[int] | None) -> bool:
        """Whether a reader who sees ``visible`` (None: every service) may open the pack."""
        if visible is None:
            return True
        return self.service_ids is not None and set(self.service_ids) <= visible
