"""Look here too: the governance lead's decisions on suggestions

- ``suggestion_decision``: one row per (factor code, target service) decided, accepted (with
  the action it planned in the source review) or dismissed (with the reason). Suggestions
  themselves are worked out on read and never stored (``rca.governance.suggestions``).

Revision ID: 0016_suggestions
Revises: 0015_quality_statements
Create Date: 2026-12-07 14:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0016_suggestions"
down_revision = "0015_quality_statements"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "suggestion_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("factor_code", sa.String(length=64), nullable=False),
        sa.Column("target_service_id", sa.Integer(), nullable=False),
        sa.Column("source_review_id", sa.Integer(), nullable=True),
        sa.Column("source_cause_id", sa.Integer(), nullable=True),
        sa.Column("source_reference", sa.String(length=32), nullable=False),
        sa.Column("because", sa.Text(), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("action_id", sa.Integer(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["action.id"],
            name=op.f("fk_suggestion_decision_action_id_action"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["user_account.id"],
            name=op.f("fk_suggestion_decision_decided_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["source_cause_id"],
            ["cause.id"],
            name=op.f("fk_suggestion_decision_source_cause_id_cause"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["source_review_id"],
            ["review.id"],
            name=op.f("fk_suggestion_decision_source_review_id_review"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["target_service_id"],
            ["service.id"],
            name=op.f("fk_suggestion_decision_target_service_id_service"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suggestion_decision")),
        sa.UniqueConstraint(
            "factor_code", "target_service_id", name=op.f("uq_suggestion_decision_factor_code")
        ),
    )
    with op.batch_alter_table("suggestion_decision", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_suggestion_decision_source_review_id"), ["source_review_id"]
        )


def downgrade():
    with op.batch_alter_table("suggestion_decision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_suggestion_decision_source_review_id"))
    op.drop_table("suggestion_decision")
