"""login hardening: the client address of a session, and every failed login kept for the administrator

Revision ID: 0008_access
Revises: 0007_excel
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_access"
down_revision = "0007_excel"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("auth_sessions") as batch:
        batch.add_column(sa.Column("client_address", sa.String(length=64), nullable=True))
    op.create_table(
        "failed_logins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("username", sa.String(length=60), nullable=False),
        sa.Column("client_address", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_failed_logins_at", "failed_logins", ["at"], unique=False)
    op.execute("DELETE FROM login_failures")  # keys change meaning (per username × address); start afresh


def downgrade() -> None:
    op.drop_index("ix_failed_logins_at", table_name="failed_logins")
    op.drop_table("failed_logins")
    with op.batch_alter_table("auth_sessions") as batch:
        batch.drop_column("client_address")
