"""one write path: versions on indicators and values, who-saved on arenas and meetings, one open group meeting

Revision ID: 0002_write_path
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_write_path"
down_revision = "0001"
branch_labels = None
depends_on = None

STAMPED = ("arenas", "meetings", "indicators", "indicator_values")


def upgrade() -> None:
    for table in ("indicators", "indicator_values"):
        op.add_column(table, sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
    for table in STAMPED:
        op.add_column(table, sa.Column("updated_at", sa.DateTime(), nullable=True))
        op.add_column(table, sa.Column("updated_by", sa.String(length=60), nullable=True))
    # Close all but the newest open meeting per plan before the index makes a second one impossible.
    op.execute("""
        UPDATE group_meetings SET ended_at = started_at
        WHERE ended_at IS NULL AND id NOT IN (
            SELECT max(id) FROM group_meetings WHERE ended_at IS NULL GROUP BY plan_id)
    """)
    op.create_index("uq_group_meetings_open", "group_meetings", ["plan_id"], unique=True,
                    sqlite_where=sa.text("ended_at IS NULL"), postgresql_where=sa.text("ended_at IS NULL"))


def downgrade() -> None:
    op.drop_index("uq_group_meetings_open", table_name="group_meetings")
    for table in STAMPED:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("updated_by")
            batch.drop_column("updated_at")
    for table in ("indicators", "indicator_values"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("version")
