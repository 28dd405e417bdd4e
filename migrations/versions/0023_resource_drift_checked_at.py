"""resources.drift_checked_at: the drift scheduler takes a bounded batch of the longest unchecked resources from
one index range instead of an anti-join over every resource and its runs each tick

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-03 07:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0023'
down_revision: str | None = '0022'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('resources', sa.Column('drift_checked_at', sa.DateTime(timezone=True), nullable=False,
                                         server_default=sa.text("'1970-01-01 00:00:00+00'")))
    op.create_index('ix_resources_drift_due', 'resources', ['state', 'status', 'drift_checked_at'])


def downgrade() -> None:
    op.drop_index('ix_resources_drift_due', table_name='resources')
    op.execute("ALTER TABLE resources DROP COLUMN drift_checked_at")
