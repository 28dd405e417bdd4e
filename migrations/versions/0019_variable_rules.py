"""variable rules per template version, naming conventions per template

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02 21:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0019'
down_revision: str | None = '0018'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade() -> None:
    op.add_column('template_versions', sa.Column('variable_rules', JSON, server_default=sa.text("'{}'"),
                                                 nullable=False))
    op.add_column('templates', sa.Column('naming_convention', JSON, nullable=True))


def downgrade() -> None:
    op.execute("ALTER TABLE templates DROP COLUMN naming_convention")
    op.execute("ALTER TABLE template_versions DROP COLUMN variable_rules")
