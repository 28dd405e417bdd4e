"""The Alembic history and the models describe the same schema, on PostgreSQL and on SQLite."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from service import db
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
