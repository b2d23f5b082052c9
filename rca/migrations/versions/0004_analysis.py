"""Add causes and their evidence links

Revision ID: 0004_analysis
Revises: 0003_timeline
Create Date: 2026-12-01 15:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004_analysis'
down_revision = '0003_timeline'
branch_labels = None
depends_on = None


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


def downgrade():
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
