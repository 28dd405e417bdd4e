"""An index for lists by status sorted by name (e.g. every failed resource, by name): at 100,000 resources the
page and its count were a scan and a sort

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-03 07:10:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0022'
down_revision: str | None = '0021'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index('ix_resources_status_name', 'resources', ['status', 'name', 'id'])


def downgrade() -> None:
    op.drop_index('ix_resources_status_name', table_name='resources')
