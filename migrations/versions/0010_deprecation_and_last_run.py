"""deprecation and last run

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-28 16:08:29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('resources', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_run_id', sa.Uuid(), nullable=True))
    # Existing resources: their newest run.
    op.execute("UPDATE resources SET last_run_id = (SELECT runs.id FROM runs WHERE runs.resource_id = resources.id "
               "ORDER BY runs.created_at DESC LIMIT 1)")

    with op.batch_alter_table('template_versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deprecated', sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table('templates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deprecated', sa.Boolean(), server_default=sa.false(), nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('templates', schema=None) as batch_op:
        batch_op.drop_column('deprecated')

    with op.batch_alter_table('template_versions', schema=None) as batch_op:
        batch_op.drop_column('deprecated')

    with op.batch_alter_table('resources', schema=None) as batch_op:
        batch_op.drop_column('last_run_id')

