"""Pooled connections are pinged only after sitting idle (db.PING_AFTER_IDLE_SECONDS): one the database closed
meanwhile is replaced before a request uses it, while a busy pool hands out connections without a round trip."""

import time

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from service import db


def _backend_of(engine) -> int:
    with engine.connect() as connection:
        return connection.execute(text("SELECT pg_backend_pid()")).scalar()


def _terminate(database_url: str, pid: int) -> None:
    other = db.make_engine(database_url)
    with other.connect() as connection:
        connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        connection.commit()
    other.dispose()


def test_an_idle_connection_the_database_closed_is_replaced_before_use(database_url):
    engine = db.make_engine(database_url)
    try:
        killed = _backend_of(engine)
        _terminate(database_url, killed)
        time.sleep(db.PING_AFTER_IDLE_SECONDS + 0.1)
        assert _backend_of(engine) != killed  # no error: the ping found it closed and the pool reconnected
    finally:
        engine.dispose()


def test_a_connection_back_in_the_pool_a_moment_ago_is_used_without_a_ping(database_url):
    engine = db.make_engine(database_url)
    try:
        killed = _backend_of(engine)
        _terminate(database_url, killed)
        with pytest.raises(OperationalError):  # not pinged: the request meets the closed connection (a 503)
            _backend_of(engine)
        assert _backend_of(engine) != killed  # and the pool has reconnected for the next one
    finally:
        engine.dispose()
