"""Import defects: needs-attention once per file, supervision due dates

(Placeholder reserved so that parallel work keeps one migration chain; filled by the change that
needs it.)

Revision ID: 0012_import_attention
Revises: 0011_sessions
Create Date: 2026-12-07 03:00:00

"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

# revision identifiers, used by Alembic.
revision = '0012_import_attention'
down_revision = '0011_sessions'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
