"""operations (cascade destroy as one tracked piece of work, in steps); resources' parent_outputs_changed_at

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 20:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0016'
down_revision: str | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'operations',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('resource_id', sa.Uuid(), nullable=True),
        sa.Column('resource_name', sa.String(length=200), nullable=False),
        sa.Column('owner', sa.String(length=300), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('requires_approval', sa.Boolean(), nullable=False),
        sa.Column('approved_by', sa.String(length=300), nullable=True),
        sa.Column('reject_reason', sa.Text(), nullable=True),
        sa.Column('created_by', sa.String(length=300), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('cancel_requested_by', sa.String(length=300), nullable=True),
        sa.Column('error', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['resource_id'], ['resources.id'], ondelete='SET NULL',
                                name='fk_operations_resource_id_resources'),
        sa.PrimaryKeyConstraint('id', name='pk_operations'),
    )
    op.create_index('ix_operations_resource_created', 'operations', ['resource_id', 'created_at'])
    op.create_index('ix_operations_owner_created', 'operations', ['owner', 'created_at'])
    op.create_table(
        'operation_steps',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('operation_id', sa.Uuid(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('resource_id', sa.Uuid(), nullable=True),
        sa.Column('resource_name', sa.String(length=200), nullable=False),
        sa.Column('action', sa.String(length=20), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('holds_resource', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('run_id', sa.Uuid(), nullable=True),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['operation_id'], ['operations.id'], ondelete='CASCADE',
                                name='fk_operation_steps_operation_id_operations'),
        sa.ForeignKeyConstraint(['resource_id'], ['resources.id'], ondelete='SET NULL',
                                name='fk_operation_steps_resource_id_resources'),
        sa.PrimaryKeyConstraint('id', name='pk_operation_steps'),
    )
    op.create_index('ix_operation_steps_operation', 'operation_steps', ['operation_id', 'position'], unique=True)
    op.create_index('ix_operation_steps_run', 'operation_steps', ['run_id'])
    op.create_index('uq_operation_steps_held_resource', 'operation_steps', ['resource_id'], unique=True,
                    postgresql_where=sa.text('holds_resource'), sqlite_where=sa.text('holds_resource'))
    op.add_column('resources', sa.Column('parent_outputs_changed_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_column('resources', 'parent_outputs_changed_at')
    op.drop_index('uq_operation_steps_held_resource', table_name='operation_steps')
    op.drop_index('ix_operation_steps_run', table_name='operation_steps')
    op.drop_index('ix_operation_steps_operation', table_name='operation_steps')
    op.drop_table('operation_steps')
    op.drop_index('ix_operations_owner_created', table_name='operations')
    op.drop_index('ix_operations_resource_created', table_name='operations')
    op.drop_table('operations')
