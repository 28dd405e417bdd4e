"""seal resources' sensitive variable values with the key ring (they were plain JSON)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 16:20:00

Needs the key ring when any resource has sensitive values (`infrakitchen migrate` loads it from ENCRYPTION_KEYS).
The old plaintext leaves the live rows here; PostgreSQL keeps dead row versions until a vacuum, so run
`VACUUM FULL resources` after upgrading a database that held secrets (SQLite overwrites them: secure_delete).
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from service import crypto

revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


# SQLite rebuilds the table to drop a column, and the rebuild cannot carry an index on an expression: drop it
# first and make it again afterwards.
NAME_INDEX = ('uq_resources_entity_owner_name', [sa.literal_column("coalesce(entity_ref, '')"), 'owner', 'name'])


def upgrade() -> None:
    op.drop_index(NAME_INDEX[0], table_name='resources')
    with op.batch_alter_table('resources', schema=None) as batch_op:
        batch_op.add_column(sa.Column('secret_names', JSON, nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('sealed_secret_variables', sa.LargeBinary(), nullable=True))
    resources = sa.table('resources', sa.column('id', sa.Uuid()), sa.column('secret_variables', JSON),
                         sa.column('secret_names', JSON), sa.column('sealed_secret_variables', sa.LargeBinary()))
    connection = op.get_bind()
    for row in connection.execute(sa.select(resources.c.id, resources.c.secret_variables)):
        values = row.secret_variables if isinstance(row.secret_variables, dict) else json.loads(row.secret_variables)
        connection.execute(resources.update().where(resources.c.id == row.id).values(
            secret_names=sorted(values), sealed_secret_variables=crypto.key_ring().seal(values),
        ))
    with op.batch_alter_table('resources', schema=None) as batch_op:
        batch_op.alter_column('sealed_secret_variables', nullable=False)
        batch_op.drop_column('secret_variables')
    op.create_index(NAME_INDEX[0], 'resources', NAME_INDEX[1], unique=True)


def downgrade() -> None:
    op.drop_index(NAME_INDEX[0], table_name='resources')
    with op.batch_alter_table('resources', schema=None) as batch_op:
        batch_op.add_column(sa.Column('secret_variables', JSON, nullable=False, server_default='{}'))
    resources = sa.table('resources', sa.column('id', sa.Uuid()), sa.column('secret_variables', JSON),
                         sa.column('sealed_secret_variables', sa.LargeBinary()))
    connection = op.get_bind()
    for row in connection.execute(sa.select(resources.c.id, resources.c.sealed_secret_variables)):
        connection.execute(resources.update().where(resources.c.id == row.id).values(
            secret_variables=crypto.key_ring().open(bytes(row.sealed_secret_variables))))
    with op.batch_alter_table('resources', schema=None) as batch_op:
        batch_op.drop_column('sealed_secret_variables')
        batch_op.drop_column('secret_names')
    op.create_index(NAME_INDEX[0], 'resources', NAME_INDEX[1], unique=True)
