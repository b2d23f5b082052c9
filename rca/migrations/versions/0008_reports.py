"""Add issued reports and the review's report settings

Revision ID: 0008_reports
Revises: 0007_actions
Create Date: 2026-12-01 15:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_reports'
down_revision = '0007_actions'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('issued_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('pdf', sa.LargeBinary(), nullable=False),
    sa.Column('recipient', sa.String(length=200), nullable=False),
    sa.Column('staff_names', sa.Boolean(), nullable=False),
    sa.Column('content_key', sa.String(length=64), nullable=False),
    sa.Column('issued_by_id', sa.Integer(), nullable=True),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['issued_by_id'], ['user_account.id'], name=op.f('fk_issued_report_issued_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['review_id'], ['review.id'], name=op.f('fk_issued_report_review_id_review'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_issued_report')),
    sa.UniqueConstraint('review_id', 'version', name=op.f('uq_issued_report_review_id'))
    )
    with op.batch_alter_table('issued_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_issued_report_review_id'), ['review_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_issued_report_sha256'), ['sha256'], unique=False)
    op.create_table('report_setting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('staff_names', sa.Boolean(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['review_id'], ['review.id'], name=op.f('fk_report_setting_review_id_review'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_report_setting_updated_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_setting')),
    sa.UniqueConstraint('review_id', name=op.f('uq_report_setting_review_id'))
    )


def downgrade():
    op.drop_table('report_setting')
    with op.batch_alter_table('issued_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_issued_report_sha256'))
        batch_op.drop_index(batch_op.f('ix_issued_report_review_id'))
    op.drop_table('issued_report')
