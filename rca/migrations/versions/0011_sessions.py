"""Server-side sessions and sign-in limits

Signing out now ends the session on the server: each sign-in is a user_session row whose secret
(its SHA-256 stored here) rides in the signed cookie, and a request opens nothing once the row has
ended. That replaces user_account.session_nonce, which could only end every session of a user at
once (a password change, a deactivation) and never the one that signed out. Sessions open at the
upgrade carry the old nonce form of the user id and end: everyone signs in once more.

The per-client sign-in limit counts one address's recent failures across every account, so
sign_in_event gains an index on (remote_addr, at).

Revision ID: 0011_sessions
Revises: 0010_row_provenance
Create Date: 2026-12-07 03:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0011_sessions'
down_revision = '0010_row_provenance'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'user_session',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('secret_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('ended_why', sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ['user_id'], ['user_account.id'],
            name=op.f('fk_user_session_user_id_user_account'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_user_session')),
        sa.UniqueConstraint('secret_hash', name=op.f('uq_user_session_secret_hash')),
    )
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_session_user_id'), ['user_id'], unique=False)
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('session_nonce')
    with op.batch_alter_table('sign_in_event', schema=None) as batch_op:
        batch_op.create_index('ix_sign_in_event_client', ['remote_addr', 'at'], unique=False)


def downgrade():
    with op.batch_alter_table('sign_in_event', schema=None) as batch_op:
        batch_op.drop_index('ix_sign_in_event_client')
    # Every user starts again at nonce 0, so sessions signed in under 0011 end at the downgrade.
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('session_nonce', sa.Integer(), nullable=False, server_default='0')
        )
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_session_user_id'))
    op.drop_table('user_session')
