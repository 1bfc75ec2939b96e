"""meeting mode: action items, contacts, sent reminders, the group's arena

Revision ID: 0004_meeting
Revises: 0001
Create Date: 2026-11-25 16:45:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0004_meeting'
down_revision = "0005_sources"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('arenas', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_group_arena', sa.Boolean(), server_default='0', nullable=False))
    with op.batch_alter_table('group_meetings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('minutes_json', sa.Text(), server_default='', nullable=False))
    op.create_table('action_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=True),
    sa.Column('responsible_person', sa.String(length=150), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('tiltak_id', sa.Integer(), nullable=True),
    sa.Column('opened_meeting_id', sa.Integer(), nullable=True),
    sa.Column('created_by', sa.String(length=60), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('closed_by', sa.String(length=60), nullable=True),
    sa.Column('closed_meeting_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['tiltak_id'], ['tiltak.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['opened_meeting_id'], ['group_meetings.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['closed_meeting_id'], ['group_meetings.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('action_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_action_items_plan_id'), ['plan_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_items_tiltak_id'), ['tiltak_id'], unique=False)
    op.create_table('contacts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=True),
    sa.Column('tiltak_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=150), nullable=False),
    sa.Column('email', sa.String(length=200), nullable=False),
    sa.Column('updated_by', sa.String(length=60), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tiltak_id'], ['tiltak.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('service_id'),
    sa.UniqueConstraint('tiltak_id')
    )
    op.create_table('sent_reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=200), nullable=False),
    sa.Column('sent_on', sa.Date(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=False),
    sa.Column('items', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('email', 'sent_on')
    )


def downgrade() -> None:
    op.drop_table('sent_reminders')
    op.drop_table('contacts')
    with op.batch_alter_table('action_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_action_items_tiltak_id'))
        batch_op.drop_index(batch_op.f('ix_action_items_plan_id'))
    op.drop_table('action_items')
    with op.batch_alter_table('group_meetings', schema=None) as batch_op:
        batch_op.drop_column('minutes_json')
    with op.batch_alter_table('arenas', schema=None) as batch_op:
        batch_op.drop_column('is_group_arena')
