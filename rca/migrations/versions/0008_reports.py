"""Add issued reports and the report cache

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
    pass


def downgrade():
    pass
