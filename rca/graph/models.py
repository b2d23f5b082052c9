"""The learning layer's one table, and the indexes its queries filter by (migration 0013).

The indexes sit on other areas' tables (causes, reviews, actions) but are declared here, beside
the queries that need them, so removing the learning layer would take its indexes with it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from rca.actions.models import Action
from rca.db import UTCDateTime, db, utcnow
from rca.fishbone.models import Cause
from rca.reviews.models import Review


class LearningState(db.Model):
    """One row: the generation of the data the learning figures read (``rca.graph.freshness``).

    Not audited: it is bookkeeping written in the same transaction as the change it marks.
    """

    __tablename__ = "learning_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: A new random value on every committed change to causes, reviews, actions or services.
    generation: Mapped[str] = mapped_column(String(32))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# A review's counted factors (its citations) read from the index alone: the per-review side of
# every aggregate, the recurrence check and the similar-reviews candidates' own codes.
Index(
    "ix_cause_review_factor",
    Cause.__table__.c.review_id,
    Cause.__table__.c.factor_code,
    Cause.__table__.c.status,
    Cause.__table__.c.conclusion,
)
# The reviews citing one factor, with what decides whether they count: similar reviews'
# candidates and each factor's document frequency.
Index(
    "ix_cause_factor_review",
    Cause.__table__.c.factor_code,
    Cause.__table__.c.review_id,
    Cause.__table__.c.status,
    Cause.__table__.c.conclusion,
)
# Scopes: a service (or several) over a period, and a period across every service.
Index("ix_review_service_occurred", Review.__table__.c.service_id, Review.__table__.c.occurred_on)
Index("ix_review_occurred_service", Review.__table__.c.occurred_on, Review.__table__.c.service_id)
# Recurrence after closure: actions marked done, by the day they were done.
Index(
    "ix_action_done",
    Action.__table__.c.status,
    Action.__table__.c.completed_on,
    Action.__table__.c.review_id,
)
