"""Tables of the quality-statement tags: the admins' mapping edits and the overrides on causes
and actions (migration ``0015_quality_statements``).

The default mapping lives in code (``rca.governance.statement_mapping``); a row here replaces the
default for one factor code or action type, so deleting the row puts the default back. Tags are
never stored: they are derived on every read from the mapping and the overrides, so a mapping
edit re-tags every finding at once and a finding that stops being one loses its tags.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from rca.audit.models import Audited
from rca.db import UTCDateTime, db, part_of, utcnow

#: What a mapping row maps from.
SOURCES = {"factor": "Contributory factor", "action-type": "Action type"}
#: What an override does to the derived tags.
EFFECTS = {"add": "Added", "remove": "Removed"}


class StatementMapping(Audited, db.Model):
    """An admin's mapping for one factor code or action type, replacing the default."""

    __tablename__ = "quality_statement_mapping"
    __audit_label__ = "Quality statement mapping"
    __table_args__ = (UniqueConstraint("source", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: One of SOURCES.
    source: Mapped[str] = mapped_column(String(16))
    #: A factor code of the vocabulary, or a key of ``rca.actions.models.ACTION_TYPES``.
    code: Mapped[str] = mapped_column(String(64))
    #: Quality statement keys, in CQC's order; empty maps the code to nothing.
    statements: Mapped[list[str]] = mapped_column(JSON, default=list)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    def audit_describe(self) -> str:
        return f"Quality statements for {SOURCES.get(self.source, self.source).lower()} {self.code}"


class StatementOverride(Audited, db.Model):
    """One statement added to, or removed from, a cause's or an action's derived tags, and why.

    One row per target and statement: changing one's mind updates the row, so the History shows
    the effect and the reason before and after.
    """

    __tablename__ = "quality_statement_override"
    __audit_label__ = "Quality statement tag"
    __table_args__ = (
        UniqueConstraint("cause_id", "statement"),
        UniqueConstraint("action_id", "statement"),
        CheckConstraint("(cause_id IS NULL) <> (action_id IS NULL)", name="one_target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = part_of("review")
    cause_id: Mapped[int | None] = part_of("cause")
    action_id: Mapped[int | None] = part_of("action")
    #: A key of ``rca.governance.quality_statements.STATEMENTS``.
    statement: Mapped[str] = mapped_column(String(64))
    #: One of EFFECTS.
    effect: Mapped[str] = mapped_column(String(8))
    reason: Mapped[str] = mapped_column(Text)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    def audit_describe(self) -> str:
        target = f"cause #{self.cause_id}" if self.cause_id else f"action #{self.action_id}"
        verb = "added to" if self.effect == "add" else "removed from"
        return f"Quality statement {self.statement} {verb} {target}"
