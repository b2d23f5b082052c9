"""Near-miss patterns: a manager's decision on each run of similar incidents

``near_miss_decision`` holds one row per decided run (``run_key`` unique, so a run is decided
once): accepted, with the review it started, or declined, with the reason. The run is kept as
its incidents' content hashes (``incident_keys``), which outlive the rows (rca/governance/).

Revision ID: 0014_near_miss
Revises: 0013_learning
Create Date: 2026-12-07 13:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0014_near_miss"
down_revision = "0013_learning"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "near_miss_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_key", sa.String(length=64), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("type_key", sa.String(length=200), nullable=False),
        sa.Column("type_label", sa.String(length=200), nullable=False),
        sa.Column("incident_keys", sa.JSON(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("first_on", sa.Date(), nullable=False),
        sa.Column("last_on", sa.Date(), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("review_id", sa.Integer(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["user_account.id"],
            name=op.f("fk_near_miss_decision_decided_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["review.id"],
            name=op.f("fk_near_miss_decision_review_id_review"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["service.id"],
            name=op.f("fk_near_miss_decision_service_id_service"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_near_miss_decision")),
        sa.UniqueConstraint("run_key", name=op.f("uq_near_miss_decision_run_key")),
    )
    with op.batch_alter_table("near_miss_decision", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_near_miss_decision_review_id"), ["review_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("near_miss_decision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_near_miss_decision_review_id"))
    op.drop_table("near_miss_decision")
