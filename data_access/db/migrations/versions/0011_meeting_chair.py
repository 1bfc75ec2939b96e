"""meeting chair: who leads a group meeting (the SLT coordinator), chosen when it starts, not whoever logged in

Revision ID: 0011_meeting_chair
Revises: 0009_unique_names
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_meeting_chair"
down_revision = "0013_place_names"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("group_meetings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("chair", sa.String(length=200), server_default="", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("group_meetings", schema=None) as batch_op:
        batch_op.drop_column("chair")
