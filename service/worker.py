"""Start a Celery worker bound to the run queue, and with `beat` the periodic work beside it."""

import contextlib
import logging
import os

import service.models  # noqa: F401  (every table, and the listeners that record events)
from celery_tasks.celery_app import make_celery, publisher
from service import crypto, db, messaging
from service.config import Settings
from service.engine import sandbox
from service.periodic import Periodic, jobs_for

log = logging.getLogger(__name__)


def run_worker(settings: Settings, concurrency: int, beat: bool) -> None:
    """Raises SandboxUnavailable before anything starts when RUN_SANDBOX=required and runs cannot be sandboxed."""
    runs_sandbox = sandbox.sandbox_for(settings)
    if runs_sandbox is not None:
        log.info("runs are sandboxed (%s; network %s)", runs_sandbox.bwrap, "on" if runs_sandbox.network else "off")
    db.bind(db.make_engine(settings.database_url))
    crypto.set_key_ring(crypto.box_for(settings))
    app = make_celery(settings)
    messaging.set_publisher(publisher(app))
    # Sweeps are idempotent, so a second worker with --beat somewhere only sweeps more often.
    with Periodic(jobs_for(settings)) if beat else contextlib.nullcontext():
        # Threads, not forks: each run is a child process anyway, and threads keep one database pool.
        app.worker_main([
            # A node name of its own: two workers on one host must not share one (RabbitMQ locks it to the first).
            "worker", f"--hostname=infrakitchen-{os.getpid()}@%h", "--pool=threads", f"--concurrency={concurrency}",
            "-Q", settings.run_queue,
            f"--loglevel={settings.log_level}", "--without-gossip", "--without-mingle", "--without-heartbeat",
        ])
