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
    pass


def downgrade():
    pass
