"""audit source address

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 13:25:34.461087
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    with op.batch_alter_table('audit_logs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source_address', sa.String(length=64), nullable=True))




def downgrade() -> None:

    with op.batch_alter_table('audit_logs', schema=None) as batch_op:
        batch_op.drop_column('source_address')


