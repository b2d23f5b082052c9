"""Add actions, the causes they address, review points, progress, completion evidence,
calendar feeds, effectiveness checks, follow-ups, learning points and dissemination

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

    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_action_status_due'), ['status', 'due', 'owner_name'], unique=False)
    op.create_table('action_progress',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('status_from', sa.String(length=16), nullable=True),
    sa.Column('status_to', sa.String(length=16), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['action.id'], name=op.f('fk_action_progress_action_id_action'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['review_id'], ['review.id'], name=op.f('fk_action_progress_review_id_review'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_action_progress_user_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_action_progress'))
    )
    with op.batch_alter_table('action_progress', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_action_progress_action_id'), ['action_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_progress_review_id'), ['review_id'], unique=False)
    op.create_table('action_evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('evidence_id', sa.Integer(), nullable=True),
    sa.Column('file_name', sa.String(length=255), nullable=True),
    sa.Column('file_sha256', sa.String(length=64), nullable=True),
    sa.Column('file_size', sa.Integer(), nullable=True),
    sa.Column('content_type', sa.String(length=100), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['action.id'], name=op.f('fk_action_evidence_action_id_action'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['evidence_id'], ['evidence_row.id'], name=op.f('fk_action_evidence_evidence_id_evidence_row'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['review_id'], ['review.id'], name=op.f('fk_action_evidence_review_id_review'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_action_evidence_user_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_action_evidence'))
    )
    with op.batch_alter_table('action_evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_action_evidence_action_id'), ['action_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_evidence_evidence_id'), ['evidence_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_evidence_review_id'), ['review_id'], unique=False)
    op.create_table('calendar_feed',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('prefix', sa.String(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_calendar_feed_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_feed')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_calendar_feed_token_hash'))
    )
    with op.batch_alter_table('calendar_feed', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calendar_feed_user_id'), ['user_id'], unique=False)
    op.create_table('effectiveness_check',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=True),
    sa.Column('numerator', sa.Integer(), nullable=False),
    sa.Column('denominator', sa.Integer(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('result_percent', sa.Numeric(precision=6, scale=2), nullable=False),
    sa.Column('target_percent', sa.Numeric(precision=6, scale=2), nullable=False),
    sa.Column('target_met', sa.Boolean(), nullable=False),
    sa.Column('verdict', sa.String(length=16), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['action.id'], name=op.f('fk_effectiveness_check_action_id_action'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['review_id'], ['review.id'], name=op.f('fk_effectiveness_check_review_id_review'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_effectiveness_check_user_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_effectiveness_check'))
    )
    with op.batch_alter_table('effectiveness_check', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_effectiveness_check_action_id'), ['action_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_effectiveness_check_review_id'), ['review_id'], unique=False)
    op.create_table('follow_up',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('check_id', sa.Integer(), nullable=False),
    sa.Column('from_stage', sa.String(length=16), nullable=False),
    sa.Column('to_stage', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['check_id'], ['effectiveness_check.id'], name=op.f('fk_follow_up_check_id_effectiveness_check'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['review_id'], ['review.id'], name=op.f('fk_follow_up_review_id_review'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_follow_up')),
    sa.UniqueConstraint('check_id', name=op.f('uq_follow_up_check_id'))
    )
    with op.batch_alter_table('follow_up', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_follow_up_review_id'), ['review_id'], unique=False)
    op.create_table('learning_point',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['review_id'], ['review.id'], name=op.f('fk_learning_point_review_id_review'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_learning_point'))
    )
    with op.batch_alter_table('learning_point', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_learning_point_review_id'), ['review_id'], unique=False)
    op.create_table('dissemination',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('method', sa.String(length=32), nullable=False),
    sa.Column('teams', sa.Text(), nullable=True),
    sa.Column('understanding_checked', sa.Boolean(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['review_id'], ['review.id'], name=op.f('fk_dissemination_review_id_review'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_dissemination_user_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dissemination'))
    )
    with op.batch_alter_table('dissemination', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dissemination_review_id'), ['review_id'], unique=False)
    op.create_table('dissemination_staff',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('dissemination_id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['dissemination_id'], ['dissemination.id'], name=op.f('fk_dissemination_staff_dissemination_id_dissemination'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['review_id'], ['review.id'], name=op.f('fk_dissemination_staff_review_id_review'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_member.id'], name=op.f('fk_dissemination_staff_staff_id_staff_member'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dissemination_staff')),
    sa.UniqueConstraint('dissemination_id', 'staff_id', name=op.f('uq_dissemination_staff_dissemination_id'))
    )
    with op.batch_alter_table('dissemination_staff', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dissemination_staff_dissemination_id'), ['dissemination_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dissemination_staff_review_id'), ['review_id'], unique=False)


def downgrade():
    with op.batch_alter_table('dissemination_staff', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dissemination_staff_review_id'))
        batch_op.drop_index(batch_op.f('ix_dissemination_staff_dissemination_id'))
    op.drop_table('dissemination_staff')
    with op.batch_alter_table('dissemination', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dissemination_review_id'))
    op.drop_table('dissemination')
    with op.batch_alter_table('learning_point', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_learning_point_review_id'))
    op.drop_table('learning_point')
    with op.batch_alter_table('follow_up', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_follow_up_review_id'))
    op.drop_table('follow_up')
    with op.batch_alter_table('effectiveness_check', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_effectiveness_check_review_id'))
        batch_op.drop_index(batch_op.f('ix_effectiveness_check_action_id'))
    op.drop_table('effectiveness_check')
    with op.batch_alter_table('calendar_feed', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_calendar_feed_user_id'))
    op.drop_table('calendar_feed')
    with op.batch_alter_table('action_evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_action_evidence_review_id'))
        batch_op.drop_index(batch_op.f('ix_action_evidence_evidence_id'))
        batch_op.drop_index(batch_op.f('ix_action_evidence_action_id'))
    op.drop_table('action_evidence')
    with op.batch_alter_table('action_progress', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_action_progress_review_id'))
        batch_op.drop_index(batch_op.f('ix_action_progress_action_id'))
    op.drop_table('action_progress')
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_action_status_due'))
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
