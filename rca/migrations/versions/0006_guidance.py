"""Add guidance overrides

Revision ID: 0006_guidance
Revises: 0005_meetings
Create Date: 2026-12-01 15:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_guidance'
down_revision = '0005_meetings'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('guidance_override',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('rule', sa.String(length=64), nullable=False),
    sa.Column('to_stage', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('message', sa.Text(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['review_id'], ['review.id'], name=op.f('fk_guidance_override_review_id_review'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_guidance_override_user_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_guidance_override')),
    sa.UniqueConstraint('review_id', 'rule', name=op.f('uq_guidance_override_review_id'))
    )
    with op.batch_alter_table('guidance_override', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_guidance_override_review_id'), ['review_id'], unique=False)


def downgrade():
    with op.batch_alter_table('guidance_override', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_guidance_override_review_id'))
    op.drop_table('guidance_override')
