"""The governance lead's decision on a "look here too" suggestion: accepted or dismissed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rca.accounts.models import User
from rca.audit.models import Audited
from rca.db import UTCDateTime, db, utcnow
from rca.provider.models import Service

DECISIONS = {"accepted": "Accepted", "dismissed": "Dismissed"}


class SuggestionDecision(Audited, db.Model):
    """One suggestion (a factor code at a target service), decided once.

    The pair is unique, so a second decision fails in the database as well as in
    ``rca.governance.suggestion_decisions`` (409), and a decided pair is never suggested again
    (``rca.governance.suggestions``). The source is kept as it was when decided: the finding
    that prompted it may later change, and the decision should still say what it answered.
    """

    __tablename__ = "suggestion_decision"
    __audit_label__ = "Look-here-too suggestion"
    __table_args__ = (UniqueConstraint("factor_code", "target_service_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The contributory-factor code suggested (``contributory_factor.code``).
    factor_code: Mapped[str] = mapped_column(String(64))
    #: The service told to look: the check or audit happens there.
    target_service_id: Mapped[int] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"))
    #: The review whose finding prompted it; the accepted action is in its plan.
    source_review_id: Mapped[int | None] = mapped_column(
        ForeignKey("review.id", ondelete="SET NULL"), index=True
    )
    source_cause_id: Mapped[int | None] = mapped_column(ForeignKey("cause.id", ondelete="SET NULL"))
    #: The source review's reference when decided, kept after that review is deleted.
    source_reference: Mapped[str] = mapped_column(String(32))
    #: The reason sentence the suggestion gave when it was decided: what the lead answered.
    because: Mapped[str] = mapped_column(Text)
    #: One of DECISIONS.
    decision: Mapped[str] = mapped_column(String(16))
    #: Why it was dismissed (required then); empty for an acceptance.
    reason: Mapped[str | None] = mapped_column(Text)
    #: The check planned by an acceptance (null for a dismissal, or once it is deleted).
    action_id: Mapped[int | None] = mapped_column(ForeignKey("action.id", ondelete="SET NULL"))
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    target_service: Mapped[Service] = relationship(lazy="joined")
    decided_by: Mapped[User | None] = relationship()

    def audit_review_id(self) -> int | None:
        # Both answers are part of what the source review's finding led to, so both show in
        # that review's History (beside the action an acceptance adds to its plan).
        return self.source_review_id

    def audit_describe(self) -> str:
        return f"Look here too: {self.factor_code} at service #{self.target_service_id} " + (
            f"({DECISIONS.get(self.decision, self.decision)})"
        )
