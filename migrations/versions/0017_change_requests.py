"""change requests: edits of resources, reviewed, planned and applied by a run; runs.change_id

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 21:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0017'
down_revision: str | None = '0016'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade() -> None:
    op.create_table(
        'resource_changes',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('resource_id', sa.Uuid(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('requires_approval', sa.Boolean(), nullable=False),
        sa.Column('requested_by', sa.String(length=300), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('template_version_id', sa.Uuid(), nullable=False),
        sa.Column('variables', JSON, nullable=False),
        sa.Column('secret_names', JSON, nullable=False),
        sa.Column('secret_variables', sa.LargeBinary(), nullable=False),
        sa.Column('owner', sa.String(length=300), nullable=False),
        sa.Column('diff', JSON, nullable=False),
        sa.Column('decided_by', sa.String(length=300), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('reason', sa.Text(), nullable=True),
        sa.Column('plan_run_id', sa.Uuid(), nullable=True),
        sa.Column('plan_summary', JSON, nullable=True),
        sa.Column('apply_run_id', sa.Uuid(), nullable=True),
        sa.Column('error', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['resource_id'], ['resources.id'], ondelete='CASCADE',
                                name='fk_resource_changes_resource_id_resources'),
        sa.ForeignKeyConstraint(['template_version_id'], ['template_versions.id'], ondelete='RESTRICT',
                                name='fk_resource_changes_template_version_id_template_versions'),
        sa.PrimaryKeyConstraint('id', name='pk_resource_changes'),
    )
    op.create_index('ix_resource_changes_resource_created', 'resource_changes', ['resource_id', 'created_at'])
    pending = sa.text("status IN ('open', 'approved')")
    op.create_index('uq_resource_changes_one_pending', 'resource_changes', ['resource_id'], unique=True,
                    postgresql_where=pending, sqlite_where=pending)
    op.add_column('runs', sa.Column('change_id', sa.Uuid(), nullable=True))


def downgrade() -> None:
    op.drop_column('runs', 'change_id')
    op.drop_index('uq_resource_changes_one_pending', table_name='resource_changes')
    op.drop_index('ix_resource_changes_resource_created', table_name='resource_changes')
    op.drop_table('resource_changes')
