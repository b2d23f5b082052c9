"""Learning across reviews: the learning generation and the indexes the learning queries filter by

Actions already record the day they were marked done (``action.completed_on``, set by progress
and by ``PATCH /api/v1/actions/{id}``), so no column is added. What is added:

- ``learning_state``: one row whose ``generation`` changes in the same transaction as any change
  to causes, reviews, actions or services, so every process can cache a learning figure until it
  moves (``rca.graph.freshness``);
- ``ix_cause_review_factor`` and ``ix_cause_factor_review``: a review's counted factors, and the
  reviews citing a factor, each with the status and conclusion that decide whether it counts,
  read from the index alone;
- ``ix_review_service_occurred`` and ``ix_review_occurred_service``: a service over a period, a
  period across services;
- ``ix_action_done``: actions marked done, by the day they were done.

Revision ID: 0013_learning
Revises: 0012_import_attention
Create Date: 2026-12-07 03:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0013_learning"
down_revision = "0012_import_attention"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "learning_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("generation", sa.String(length=32), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_learning_state")),
    )
    with op.batch_alter_table("cause", schema=None) as batch_op:
        batch_op.create_index(
            "ix_cause_review_factor",
            ["review_id", "factor_code", "status", "conclusion"],
            unique=False,
        )
        batch_op.create_index(
            "ix_cause_factor_review",
            ["factor_code", "review_id", "status", "conclusion"],
            unique=False,
        )
    with op.batch_alter_table("review", schema=None) as batch_op:
        batch_op.create_index(
            "ix_review_service_occurred", ["service_id", "occurred_on"], unique=False
        )
        batch_op.create_index(
            "ix_review_occurred_service", ["occurred_on", "service_id"], unique=False
        )
    with op.batch_alter_table("action", schema=None) as batch_op:
        batch_op.create_index(
            "ix_action_done", ["status", "completed_on", "review_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("action", schema=None) as batch_op:
        batch_op.drop_index("ix_action_done")
    with op.batch_alter_table("review", schema=None) as batch_op:
        batch_op.drop_index("ix_review_occurred_service")
        batch_op.drop_index("ix_review_service_occurred")
    with op.batch_alter_table("cause", schema=None) as batch_op:
        batch_op.drop_index("ix_cause_factor_review")
        batch_op.drop_index("ix_cause_review_factor")
    op.drop_table("learning_state")
