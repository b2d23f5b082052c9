"""The audit entry table and the mixin that makes a model audited."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from rca.db import UTCDateTime, db, utcnow


class Audited:
    """Mixin: every insert, update and delete of the model is written to ``audit_entry``.

    ``__audit_label__`` names the thing for people; ``audit_review_id`` ties the change to the
    review whose History pane shows it; fields in ``__audit_hidden__`` are recorded as changed
    without their values (password hashes).
    """

    __audit_label__: str = "record"
    __audit_ignore__: frozenset[str] = frozenset({"updated_at", "version"})
    __audit_hidden__: frozenset[str] = frozenset()

    def audit_review_id(self) -> int | None:
        return getattr(self, "review_id", None)

    def audit_describe(self) -> str:
        return f"{self.__audit_label__} #{getattr(self, 'id', '?')}"


class AuditEntry(db.Model):
    __tablename__ = "audit_entry"
    __table_args__ = (
        # The change tokens (fishbone live view, timeline cache) read max(id) and count(*) of a
        # review's entries: one index-only range at the review's end (migration 0009).
        Index("ix_audit_entry_review_id_id", "review_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: Null for changes made by the system (the demo loader, a migration).
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    #: How the change arrived: ``web``, ``api`` or ``cli``.
    channel: Mapped[str] = mapped_column(String(8), default="web")
    #: Indexed with ``id`` (``__table_args__``): History and the change tokens read by it.
    review_id: Mapped[int | None]
    #: The table changed and the row's id.
    entity: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[int | None]
    #: ``create``, ``update`` or ``delete``.
    action: Mapped[str] = mapped_column(String(8))
    #: What the row is, in words, at the time of the change.
    label: Mapped[str] = mapped_column(String(300))
    #: ``{field: [before, after]}``; values are JSON-safe strings, numbers, booleans or null.
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
