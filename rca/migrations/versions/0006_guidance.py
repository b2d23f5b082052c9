"""Add guidance overrides

Revision ID: 0006_guidance
Revises: 0005_meetings
Create Date: 2026-12-01 15:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_guidance'
down_revision = '0005_meetings'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
