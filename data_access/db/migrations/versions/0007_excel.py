"""example flags: indicator targets and tiltak evaluation dates the plan does not give

Revision ID: 0007_excel
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_excel"
down_revision = "0003_auth"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("indicators") as batch:
        batch.add_column(sa.Column("target_is_example", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("tiltak") as batch:
        batch.add_column(sa.Column("next_evaluation_is_example", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("tiltak") as batch:
        batch.drop_column("next_evaluation_is_example")
    with op.batch_alter_table("indicators") as batch:
        batch.drop_column("target_is_example")
