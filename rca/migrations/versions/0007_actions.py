"""Add actions, the causes they address, and review points

Revision ID: 0007_actions
Revises: 0006_guidance
Create Date: 2026-12-01 15:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_actions'
down_revision = '0006_guidance'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('action',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('action_type', sa.String(length=16), nullable=True),
    sa.Column('owner_name', sa.String(length=200), nullable=True),
    sa.Column('owner_user_id', sa.Integer(), nullable=True),
    sa.Column('owner_staff_id', sa.Integer(), nullable=True),
    sa.Column('due', sa.Date(), nullable=True),
    sa.Column('measure', sa.Text(), nullable=True),
    sa.Column('target', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('completed_on', sa.Date(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_action_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['owner_staff_id'], ['staff_member.id'], name=op.f('fk_action_owner_staff_id_staff_member'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['owner_user_id'], ['user_account.id'], name=op.f('fk_action_owner_user_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['review_id'], ['review.id'], name=op.f('fk_action_review_id_review'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_action'))
    )
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_action_due'), ['due'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_owner_staff_id'), ['owner_staff_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_owner_user_id'), ['owner_user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_review_id'), ['review_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_status'), ['status'], unique=False)
    op.create_table('action_cause',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('cause_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['action.id'], name=op.f('fk_action_cause_action_id_action'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['cause_id'], ['cause.id'], name=op.f('fk_action_cause_cause_id_cause'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['review_id'], ['review.id'], name=op.f('fk_action_cause_review_id_review'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_action_cause')),
    sa.UniqueConstraint('action_id', 'cause_id', name=op.f('uq_action_cause_action_id'))
    )
    with op.batch_alter_table('action_cause', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_action_cause_action_id'), ['action_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_cause_cause_id'), ['cause_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_cause_review_id'), ['review_id'], unique=False)
    op.create_table('review_point',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['action.id'], name=op.f('fk_review_point_action_id_action'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['review_id'], ['review.id'], name=op.f('fk_review_point_review_id_review'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_point'))
    )
    with op.batch_alter_table('review_point', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_point_action_id'), ['action_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_point_on'), ['on'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_point_review_id'), ['review_id'], unique=False)


def downgrade():
    with op.batch_alter_table('review_point', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_point_review_id'))
        batch_op.drop_index(batch_op.f('ix_review_point_on'))
        batch_op.drop_index(batch_op.f('ix_review_point_action_id'))
    op.drop_table('review_point')
    with op.batch_alter_table('action_cause', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_action_cause_review_id'))
        batch_op.drop_index(batch_op.f('ix_action_cause_cause_id'))
        batch_op.drop_index(batch_op.f('ix_action_cause_action_id'))
    op.drop_table('action_cause')
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_action_status'))
        batch_op.drop_index(batch_op.f('ix_action_review_id'))
        batch_op.drop_index(batch_op.f('ix_action_owner_user_id'))
        batch_op.drop_index(batch_op.f('ix_action_owner_staff_id'))
        batch_op.drop_index(batch_op.f('ix_action_due'))
    op.drop_table('action')
