"""The Alembic history and the models describe the same schema, on PostgreSQL and on SQLite."""

import json
import uuid
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from cryptography.fernet import Fernet

from service import crypto, db
from service.db import Base
from service.migrate import upgrade


def _diff(url: str) -> list:
    engine = db.make_engine(url)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    # Server defaults added for existing rows are not part of the models: ignore those differences.
    return [d for d in diff if not (isinstance(d, list) and d and d[0][0] == "modify_default")]


def test_postgresql_schema_matches_the_models(database_url):
    assert _diff(database_url) == []


@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based index")
def test_sqlite_schema_matches_the_models(tmp_path):
    url = f"sqlite:///{tmp_path}/m.db"
    upgrade(url)
    upgrade(url)  # idempotent
    assert _diff(url) == []
    # Autogenerate cannot compare indexes on expressions: table rebuilds must not have lost them.
    engine = db.make_engine(url)
    with engine.connect() as connection:
        names = set(connection.scalars(sa.text("SELECT name FROM sqlite_master WHERE type = 'index'")))
    engine.dispose()
    expressions = {i.name for t in Base.metadata.tables.values() for i in t.indexes
                   if any(not isinstance(e, sa.Column) for e in i.expressions)}
    assert expressions and expressions <= names


def test_sensitive_values_of_existing_resources_are_sealed_by_the_upgrade(tmp_path):
    url = f"sqlite:///{tmp_path}/old.db"
    upgrade(url, "0012")
    engine = sa.create_engine(url)
    tables = sa.MetaData()
    tables.reflect(engine, only=["templates", "template_versions", "resources"])
    template, version = uuid.uuid4().hex, uuid.uuid4().hex
    with engine.begin() as connection:
        for name, given in [("templates", {"id": template}),
                            ("template_versions", {"id": version, "template_id": template}),
                            ("resources", {"template_id": template, "template_version_id": version, "name": "old",
                                           "secret_variables": {"password": "old-plain-secret-42"}})]:
            table = tables.tables[name]
            row = {c.name: _filler(c) for c in table.columns if not c.nullable and c.server_default is None}
            connection.execute(table.insert().values({**row, **given}))
    engine.dispose()
    crypto.set_key_ring(crypto.SecretBox([Fernet.generate_key().decode()]))
    upgrade(url)
    engine = db.make_engine(url)
    with engine.connect() as connection:
        names, sealed = connection.execute(sa.text(
            "SELECT secret_names, sealed_secret_variables FROM resources WHERE name = 'old'")).one()
    engine.dispose()
    assert json.loads(names) == ["password"]
    assert crypto.key_ring().open(sealed) == {"password": "old-plain-secret-42"}
    assert not any(b"old-plain-secret-42" in path.read_bytes() for path in tmp_path.iterdir())


def _filler(column: sa.Column):
    if column.name == "id" or column.name.endswith("_id"):  # reflected from SQLite as CHAR(32)
        return uuid.uuid4().hex
    if isinstance(column.type, sa.DateTime):
        return datetime.now(UTC)
    if isinstance(column.type, sa.JSON):
        return {}
    if isinstance(column.type, sa.LargeBinary):
        return b""
    if isinstance(column.type, sa.Boolean):
        return False
    return "x"
