"""year planner: arena preferences, draft/published/locked meeting dates, the kommune's skoleruta per plan

Revision ID: 0012_planner
Revises: 0009_unique_names
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_planner"
down_revision = "0011_meeting_chair"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("arenas") as batch:
        batch.add_column(sa.Column("pref_weekday", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("pref_week_of_month", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("pref_time", sa.String(length=5), nullable=True))
    with op.batch_alter_table("meetings") as batch:
        batch.add_column(sa.Column("plan_state", sa.String(length=12), nullable=False, server_default=""))
        batch.add_column(sa.Column("locked", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        "school_breaks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("is_example", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.Column("updated_by", sa.String(length=60), nullable=True),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_school_breaks_plan_id", "school_breaks", ["plan_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_school_breaks_plan_id", table_name="school_breaks")
    op.drop_table("school_breaks")
    with op.batch_alter_table("meetings") as batch:
        batch.drop_column("locked")
        batch.drop_column("plan_state")
    with op.batch_alter_table("arenas") as batch:
        batch.drop_column("pref_time")
        batch.drop_column("pref_week_of_month")
        batch.drop_column("pref_weekday")
