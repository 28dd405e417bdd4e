"""Alembic environment: online migrations against the URL handed over by service.migrate."""

import warnings

from alembic import context

import service.models  # noqa: F401  (registers every table on the metadata)
from service.db import make_engine, metadata

config = context.config
# SQLite cannot reflect indexes on expressions; the migrations that rebuild a table with one make it again
# themselves (see 0013), and tests/test_migrations.py checks none is lost.
warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based index")


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(config.attributes["database_url"])
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


def _run(connection) -> None:
    # render_as_batch lets ALTERs work on SQLite (the embedded default) as well as PostgreSQL.
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("offline (SQL script) migrations are not supported; run `infrakitchen migrate`")
run_migrations_online()
