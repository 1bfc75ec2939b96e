"""coverage map: risk factors beside protective factors, and tiltak tagged with more than one factor

``protective_factors.kind`` tells a protective factor («beskyttelse», every existing row) from a risk factor
(«risiko»); ``tiltak_factors`` links a tiltak to the factors it addresses beyond the one factor the plan itself
files it under (``tiltak.protective_factor_id``), so a plan that does not tag factors (Stange) can be tagged
in the agenda walk.

Revision ID: 0015_coverage
Revises: 0014_public
"""

import sqlalchemy as sa
from alembic import op

revision = "0015_coverage"
down_revision = "0014_public"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("protective_factors") as batch:
        batch.add_column(sa.Column("kind", sa.String(20), nullable=False, server_default="beskyttelse"))
    op.create_table(
        "tiltak_factors",
        sa.Column("tiltak_id", sa.Integer(), sa.ForeignKey("tiltak.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("factor_id", sa.Integer(), sa.ForeignKey("protective_factors.id", ondelete="CASCADE"),
                  primary_key=True),
    )
    op.create_index("ix_tiltak_factors_factor_id", "tiltak_factors", ["factor_id"])


def downgrade() -> None:
    op.drop_index("ix_tiltak_factors_factor_id", table_name="tiltak_factors")
    op.drop_table("tiltak_factors")
    with op.batch_alter_table("protective_factors") as batch:
        batch.drop_column("kind")
