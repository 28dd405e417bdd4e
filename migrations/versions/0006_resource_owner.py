"""resource owner

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28 13:28:50.368411
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    with op.batch_alter_table('resources', schema=None) as batch_op:
        # A server default lets SQLite add a NOT NULL column in place; existing rows then get their creator.
        batch_op.add_column(sa.Column('owner', sa.String(length=300), nullable=False, server_default=''))
        batch_op.create_index('ix_resources_owner_created', ['owner', 'created_at'], unique=False)
    op.execute("UPDATE resources SET owner = created_by")




def downgrade() -> None:

    with op.batch_alter_table('resources', schema=None) as batch_op:
        batch_op.drop_index('ix_resources_owner_created')
        batch_op.drop_column('owner')


