"""The periodic work of a worker started with `--beat`: the sweeper, the drift scheduler and the event pruner, each
on a thread of its own in the worker's process.

Not through the run queue (as Celery beat would send them): a sweep queued there waits behind every queued run
for a free worker slot, so behind a backlog a lost run would stay `running` until the backlog was worked off.
Every job is safe to run in several workers at once (row locks with SKIP LOCKED, compare-and-set claims).
"""

import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from service.config import Settings
from service.errors import DATABASE_UNAVAILABLE
from service.events import event_service
from service.runs import run_sweeper

log = logging.getLogger(__name__)
# A tick queues a bounded batch of drift checks, so ticks come at least this often when checks are on.
DRIFT_TICK_SECONDS = 60
# Retention is measured in days, and one prune is one indexed delete.
PRUNE_INTERVAL_SECONDS = 3600


@dataclass
class Job:
    name: str
    interval: float
    work: Callable[[], None]


def jobs_for(settings: Settings) -> list[Job]:
    jobs = [
        Job("sweep", settings.sweep_interval_seconds, Sweeper(settings).sweep),
        Job("prune-events", PRUNE_INTERVAL_SECONDS, lambda: _prune_events(settings)),
    ]
    if settings.drift_check_interval_seconds:
        tick = min(settings.drift_check_interval_seconds, DRIFT_TICK_SECONDS)
        jobs.append(Job("drift-checks", tick, lambda: _schedule_drift_checks(settings)))
    return jobs


def _prune_events(settings: Settings) -> None:
    log.info("events pruned: %d", event_service.prune(settings.event_retention_seconds))


def _schedule_drift_checks(settings: Settings) -> None:
    log.info("drift checks queued: %d", run_sweeper.schedule_drift_checks(settings))


class Sweeper:
    """run_sweeper.sweep, except that lost runs are not failed until the database has been reachable for
    WORKER_LOST_SECONDS: while it was down no worker could record a heartbeat, and a run that was alive all along
    would otherwise be failed as lost the moment it came back."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._unreachable_until = -math.inf  # monotonic time of the last sweep that could not reach the database

    def sweep(self) -> None:
        heartbeats_resumed = time.monotonic() - self._unreachable_until >= self.settings.worker_lost_seconds
        try:
            result = run_sweeper.sweep(self.settings, fail_lost=heartbeats_resumed)
        except DATABASE_UNAVAILABLE:
            self._unreachable_until = time.monotonic()
            raise
        if result["failed"] or result["republished"]:
            log.warning("sweep: %(failed)d lost runs failed, %(republished)d queued runs published again", result)


class Periodic:
    """Each job on a daemon thread: run now, then every `interval` seconds after the previous one ended. A failing
    job is logged and tried at its next tick."""

    def __init__(self, jobs: list[Job]):
        self._stopped = threading.Event()
        self._threads = [threading.Thread(target=self._every, args=(job,), name=f"periodic-{job.name}", daemon=True)
                         for job in jobs]

    def __enter__(self) -> "Periodic":
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stopped.set()
        for thread in self._threads:
            thread.join(timeout=30)

    def _every(self, job: Job) -> None:
        while not self._stopped.is_set():
            try:
                job.work()
            except DATABASE_UNAVAILABLE as error:
                log.warning("%s: the database is unavailable (%s); next try in %s s", job.name,
                            type(getattr(error, "orig", None) or error).__name__, job.interval)
            except Exception:
                log.exception("%s failed; next try in %s s", job.name, job.interval)
            self._stopped.wait(job.interval)
