"""Indexes and columns for speed

Revision ID: 0009_speed
Revises: 0008_reports
Create Date: 2026-12-01 15:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009_speed'
down_revision = '0008_reports'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
