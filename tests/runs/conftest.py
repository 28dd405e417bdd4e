"""A real worker process (`infrakitchen worker`) consuming this session's queue (its runs use the state
backend of `live_server`)."""

import os
import subprocess
import sys
import uuid

import pytest

from service import messaging
from service.app import create_app
from service.config import load_settings


@pytest.fixture(scope="session")
def worker_process(base_env, app, live_server):
    env = {**os.environ, **base_env, "LOG_LEVEL": "INFO"}
    process = subprocess.Popen(
        [sys.executable, "-m", "service.cli", "worker", "--concurrency", "2"], env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture
def isolated(app, base_env, committed_db, live_server):
    """(env, client) for an API publishing to a queue nobody else consumes."""
    env = {**base_env, "RUN_QUEUE": f"ik-recovery-{uuid.uuid4().hex[:8]}", "HEARTBEAT_SECONDS": "1",
           "WORKER_LOST_SECONDS": "4", "SWEEP_INTERVAL_SECONDS": "1"}
    own = create_app(load_settings(env), bind_database=False)
    yield env, own.test_client()
    celery = own.extensions["infrakitchen_celery"]
    with celery.connection_for_write() as connection:
        connection.default_channel.queue_delete(env["RUN_QUEUE"])
    # create_app installed its publisher; give the session's app its own back.
    from celery_tasks.celery_app import publisher

    messaging.set_publisher(publisher(app.extensions["infrakitchen_celery"]))
