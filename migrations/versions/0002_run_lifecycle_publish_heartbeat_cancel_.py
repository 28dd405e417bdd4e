"""run lifecycle: publish, heartbeat, cancel, plan

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 12:24:45.536309
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    with op.batch_alter_table('runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('published_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('cancel_requested_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('cancel_requested_by', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('cancel_force', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('resource_state_before', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('resource_status_before', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('plan_summary', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True))




def downgrade() -> None:

    with op.batch_alter_table('runs', schema=None) as batch_op:
        batch_op.drop_column('plan_summary')
        batch_op.drop_column('resource_status_before')
        batch_op.drop_column('resource_state_before')
        batch_op.drop_column('cancel_force')
        batch_op.drop_column('cancel_requested_by')
        batch_op.drop_column('cancel_requested_at')
        batch_op.drop_column('heartbeat_at')
        batch_op.drop_column('published_at')


