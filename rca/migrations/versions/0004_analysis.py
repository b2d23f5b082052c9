"""Add causes and their evidence links

Revision ID: 0004_analysis
Revises: 0003_timeline
Create Date: 2026-12-01 15:45:00

"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004_analysis'
down_revision = '0003_timeline'
branch_labels = None
depends_on = None


#: The contributory-factor vocabulary as first shipped (a copy: later code changes must not change
#: what this migration did). ``rca.fishbone.vocabulary.ensure_seeded`` adds the same list to an
#: empty table, so both paths agree.
SEED_FACTORS = [
    ('staffing.agency-reliance', 'staffing', 'Reliance on agency staff'),
    ('staffing.workload-pressure', 'staffing', 'Workload pressure'),
    ('staffing.short-staffed', 'staffing', 'Fewer staff on shift than planned'),
    ('staffing.skill-mix', 'staffing', 'Skill mix on shift not matched to needs'),
    ('staffing.high-risk-shift', 'staffing', 'High-risk shift without additional oversight'),
    ('training.agency-mar', 'training', 'Agency staff unfamiliar with MAR'),
    ('training.agency-induction-missing', 'training', 'Induction missing for agency staff'),
    ('training.routines-unknown', 'training', "Staff not knowing people's routines"),
    ('training.expired', 'training', 'Training out of date'),
    ('training.escalation-route', 'training', 'Escalation route not known by staff'),
    ('supervision.overdue', 'supervision', 'Supervision overdue'),
    ('supervision.no-follow-up', 'supervision', 'Supervision actions not followed up'),
    ('supervision.practice-not-observed', 'supervision', 'Practice not observed or checked'),
    ('guidance.escalation-thresholds', 'guidance', 'Unclear escalation thresholds'),
    ('guidance.care-plan-ownership', 'guidance', 'Unclear ownership of care-plan updates'),
    ('guidance.procedure-unclear', 'guidance', 'Procedure unclear or out of date'),
    ('guidance.person-specific-missing', 'guidance', 'No person-specific guidance'),
    ('communication.handover-not-recorded', 'communication', 'Handover not recorded'),
    ('communication.handover-insufficient', 'communication', 'Handover support insufficient'),
    ('communication.family-feedback', 'communication', 'Family feedback not acted on'),
    ('communication.change-not-shared', 'communication', 'Change in risk not passed on'),
    ('environment.poor-lighting', 'environment', 'Poor lighting'),
    ('environment.layout-hazard', 'environment', 'Layout or trip hazard'),
    ('environment.maintenance', 'environment', 'Maintenance not done or reported'),
    ('equipment.alert-prompts', 'equipment', 'Alert prompts unclear in the recording system'),
    ('equipment.concern-not-flagged', 'equipment', 'Recording system does not flag concerns'),
    ('equipment.mar-gaps', 'equipment', 'Gaps in MAR records'),
    ('equipment.equipment-unavailable', 'equipment', 'Equipment unavailable or faulty'),
    ('governance.audit-not-followed-up', 'governance', 'Audit findings not followed up'),
    ('governance.management-review-late', 'governance', 'Management review late'),
    ('governance.learning-not-embedded', 'governance', 'Learning not embedded or shared'),
    ('governance.provider-oversight', 'governance', 'Provider oversight weak'),
    ('person.change-in-need', 'person', "Change in the person's needs or risk"),
    ('person.communication-needs', 'person', "Person's communication needs"),
    ('person.refused-care', 'person', 'Person declined care or medication'),
]


def upgrade():
    op.create_table('cause',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('category', sa.String(length=64), nullable=False),
    sa.Column('factor_code', sa.String(length=64), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('conclusion', sa.String(length=16), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_cause_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['parent_id'], ['cause.id'], name=op.f('fk_cause_parent_id_cause'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['review_id'], ['review.id'], name=op.f('fk_cause_review_id_review'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cause'))
    )
    with op.batch_alter_table('cause', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cause_factor_code'), ['factor_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_cause_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cause_review_id'), ['review_id'], unique=False)
    op.create_table('cause_evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('cause_id', sa.Integer(), nullable=False),
    sa.Column('evidence_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['cause_id'], ['cause.id'], name=op.f('fk_cause_evidence_cause_id_cause'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['evidence_id'], ['evidence_row.id'], name=op.f('fk_cause_evidence_evidence_id_evidence_row'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['review_id'], ['review.id'], name=op.f('fk_cause_evidence_review_id_review'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cause_evidence')),
    sa.UniqueConstraint('cause_id', 'evidence_id', name=op.f('uq_cause_evidence_cause_id'))
    )
    with op.batch_alter_table('cause_evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cause_evidence_cause_id'), ['cause_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cause_evidence_evidence_id'), ['evidence_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cause_evidence_review_id'), ['review_id'], unique=False)

    op.create_table('contributory_factor',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('category', sa.String(length=64), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('added_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['added_by_id'], ['user_account.id'], name=op.f('fk_contributory_factor_added_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contributory_factor')),
    sa.UniqueConstraint('code', name=op.f('uq_contributory_factor_code'))
    )
    op.create_table('fishbone_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('framework', sa.String(length=32), nullable=False),
    sa.Column('problem_statement', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['review_id'], ['review.id'], name=op.f('fk_fishbone_settings_review_id_review'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fishbone_settings')),
    sa.UniqueConstraint('review_id', name=op.f('uq_fishbone_settings_review_id'))
    )
    op.create_table('cause_status_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('cause_id', sa.Integer(), nullable=False),
    sa.Column('from_status', sa.String(length=16), nullable=False),
    sa.Column('to_status', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['cause_id'], ['cause.id'], name=op.f('fk_cause_status_change_cause_id_cause'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['changed_by_id'], ['user_account.id'], name=op.f('fk_cause_status_change_changed_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['review_id'], ['review.id'], name=op.f('fk_cause_status_change_review_id_review'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cause_status_change'))
    )
    with op.batch_alter_table('cause_status_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cause_status_change_cause_id'), ['cause_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cause_status_change_review_id'), ['review_id'], unique=False)
    factors = sa.table('contributory_factor',
        sa.column('code', sa.String), sa.column('category', sa.String),
        sa.column('label', sa.String), sa.column('active', sa.Boolean),
        sa.column('created_at', sa.DateTime(timezone=True)))
    created = datetime(2026, 12, 1, tzinfo=timezone.utc)
    op.bulk_insert(factors, [
        {'code': code, 'category': category, 'label': label, 'active': True, 'created_at': created}
        for code, category, label in SEED_FACTORS
    ])


def downgrade():
    with op.batch_alter_table('cause_status_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cause_status_change_review_id'))
        batch_op.drop_index(batch_op.f('ix_cause_status_change_cause_id'))
    op.drop_table('cause_status_change')
    op.drop_table('fishbone_settings')
    op.drop_table('contributory_factor')
    with op.batch_alter_table('cause_evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cause_evidence_review_id'))
        batch_op.drop_index(batch_op.f('ix_cause_evidence_evidence_id'))
        batch_op.drop_index(batch_op.f('ix_cause_evidence_cause_id'))
    op.drop_table('cause_evidence')
    with op.batch_alter_table('cause', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cause_review_id'))
        batch_op.drop_index(batch_op.f('ix_cause_parent_id'))
        batch_op.drop_index(batch_op.f('ix_cause_factor_code'))
    op.drop_table('cause')
