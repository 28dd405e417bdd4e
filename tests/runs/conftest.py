"""An API with a queue of its own, for recovery tests."""

import uuid

import pytest

from celery_tasks.celery_app import publisher
from service import messaging
from service.app import create_app
from service.config import load_settings


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
    messaging.set_publisher(publisher(app.extensions["infrakitchen_celery"]))
