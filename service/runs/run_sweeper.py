"""Runs, the sweeper's side (service.periodic, in a worker started with --beat): what a crashed worker or an
unreachable broker left behind, and the scheduled drift checks.

Safe to run anywhere, any number of times at once (row locks with SKIP LOCKED, compare-and-set claims).
"""

import uuid
from datetime import timedelta

from service import db
from service.audit import audit_service
from service.auth.principal import SYSTEM
from service.config import Settings
from service.errors import Conflict, InvalidState
from service.operations import operation_service
from service.resources import resource_service
from service.runs import run_crud, run_service, run_states
from service.runs.run_model import DRY_RUN_KINDS, RunKind
from service.runs.run_states import RunAction
from service.states import state_service

# A run still unpublished after this long had its publish fail (publishing happens right after commit).
UNPUBLISHED_GRACE_SECONDS = 5
# Each tick's work is bounded whatever the table sizes (the next tick takes the rest); drift checks are spread
# over ticks of at most DRIFT_TICK_SECONDS (service.periodic), the longest unchecked first.
SWEEP_BATCH = 500
DRIFT_BATCH = 1000


@db.unit_of_work
def _fail_lost_run(run_id: uuid.UUID, reason: str) -> bool:
    session = db.session()
    run = run_crud.get_run_for_update(session, run_id, skip_locked=True)
    if run is None or not run_states.allows(RunAction.WORKER_LOST, run.status):
        return False  # finished meanwhile, or another sweeper has it
    run.move(RunAction.WORKER_LOST, reason)
    run.state_token_hash = None
    state_service.release_locks_of_run(run.id)
    if run.kind not in DRY_RUN_KINDS:
        resource_service.mark_run_finished(SYSTEM, run.resource_id, False, None)
    audit_service.record(SYSTEM, "run.worker_lost", "run", run.id, after={"error": reason})
    return True


@db.unit_of_work
def _republish(runs: list[tuple[uuid.UUID, str]]) -> None:
    for run_id, kind in runs:
        run_service.publish_after_commit(run_id, kind)


def sweep(settings: Settings, fail_lost: bool = True) -> dict:
    """Fail running runs whose worker stopped heartbeating (unless not `fail_lost`: heartbeats may not have
    resumed yet after the database was unreachable); publish again queued runs nobody took."""
    now = db.utcnow()
    with db.session.session_factory() as session:
        lost = run_crud.stale_running_run_ids(session, now - timedelta(seconds=settings.worker_lost_seconds),
                                              SWEEP_BATCH) if fail_lost else []
        waiting = run_crud.unpublished_runs(
            session, now - timedelta(seconds=UNPUBLISHED_GRACE_SECONDS),
            now - timedelta(seconds=settings.requeue_after_seconds), SWEEP_BATCH,
        )
    failed = sum(
        _fail_lost_run(run_id, f"worker lost: no heartbeat for {settings.worker_lost_seconds} s") for run_id in lost
    )
    if waiting:
        _republish(waiting)
    # Runs ended above (and any whose operation did not hear of it) move their operations on.
    resumed = operation_service.resume_stalled()
    return {"failed": failed, "republished": len(waiting), "operations_resumed": resumed}


def schedule_drift_checks(settings: Settings) -> int:
    """Queue a drift check for up to DRIFT_BATCH healthy provisioned resources not checked within the interval."""
    cutoff = db.utcnow() - timedelta(seconds=settings.drift_check_interval_seconds)
    with db.session.session_factory() as session:
        due = run_crud.resources_due_for_drift_check(session, cutoff, DRIFT_BATCH)
    queued = 0
    for resource_id in due:
        try:
            run_service.create_run(SYSTEM, resource_id, RunKind.DRIFT_CHECK)
            queued += 1
        except (InvalidState, Conflict):
            pass  # it moved or got a run meanwhile: next round
    return queued
