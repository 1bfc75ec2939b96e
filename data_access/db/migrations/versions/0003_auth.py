"""server-side sessions, login failures, OIDC users

Revision ID: 0003_auth
Revises: 0001
Create Date: 2026-11-25 16:45:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0003_auth'
down_revision = "0004_meeting"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('auth_method', sa.String(length=10), nullable=False, server_default='lokal'))
        batch.add_column(sa.Column('oidc_subject', sa.String(length=300), nullable=True))
        batch.create_unique_constraint('uq_users_oidc_subject', ['oidc_subject'])
    op.create_table('auth_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('method', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_seen', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.Column('revoke_reason', sa.String(length=40), nullable=True),
    sa.Column('client', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    op.create_index('ix_auth_sessions_user_id', 'auth_sessions', ['user_id'], unique=False)
    op.create_table('login_failures',
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_failure_at', sa.DateTime(), nullable=False),
    sa.Column('locked_until', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('key')
    )


def downgrade() -> None:
    op.drop_table('login_failures')
    op.drop_index('ix_auth_sessions_user_id', table_name='auth_sessions')
    op.drop_table('auth_sessions')
    with op.batch_alter_table('users') as batch:
        batch.drop_constraint('uq_users_oidc_subject', type_='unique')
        batch.drop_column('oidc_subject')
        batch.drop_column('auth_method')
