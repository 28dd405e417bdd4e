"""Periodic work (Celery beat): recover runs left behind by lost workers or an unreachable broker, schedule
drift checks, prune old events."""

import logging

from celery import shared_task

from service.events import event_service
from service.messaging import PRUNE_EVENTS, SCHEDULE_DRIFT_CHECKS, SWEEP
from service.runs import run_sweeper

log = logging.getLogger(__name__)


@shared_task(bind=True, name=SWEEP)
def sweep(self) -> dict:
    result = run_sweeper.sweep(self.app.settings)
    if result["failed"] or result["republished"]:
        log.warning("sweep: %(failed)d lost runs failed, %(republished)d queued runs published again", result)
    return result


@shared_task(bind=True, name=SCHEDULE_DRIFT_CHECKS)
def schedule_drift_checks(self) -> int:
    queued = run_sweeper.schedule_drift_checks(self.app.settings)
    log.info("drift checks queued: %d", queued)
    return queued


@shared_task(bind=True, name=PRUNE_EVENTS)
def prune_events(self) -> int:
    pruned = event_service.prune(self.app.settings.event_retention_seconds)
    log.info("events pruned: %d", pruned)
    return pruned
