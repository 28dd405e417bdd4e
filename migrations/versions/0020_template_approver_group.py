"""templates.approver_group: a group whose members may approve changes of the template's resources

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-02 22:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0020'
down_revision: str | None = '0019'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('templates', sa.Column('approver_group', sa.String(length=300), nullable=True))


def downgrade() -> None:
    op.execute("ALTER TABLE templates DROP COLUMN approver_group")
