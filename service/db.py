"""Database plumbing: the engine, the scoped session, column types, and the unit-of-work decorator.

One `session` (thread/greenlet scoped) serves the request or the task. Two kinds of service function:
- `@unit_of_work`: a unit of work. Begins a transaction, or joins the open one; commits once at the outermost
  call, rolls back on any exception (OTF's `sql.DB.Tx`). Public service functions are these.
- `@joins_unit_of_work`: a step of someone else's unit (an audit entry, a run row queued with a state change).
  It never commits, and refuses to run outside a unit of work, where its writes would commit with nothing.
Views and crud never commit.
"""

import functools
import uuid
from datetime import UTC, datetime

from sqlalchemy import JSON, BigInteger, DateTime, Integer, MetaData, create_engine, event
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, scoped_session, sessionmaker
from sqlalchemy.types import TypeDecorator

session = scoped_session(sessionmaker(expire_on_commit=False))

# Constraint names stable across PostgreSQL and SQLite so migrations can refer to them.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class Base(DeclarativeBase):
    metadata = metadata


JsonType = JSON().with_variant(JSONB(), "postgresql")
# BIGINT on PostgreSQL; SQLite only autoincrements an INTEGER PRIMARY KEY.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class UtcDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite hands back naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_id() -> uuid.UUID:
    return uuid.uuid4()


def _sqlite_pragmas(dbapi_connection, _record):
    cursor = dbapi_connection.cursor()
    # WAL lets the API read while the worker process writes; foreign keys are off by default in SQLite.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


def bind(engine: Engine) -> None:
    """Point the scoped session at `engine` (called once by the app factory and the worker)."""
    session.remove()
    session.configure(bind=engine)


def unit_of_work(fn):
    """Run `fn` in one transaction: commit at the outermost call, roll back on any exception."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        current = session()
        depth = current.info.get("uow_depth", 0)
        current.info["uow_depth"] = depth + 1
        try:
            result = fn(*args, **kwargs)
            if depth == 0:
                current.commit()
            return result
        except BaseException:
            if depth == 0:
                current.rollback()
            raise
        finally:
            current.info["uow_depth"] = depth

    return wrapper


def joins_unit_of_work(fn):
    """Mark `fn` as a step of the caller's unit of work: it raises RuntimeError when none is open."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if not session().info.get("uow_depth"):
            raise RuntimeError(f"{fn.__qualname__} joins a unit of work, and none is open")
        return fn(*args, **kwargs)

    return wrapper
