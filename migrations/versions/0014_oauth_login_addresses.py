"""oauth login states: the address that started each (to limit them per address) and an index to prune by age

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 16:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('oauth_login_states', schema=None) as batch_op:
        batch_op.add_column(sa.Column('client_address', sa.String(length=64), nullable=False, server_default=''))
        batch_op.create_index('ix_oauth_login_states_address_created', ['client_address', 'created_at'])
        batch_op.create_index('ix_oauth_login_states_created', ['created_at'])


def downgrade() -> None:
    with op.batch_alter_table('oauth_login_states', schema=None) as batch_op:
        batch_op.drop_index('ix_oauth_login_states_created')
        batch_op.drop_index('ix_oauth_login_states_address_created')
        batch_op.drop_column('client_address')
