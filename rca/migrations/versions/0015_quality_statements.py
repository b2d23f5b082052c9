"""CQC quality statements: the admins' mapping edits and the tag overrides on causes and actions

- ``quality_statement_mapping``: one row per factor code or action type whose statements an
  admin changed from the default in code (``rca.governance.statement_mapping``);
- ``quality_statement_override``: a statement added to, or removed from, one finding's or one
  action's derived tags, with the reason; exactly one of ``cause_id`` and ``action_id`` is set.

Tags themselves are derived on read and never stored.

Revision ID: 0015_quality_statements
Revises: 0014_near_miss
Create Date: 2026-12-07 13:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0015_quality_statements"
down_revision = "0014_near_miss"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "quality_statement_mapping",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("statements", sa.JSON(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["user_account.id"],
            name=op.f("fk_quality_statement_mapping_updated_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quality_statement_mapping")),
        sa.UniqueConstraint("source", "code", name=op.f("uq_quality_statement_mapping_source")),
    )
    op.create_table(
        "quality_statement_override",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("cause_id", sa.Integer(), nullable=True),
        sa.Column("action_id", sa.Integer(), nullable=True),
        sa.Column("statement", sa.String(length=64), nullable=False),
        sa.Column("effect", sa.String(length=8), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(cause_id IS NULL) <> (action_id IS NULL)",
            name=op.f("ck_quality_statement_override_one_target"),
        ),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["action.id"],
            name=op.f("fk_quality_statement_override_action_id_action"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["cause_id"],
            ["cause.id"],
            name=op.f("fk_quality_statement_override_cause_id_cause"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["review.id"],
            name=op.f("fk_quality_statement_override_review_id_review"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_quality_statement_override_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quality_statement_override")),
        sa.UniqueConstraint(
            "action_id", "statement", name=op.f("uq_quality_statement_override_action_id")
        ),
        sa.UniqueConstraint(
            "cause_id", "statement", name=op.f("uq_quality_statement_override_cause_id")
        ),
    )
    with op.batch_alter_table("quality_statement_override", schema=None) as batch_op:
        for column in ("review_id", "cause_id", "action_id"):
            batch_op.create_index(
                batch_op.f(f"ix_quality_statement_override_{column}"), [column], unique=False
            )


def downgrade():
    with op.batch_alter_table("quality_statement_override", schema=None) as batch_op:
        for column in ("action_id", "cause_id", "review_id"):
            batch_op.drop_index(batch_op.f(f"ix_quality_statement_override_{column}"))
    op.drop_table("quality_statement_override")
    op.drop_table("quality_statement_mapping")
