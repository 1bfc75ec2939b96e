"""job runs: one row per scheduled job and day, the lock that makes a job run once across replicas

Revision ID: 0010_job_runs
Revises: 0009_unique_names
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_job_runs"
down_revision = "0009_unique_names"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "job_runs",
        sa.Column("job", sa.String(length=40), nullable=False),
        sa.Column("slot", sa.String(length=40), nullable=False),
        sa.Column("host", sa.String(length=200), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("job", "slot"),
    )


def downgrade() -> None:
    op.drop_table("job_runs")
