"""Fixtures against real PostgreSQL and RabbitMQ.

One database per xdist worker, migrated with Alembic once. Most tests run inside an outer transaction that
is rolled back (the session joins it with savepoints). Tests that need a real worker process use committed
data and truncate every table afterwards.
"""

import os
import subprocess
import sys
import uuid

import pytest
from factories.auth import bearer, make_token
from factories.templates import TemplateVersionFactory
from sqlalchemy import create_engine, text
from support import Beacon, free_port, serving, stop

import service.models  # noqa: F401  (every table registered)
from celery_tasks.celery_app import publisher
from service import db, messaging
from service.app import create_app
from service.config import load_settings
from service.db import Base
from service.migrate import upgrade

ADMIN_URL = os.environ.get("TEST_DATABASE_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
BROKER_URL = os.environ.get("TEST_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")


def _worker_id() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(scope="session")
def database_url():
    # Unique per process, so two test runs on one machine never drop each other's database.
    name = f"ik_test_{_worker_id()}_{os.getpid()}"
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    upgrade(url)
    yield url
    db.session.remove()
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def base_env(database_url, tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("data")
    return {
        "DATABASE_URL": database_url,
        "BROKER_URL": BROKER_URL,
        # A queue of our own per test session, so no other run of the suite consumes our messages.
        "RUN_QUEUE": f"ik-test-{_worker_id()}-{uuid.uuid4().hex[:8]}",
        "INFRAKITCHEN_DATA_DIR": str(data_dir),
        "WORK_DIR": str(data_dir / "work"),
        "PATH": os.environ["PATH"],
        # Runs reach the state backend of the live server started by `live_server` (tests/runs/conftest.py).
        "STATE_API_URL": f"http://127.0.0.1:{free_port()}/api/v1",
        "APPLY_TIMEOUT_SECONDS": "120",
        "WS_AUTH_TIMEOUT_SECONDS": "3",
        "WS_PING_SECONDS": "2",
        "PLAN_TIMEOUT_SECONDS": "120",
    }


@pytest.fixture(scope="session")
def settings(base_env):
    return load_settings(base_env)


@pytest.fixture(scope="session")
def engine(settings):
    engine = db.make_engine(settings.database_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def app(settings, engine):
    app = create_app(settings, bind_database=False)
    yield app
    app.extensions["event_hub"].stop()  # its threads would poll a dropped database until the process ends
    _delete_queue(app.extensions["infrakitchen_celery"], settings.run_queue)


def _delete_queue(celery_app, queue: str) -> None:
    with celery_app.connection_for_write() as connection:
        channel = connection.default_channel
        try:
            channel.queue_delete(queue)
        except Exception:  # noqa: S110  (never declared in this session: nothing to clean)
            pass


@pytest.fixture
def db_session(engine, app):
    """A session whose work is rolled back after the test (commits become savepoint releases)."""
    connection = engine.connect()
    outer = connection.begin()
    db.session.remove()
    db.session.configure(bind=connection, join_transaction_mode="create_savepoint")
    yield db.session
    db.session.remove()
    outer.rollback()
    connection.close()
    db.session.configure(bind=engine, join_transaction_mode="conditional_savepoint")


@pytest.fixture
def committed_db(engine, app):
    """Data really committed (for worker processes to see); every table emptied afterwards."""
    db.session.remove()
    db.session.configure(bind=engine)
    yield db.session
    db.session.remove()
    tables = ", ".join(f'"{t.name}"' for t in reversed(Base.metadata.sorted_tables))
    with engine.begin() as connection:
        # Ids keep counting (no RESTART IDENTITY): the live server's event hub only ever looks forward.
        connection.execute(text(f"TRUNCATE {tables} CASCADE"))


@pytest.fixture
def client(app, db_session):
    return app.test_client()


@pytest.fixture
def admin(db_session):
    """Headers of an admin service account."""
    return bearer(make_token("admin"))


@pytest.fixture
def template(db_session):
    """A template named greeter whose one version holds the greeter module (rows built directly)."""
    return TemplateVersionFactory(template__name="greeter").template


@pytest.fixture(scope="session")
def live_server(base_env, database_url):
    with serving(base_env) as (base, _):
        yield base


@pytest.fixture(scope="session")
def worker_process(base_env, app, live_server):
    """A real worker process (`infrakitchen worker`) consuming this session's queue (its runs use the state
    backend of `live_server`)."""
    env = {**os.environ, **base_env, "LOG_LEVEL": "INFO"}
    process = subprocess.Popen(
        [sys.executable, "-m", "service.cli", "worker", "--concurrency", "2"], env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    yield process
    stop(process, timeout=20)


@pytest.fixture
def beacon():
    """An HTTP endpoint modules can call from inside their sandbox (support.Beacon)."""
    server = Beacon()
    yield server
    server.close()


@pytest.fixture
def isolated(app, base_env, committed_db, live_server):
    """(env, client) for an API publishing to a queue nobody else consumes (no worker takes its runs)."""
    env = {**base_env, "RUN_QUEUE": f"ik-recovery-{uuid.uuid4().hex[:8]}", "HEARTBEAT_SECONDS": "1",
           "WORKER_LOST_SECONDS": "4", "SWEEP_INTERVAL_SECONDS": "1"}
    own = create_app(load_settings(env), bind_database=False)
    yield env, own.test_client()
    celery = own.extensions["infrakitchen_celery"]
    with celery.connection_for_write() as connection:
        connection.default_channel.queue_delete(env["RUN_QUEUE"])
    # create_app installed its publisher; give the session's app its own back.
    messaging.set_publisher(publisher(app.extensions["infrakitchen_celery"]))
