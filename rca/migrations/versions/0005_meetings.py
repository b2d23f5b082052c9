"""Add the review meeting record and presence

Revision ID: 0005_meetings
Revises: 0004_analysis
Create Date: 2026-12-01 15:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005_meetings'
down_revision = '0004_analysis'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('review_meeting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('held_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('facilitator_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('purpose', sa.Text(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['facilitator_id'], ['user_account.id'], name=op.f('fk_review_meeting_facilitator_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['review_id'], ['review.id'], name=op.f('fk_review_meeting_review_id_review'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_meeting'))
    )
    with op.batch_alter_table('review_meeting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_meeting_review_id'), ['review_id'], unique=False)
    op.create_table('meeting_attendee',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=100), nullable=True),
    sa.Column('attendance', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['review_meeting.id'], name=op.f('fk_meeting_attendee_meeting_id_review_meeting'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['review_id'], ['review.id'], name=op.f('fk_meeting_attendee_review_id_review'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_meeting_attendee_user_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_attendee'))
    )
    with op.batch_alter_table('meeting_attendee', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_attendee_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_attendee_review_id'), ['review_id'], unique=False)
    op.create_table('meeting_decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('cause_id', sa.Integer(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['cause_id'], ['cause.id'], name=op.f('fk_meeting_decision_cause_id_cause'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['meeting_id'], ['review_meeting.id'], name=op.f('fk_meeting_decision_meeting_id_review_meeting'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_meeting_decision_recorded_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['review_id'], ['review.id'], name=op.f('fk_meeting_decision_review_id_review'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_decision'))
    )
    with op.batch_alter_table('meeting_decision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_decision_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_decision_review_id'), ['review_id'], unique=False)
    op.create_table('meeting_presence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('last_seen', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['review_id'], ['review.id'], name=op.f('fk_meeting_presence_review_id_review'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_meeting_presence_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_presence')),
    sa.UniqueConstraint('review_id', 'user_id', name=op.f('uq_meeting_presence_review_id'))
    )
    with op.batch_alter_table('meeting_presence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_presence_review_id'), ['review_id'], unique=False)
    op.create_table('cause_undo',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('first_entry_id', sa.Integer(), nullable=False),
    sa.Column('last_entry_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=300), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['review_id'], ['review.id'], name=op.f('fk_cause_undo_review_id_review'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_cause_undo_user_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cause_undo'))
    )
    with op.batch_alter_table('cause_undo', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cause_undo_review_id'), ['review_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cause_undo_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('cause_undo', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cause_undo_user_id'))
        batch_op.drop_index(batch_op.f('ix_cause_undo_review_id'))
    op.drop_table('cause_undo')
    with op.batch_alter_table('meeting_presence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_presence_review_id'))
    op.drop_table('meeting_presence')
    with op.batch_alter_table('meeting_decision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_decision_review_id'))
        batch_op.drop_index(batch_op.f('ix_meeting_decision_meeting_id'))
    op.drop_table('meeting_decision')
    with op.batch_alter_table('meeting_attendee', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_attendee_review_id'))
        batch_op.drop_index(batch_op.f('ix_meeting_attendee_meeting_id'))
    op.drop_table('meeting_attendee')
    with op.batch_alter_table('review_meeting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_meeting_review_id'))
    op.drop_table('review_meeting')
