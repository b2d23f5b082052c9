"""Keep a file's SHA-256 and sheet on its import, not on every row

Every imported row repeated its file's SHA-256 (64 characters) and sheet, which its import
(evidence_import, through evidence_row.import_id) already holds: a fifth of each row's bytes, written
again for every row of a 100,000-row file. Rows read them from their import now. Only rows brought
in by an import ever had them, so nothing is lost; the downgrade copies them back from the imports.

Revision ID: 0010_row_provenance
Revises: 0009_speed
Create Date: 2026-12-01 19:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0010_row_provenance'
down_revision = '0009_speed'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('evidence_row', schema=None) as batch_op:
        batch_op.drop_column('file_sha256')
        batch_op.drop_column('sheet')


def downgrade():
    with op.batch_alter_table('evidence_row', schema=None) as batch_op:
        batch_op.add_column(sa.Column('file_sha256', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('sheet', sa.String(length=120), nullable=True))
    op.execute(
        "UPDATE evidence_row SET "
        "file_sha256 = (SELECT file_sha256 FROM evidence_import "
        "WHERE evidence_import.id = evidence_row.import_id), "
        "sheet = (SELECT sheet FROM evidence_import WHERE evidence_import.id = evidence_row.import_id) "
        "WHERE import_id IS NOT NULL"
    )
