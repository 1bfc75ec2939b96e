"""public view: what each plan releases to citizens, the ungdomsråd's comments and a shared rate-limit counter

``plan_releases`` holds one row per plan that an administrator has touched; no row means nothing is public.
``public_comments`` are comments left on the public page (no author, no address: the text only, moderated).
``public_rate_limits`` counts comments per hashed client address and window, in the database so every replica
sees the same count.

Revision ID: 0014_public
Revises: 0009_unique_names
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_public"
down_revision = "0009_unique_names"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "plan_releases",
        sa.Column("plan_id", sa.Integer(), nullable=False, autoincrement=False),
        sa.Column("is_public", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("show_indicators", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("show_arenas", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("show_arena_roles", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("show_changes", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("allow_comments", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.Column("updated_by", sa.String(length=60), nullable=True),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("plan_id"),
    )
    op.create_table(
        "public_comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("tiltak_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False, server_default="venter"),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("moderated_at", sa.DateTime(), nullable=True),
        sa.Column("moderated_by", sa.String(length=60), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["tiltak_id"], ["tiltak.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_public_comments_plan_id", "public_comments", ["plan_id"], unique=False)
    op.create_index("ix_public_comments_tiltak_id", "public_comments", ["tiltak_id"], unique=False)
    op.create_table(
        "public_rate_limits",
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("window_start", sa.DateTime(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("key"),
    )


def downgrade() -> None:
    op.drop_table("public_rate_limits")
    op.drop_index("ix_public_comments_tiltak_id", table_name="public_comments")
    op.drop_index("ix_public_comments_plan_id", table_name="public_comments")
    op.drop_table("public_comments")
    op.drop_table("plan_releases")
