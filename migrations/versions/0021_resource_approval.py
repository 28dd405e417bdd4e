"""resources.approval: who asked for the last approval (creation or destroy), and the decision with its reason

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03 07:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0021'
down_revision: str | None = '0020'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade() -> None:
    op.add_column('resources', sa.Column('approval', JSON, nullable=True))


def downgrade() -> None:
    op.execute("ALTER TABLE resources DROP COLUMN approval")
