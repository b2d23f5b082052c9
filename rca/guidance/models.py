"""A guidance override: moving a review on past a failing rule, with the reason why.

One per rule per review. It is recorded at the stage move the rule gates and then stands: while
the rule passes the panel shows it passed, and if it fails again later it shows as overridden with
the same reason (the report lists every override). Audited, so History shows who, when and why.

Import cycle kept on purpose (within guidance): History names an override by its rule's title,
which lives with the rules; the rules read the facts and the facts read the overrides. The one
lookup in ``audit_describe`` is deferred rather than moving the titles away from their rules.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rca.accounts.models import User
from rca.audit.models import Audited
from rca.db import UTCDateTime, db, utcnow


class GuidanceOverride(Audited, db.Model):
    """A reviewer moved the review on while a guidance rule failed, and said why."""

    __tablename__ = "guidance_override"
    __audit_label__ = "Guidance override"
    __table_args__ = (UniqueConstraint("review_id", "rule"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"), index=True)
    #: The rule's id in ``rca.guidance.rules`` ("two-source-kinds").
    rule: Mapped[str] = mapped_column(String(64))
    #: The stage the review moved to past the failing rule.
    to_stage: Mapped[str] = mapped_column(String(16))
    #: Why moving on was right although the rule failed, in the reviewer's words.
    reason: Mapped[str] = mapped_column(Text)
    #: What the rule said when it was overridden, so the report shows what was accepted.
    message: Mapped[str | None] = mapped_column(Text)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User | None] = relationship()

    def audit_describe(self) -> str:
        # Imported here: a cycle (rules read the facts, and the facts read this module).
        from rca.guidance.rules import RULES

        rule = RULES.get(self.rule)
        return f"Guidance override: {rule.title if rule else self.rule}"
