"""Database plumbing: the engine, the scoped session, column types, and the unit-of-work decorator.

One `session` (thread/greenlet scoped) serves the request or the task. Two kinds of service function:
- `@unit_of_work`: a unit of work. Begins a transaction, or joins the open one; commits once at the outermost
  call, rolls back on any exception (OTF's `sql.DB.Tx`). Public service functions are these.
- `@joins_unit_of_work`: a step of someone else's unit (an audit entry, a run row queued with a state change).
  It never commits, and refuses to run outside a unit of work, where its writes would commit with nothing.
Views and crud never commit. A request authenticates `left_open()`: its view's unit of work then commits the
authentication's reads and writes with its own, one transaction and one connection per request.
"""

import contextlib
import functools
import logging
import os
import time
import uuid
from datetime import UTC, datetime

from sqlalchemy import JSON, BigInteger, Boolean, DateTime, Integer, MetaData, bindparam, create_engine, event, make_url
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError, IntegrityError, OperationalError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, scoped_session, sessionmaker
from sqlalchemy.sql.expression import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.types import TypeDecorator

from service import json_codec

log = logging.getLogger(__name__)

UNIQUE_VIOLATION = "23505"  # PostgreSQL's SQLSTATE
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


class OneOf(ColumnElement[bool]):
    """`column IN :name` for a list given when the statement runs. On PostgreSQL one array parameter (`= ANY`):
    the SQL text is then the same whatever the list holds, so psycopg converts it once and prepares it, where an
    expanded IN is new text to convert on every run (a millisecond for 50 ids). Expanded elsewhere."""

    inherit_cache = True
    type = Boolean()
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement), ("name", InternalTraversal.dp_string)]

    def __init__(self, column, name: str):
        self.column, self.name = column, name


@compiles(OneOf, "postgresql")
def _one_of_array(element: OneOf, compiler, **kw) -> str:
    values = bindparam(element.name, type_=ARRAY(element.column.type))
    return f"{compiler.process(element.column, **kw)} = ANY ({compiler.process(values, **kw)})"


@compiles(OneOf)
def _one_of_expanded(element: OneOf, compiler, **kw) -> str:
    return compiler.process(element.column.in_(bindparam(element.name, expanding=True)), **kw)


def add_unique(session, row, conflict: Exception):
    """Add `row` and flush now: when a unique constraint says another row (perhaps another request's, a moment
    ago) holds its key, raise `conflict` (a 409) instead of failing at commit with a 500."""
    session.add(row)
    flush_unique(session, conflict)
    return row


def flush_unique(session, conflict: Exception) -> None:
    """Flush now; a unique violation raises `conflict` (see add_unique)."""
    try:
        session.flush()
    except IntegrityError as error:
        if getattr(error.orig, "sqlstate", None) != UNIQUE_VIOLATION and "UNIQUE constraint" not in str(error.orig):
            raise
        raise conflict from None


def insert(session, model):
    """The dialect's INSERT for `model`, which has `on_conflict_do_nothing/do_update`: get-or-create and
    record-on-first-sight are one statement, so two requests at once cannot both insert."""
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)


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
    # Deleted and rewritten rows are overwritten, not left in free pages (where a secret would outlive its row).
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def _private_sqlite_files(url: str) -> None:
    """The database file, its WAL and shared-memory files readable by this user only (SQLite gives the WAL and
    SHM files the main file's mode when it creates them)."""
    database = make_url(url).database
    if not database or database == ":memory:":
        return
    os.close(os.open(database, os.O_WRONLY | os.O_CREAT, 0o600))
    for path in (database, f"{database}-wal", f"{database}-shm", f"{database}-journal"):
        with contextlib.suppress(FileNotFoundError):
            os.chmod(path, 0o600)


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        _private_sqlite_files(url)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False},
                               json_deserializer=json_codec.loads)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    engine = create_engine(url, pool_size=5, max_overflow=10, json_deserializer=json_codec.loads)
    _ping_when_idle(engine)
    return engine


PING_AFTER_IDLE_SECONDS = 1.0


def _ping_when_idle(engine: Engine) -> None:
    """SQLAlchemy's pool_pre_ping, for connections that sat unused a while only: a pool in use hands back a
    connection a few milliseconds after it last worked, and the ping was a round trip on every request. One that
    did die meanwhile (the database restarted) fails that request with 503; the pool then reconnects."""

    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_connection, record):
        record.info["checked_in"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection, record, _proxy):
        if time.monotonic() - record.info.get("checked_in", float("-inf")) < PING_AFTER_IDLE_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as error:
            raise DisconnectionError("the connection was closed while it sat in the pool") from error  # try another


def bind(engine: Engine) -> None:
    """Point the scoped session at `engine` (called once by the app factory and the worker)."""
    session.remove()
    session.configure(bind=engine)


# PostgreSQL ended the transaction to let another go on (SQLSTATE): it did nothing, and the same work tried again
# in a new transaction succeeds (PostgreSQL's advice for both). Rolled back, nothing of it is left: not its
# events (event_recorder) nor its messages (messaging).
_RETRYABLE = {"40P01": "deadlock", "40001": "serialization failure"}
TRANSACTION_ATTEMPTS = 3


def _collision(error: BaseException) -> str | None:
    return _RETRYABLE.get(getattr(getattr(error, "orig", None), "sqlstate", None)) \
        if isinstance(error, OperationalError) else None


def unit_of_work(fn):
    """Run `fn` in one transaction: commit at the outermost call, roll back on any exception. The outermost call
    runs `fn` again (up to TRANSACTION_ATTEMPTS) when PostgreSQL broke a deadlock or a serialization conflict
    by ending its transaction."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        current = session()
        depth = current.info.get("uow_depth", 0)
        attempt = 1
        while True:
            current.info["uow_depth"] = depth + 1
            try:
                result = fn(*args, **kwargs)
                if depth == 0:
                    current.commit()
                return result
            except BaseException as error:
                if depth != 0:
                    raise
                current.rollback()
                collision = _collision(error)
                if collision is None or attempt == TRANSACTION_ATTEMPTS:
                    raise
                attempt += 1
                log.warning("%s: %s with another transaction; trying again (%d of %d)", fn.__qualname__, collision,
                            attempt, TRANSACTION_ATTEMPTS)
            finally:
                current.info["uow_depth"] = depth

    return wrapper


@contextlib.contextmanager
def left_open():
    """Units of work inside do not end the transaction: the next outermost unit of work commits it with its own
    (or the session's removal at the end of the request rolls it back). An exception inside rolls it back."""
    current = session()
    depth = current.info.get("uow_depth", 0)
    current.info["uow_depth"] = depth + 1
    try:
        yield
    except BaseException:
        if depth == 0:
            current.rollback()
        raise
    finally:
        current.info["uow_depth"] = depth


def joins_unit_of_work(fn):
    """Mark `fn` as a step of the caller's unit of work: it raises RuntimeError when none is open."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if not session().info.get("uow_depth"):
            raise RuntimeError(f"{fn.__qualname__} joins a unit of work, and none is open")
        return fn(*args, **kwargs)

    return wrapper
