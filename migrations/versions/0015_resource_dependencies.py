"""resource dependencies: templates that build on others (with wiring), resources' parents, pending, sealed
sensitive outputs

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade() -> None:
    op.create_table(
        'template_dependencies',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('template_id', sa.Uuid(), nullable=False),
        sa.Column('parent_template_id', sa.Uuid(), nullable=False),
        sa.Column('wiring', JSON, nullable=False),
        sa.Column('required', sa.Boolean(), nullable=False),
        sa.Column('created_by', sa.String(length=300), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['template_id'], ['templates.id'], ondelete='CASCADE',
                                name='fk_template_dependencies_template_id_templates'),
        sa.ForeignKeyConstraint(['parent_template_id'], ['templates.id'], ondelete='CASCADE',
                                name='fk_template_dependencies_parent_template_id_templates'),
        sa.PrimaryKeyConstraint('id', name='pk_template_dependencies'),
        sa.UniqueConstraint('template_id', 'parent_template_id', name='uq_template_dependencies_template_id'),
    )
    op.create_index('ix_template_dependencies_parent', 'template_dependencies', ['parent_template_id'])
    op.create_table(
        'resource_parents',
        sa.Column('resource_id', sa.Uuid(), nullable=False),
        sa.Column('parent_id', sa.Uuid(), nullable=False),
        sa.Column('wiring', JSON, nullable=False),
        sa.ForeignKeyConstraint(['resource_id'], ['resources.id'], ondelete='CASCADE',
                                name='fk_resource_parents_resource_id_resources'),
        sa.ForeignKeyConstraint(['parent_id'], ['resources.id'], ondelete='RESTRICT',
                                name='fk_resource_parents_parent_id_resources'),
        sa.PrimaryKeyConstraint('resource_id', 'parent_id', name='pk_resource_parents'),
    )
    op.create_index('ix_resource_parents_parent', 'resource_parents', ['parent_id'])
    # Plain ADD COLUMNs, not a batch: a batch rebuilds the table on SQLite and loses its expression index.
    op.add_column('resources', sa.Column('pending_reason', sa.String(length=500), nullable=True))
    op.add_column('resources', sa.Column('auto_provision', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column('resources', sa.Column('secret_outputs', sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    for column in ('secret_outputs', 'auto_provision', 'pending_reason'):
        op.drop_column('resources', column)
    op.drop_index('ix_resource_parents_parent', table_name='resource_parents')
    op.drop_table('resource_parents')
    op.drop_index('ix_template_dependencies_parent', table_name='template_dependencies')
    op.drop_table('template_dependencies')
