"""state backend: versions and locks

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 12:50:41.582431
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('state_locks',
    sa.Column('resource_id', sa.Uuid(), nullable=False),
    sa.Column('lock_id', sa.String(length=200), nullable=False),
    sa.Column('info', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('holder', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['resource_id'], ['resources.id'], name=op.f('fk_state_locks_resource_id_resources'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('resource_id', name=op.f('pk_state_locks'))
    )
    op.create_table('state_versions',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('resource_id', sa.Uuid(), nullable=False),
    sa.Column('serial', sa.Integer(), nullable=True),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('md5', sa.String(length=32), nullable=False),
    sa.Column('body', sa.LargeBinary(), nullable=False),
    sa.Column('created_by', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['resource_id'], ['resources.id'], name=op.f('fk_state_versions_resource_id_resources'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_state_versions'))
    )
    with op.batch_alter_table('state_versions', schema=None) as batch_op:
        batch_op.create_index('ix_state_versions_resource_id', ['resource_id', 'id'], unique=False)

    # Each resource's state so far becomes its first version.
    op.execute(
        "INSERT INTO state_versions (resource_id, serial, size, md5, body, created_by, created_at) "
        "SELECT resource_id, serial, length(body), '', body, 'migration:0003', updated_at FROM resource_tf_states"
    )
    op.drop_table('resource_tf_states')
    with op.batch_alter_table('runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('state_token_hash', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_runs_state_token_hash'), ['state_token_hash'])


def downgrade() -> None:
    with op.batch_alter_table('runs', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_runs_state_token_hash'), type_='unique')
        batch_op.drop_column('state_token_hash')

    op.create_table('resource_tf_states',
    sa.Column('resource_id', sa.Uuid(), nullable=False),
    sa.Column('serial', sa.Integer(), nullable=False),
    sa.Column('body', sa.LargeBinary(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['resource_id'], ['resources.id'], name=op.f('fk_resource_tf_states_resource_id_resources'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('resource_id', name=op.f('pk_resource_tf_states'))
    )
    op.execute(
        "INSERT INTO resource_tf_states (resource_id, serial, body, updated_at) "
        "SELECT v.resource_id, coalesce(v.serial, 0), v.body, v.created_at FROM state_versions v "
        "WHERE v.id = (SELECT max(id) FROM state_versions w WHERE w.resource_id = v.resource_id)"
    )
    with op.batch_alter_table('state_versions', schema=None) as batch_op:
        batch_op.drop_index('ix_state_versions_resource_id')

    op.drop_table('state_versions')
    op.drop_table('state_locks')

