"""indicator sources (SSB, FHI), fetch status, plan region codes, value markers

Revision ID: 0005_sources
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_sources"
down_revision = "0002_write_path"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "indicator_sources",
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column("last_fetched_at", sa.DateTime(), nullable=True),
        sa.Column("last_ok_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("latest_source_period", sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(["indicator_id"], ["indicators.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("indicator_id"),
    )
    with op.batch_alter_table("plans") as batch:
        batch.add_column(sa.Column("region_codes", sa.JSON(), nullable=True))
    with op.batch_alter_table("indicator_values") as batch:
        batch.add_column(sa.Column("marker", sa.String(length=5), nullable=True))
        batch.add_column(sa.Column("region_code", sa.String(length=10), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("indicator_values") as batch:
        batch.drop_column("region_code")
        batch.drop_column("marker")
    with op.batch_alter_table("plans") as batch:
        batch.drop_column("region_codes")
    op.drop_table("indicator_sources")
