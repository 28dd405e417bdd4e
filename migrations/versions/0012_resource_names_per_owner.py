"""resource names unique per owner within an entity (a conflict must not reveal a resource the caller cannot see)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('resources', schema=None) as batch_op:
        batch_op.drop_index('uq_resources_entity_name')
        batch_op.create_index('uq_resources_entity_owner_name',
                              [sa.literal_column("coalesce(entity_ref, '')"), 'owner', 'name'], unique=True)


def downgrade() -> None:
    # Fails, as it should, when two owners have since used one name in one entity.
    with op.batch_alter_table('resources', schema=None) as batch_op:
        batch_op.drop_index('uq_resources_entity_owner_name')
        batch_op.create_index('uq_resources_entity_name', [sa.literal_column("coalesce(entity_ref, '')"), 'name'],
                              unique=True)
