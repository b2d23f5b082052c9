"""Quality-meeting packs: each issued PDF kept with its SHA-256

Revision ID: 0017_quality_packs
Revises: 0016_suggestions
Create Date: 2026-12-07 17:00:00

"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "0017_quality_packs"
down_revision = "0016_suggestions"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "issued_pack",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope_label", sa.String(length=300), nullable=False),
        sa.Column("services", sa.String(length=2000), nullable=True),
        sa.Column("service_ids", sa.JSON(), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=True),
        sa.Column("since", sa.Date(), nullable=False),
        sa.Column("until", sa.Date(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.Column("issued_by_id", sa.Integer(), nullable=True),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["issued_by_id"],
            ["user_account.id"],
            name=op.f("fk_issued_pack_issued_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issued_pack")),
    )
    with op.batch_alter_table("issued_pack", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_issued_pack_sha256"), ["sha256"])
        batch_op.create_index(batch_op.f("ix_issued_pack_issued_at"), ["issued_at"])


def downgrade():
    with op.batch_alter_table("issued_pack", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_issued_pack_issued_at"))
        batch_op.drop_index(batch_op.f("ix_issued_pack_sha256"))
    op.drop_table("issued_pack")
