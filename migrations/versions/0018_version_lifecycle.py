"""template version lifecycle (preview, active, deprecated, archived) in place of the deprecated flag

Versions that were deprecated become `deprecated`, the others `active`. The API still shows `deprecated` (true
for deprecated and archived) and still takes `{"deprecated": bool}`, so older clients keep working.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02 21:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0018'
down_revision: str | None = '0017'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('template_versions', sa.Column('lifecycle', sa.String(length=20), server_default='active',
                                                 nullable=False))
    op.execute("UPDATE template_versions SET lifecycle = 'deprecated' WHERE deprecated")
    # A plain DROP COLUMN (SQLite 3.35+ has it): a batch would rebuild the table, which others' keys point at.
    op.execute("ALTER TABLE template_versions DROP COLUMN deprecated")


def downgrade() -> None:
    op.add_column('template_versions', sa.Column('deprecated', sa.Boolean(), server_default=sa.false(),
                                                 nullable=False))
    op.execute("UPDATE template_versions SET deprecated = lifecycle IN ('deprecated', 'archived')")
    op.execute("ALTER TABLE template_versions DROP COLUMN lifecycle")
