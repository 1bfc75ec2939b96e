"""replicas: state that was per process moves to the database

``job_runs``: one row per scheduled job and day, the lock that makes a job run once across replicas;
``rate_buckets``: the SSB/FHI token buckets, so every replica, job and command shares one request limit.

Revision ID: 0010_replicas
Revises: 0009_unique_names
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_replicas"
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
    op.create_table(
        "rate_buckets",
        sa.Column("service", sa.String(length=20), nullable=False),
        sa.Column("tokens", sa.Float(), nullable=False),
        sa.Column("updated", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("service"),
    )


def downgrade() -> None:
    op.drop_table("rate_buckets")
    op.drop_table("job_runs")
