"""Indexes and columns for speed

The evidence pane's order (occurred_on, occurred_at, id) gets one index that serves it whole, so a
deep page is a keyset seek rather than an OFFSET walk. It replaces (review_id, occurred_on), a
prefix of it, so an import still maintains the same number of indexes.

The change tokens of the fishbone's live view and the timeline's cache read max(id) and count(*)
of a review's audit entries: (review_id, id) answers both from the index alone, and replaces
the index on review_id alone (its prefix), so an audited change still writes one index.

Revision ID: 0009_speed
Revises: 0008_reports
Create Date: 2026-12-01 15:45:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0009_speed'
down_revision = '0008_reports'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('evidence_row', schema=None) as batch_op:
        batch_op.create_index(
            'ix_evidence_row_review_order',
            ['review_id', 'occurred_on', 'occurred_at', 'id'],
            unique=False,
        )
        batch_op.drop_index('ix_evidence_row_review_on')

    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_audit_entry_review_id_id'), ['review_id', 'id'], unique=False
        )
        batch_op.drop_index(batch_op.f('ix_audit_entry_review_id'))


def downgrade():
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_entry_review_id'), ['review_id'], unique=False)
        batch_op.drop_index(batch_op.f('ix_audit_entry_review_id_id'))

    with op.batch_alter_table('evidence_row', schema=None) as batch_op:
        batch_op.create_index(
            'ix_evidence_row_review_on', ['review_id', 'occurred_on'], unique=False
        )
        batch_op.drop_index('ix_evidence_row_review_order')
