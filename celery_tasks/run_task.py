"""The task that runs the engine: decode the id, call the run executor, return."""

import logging
import uuid

from celery import shared_task

from service.messaging import EXECUTE_RUN
from service.runs import run_executor

log = logging.getLogger(__name__)


@shared_task(bind=True, name=EXECUTE_RUN)
def execute_run(self, run_id: str) -> None:
    try:
        parsed = uuid.UUID(run_id)
    except (ValueError, TypeError, AttributeError):
        log.error("ignoring a run message with a malformed id")
        return
    run_executor.execute_run(parsed, self.app.settings)
