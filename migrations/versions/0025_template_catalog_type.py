"""templates.catalog_type: the `spec.type` of the template's resources as Backstage catalog entities

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-03 14:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0025'
down_revision: str | None = '0024'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('templates', sa.Column('catalog_type', sa.String(length=63), nullable=True))


def downgrade() -> None:
    op.execute("ALTER TABLE templates DROP COLUMN catalog_type")
