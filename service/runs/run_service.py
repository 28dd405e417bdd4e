"""Runs: queued with the state change that asks for them, claimed once, executed with no transaction open."""

import logging
import secrets
import socket
import uuid
from dataclasses import dataclass
from datetime import timedelta

from service import crypto, db, messaging
from service.audit import audit_service
from service.auth.auth_service import RUN_TOKEN_PREFIX, hash_token
from service.auth.principal import SYSTEM, Principal
from service.config import Settings
from service.engine import engine_run
from service.engine.masking import Masker
from service.engine.process import RunControl
from service.errors import Conflict, InvalidState, NotFound
from service.events import event_recorder
from service.events.event_model import EventType
from service.integrations import integration_service
from service.listing import apply_sort, page_of
from service.resources import resource_service
from service.runs import run_crud
from service.runs.run_heartbeat import RunHeartbeat
from service.runs.run_log_writer import RunLogWriter
from service.runs.run_model import ACTIVE_RUN_STATUSES, DRY_RUN_KINDS, Run, RunKind, RunLogLine, RunStatus
from service.states import state_service
from service.templates import template_service

log = logging.getLogger(__name__)
SORTS = {"created_at": Run.created_at, "status": Run.status, "kind": Run.kind}
# A run still unpublished after this long had its publish fail (publishing happens right after commit).
UNPUBLISHED_GRACE_SECONDS = 5
# When runs back up, what people asked to change goes first, then their dry runs, then scheduled checks.
PRIORITIES = {RunKind.PROVISION: 9, RunKind.DESTROY: 9, RunKind.PLAN: 5, RunKind.DRIFT_CHECK: 1}


class RunNotFound(NotFound):
    def __init__(self, run_id):
        super().__init__(f"run {run_id} not found")


def queue_run(actor: Principal, resource, kind: RunKind, state_before: str, status_before: str) -> Run:
    """A queued run row in the caller's transaction; its message is sent only after commit."""
    run = run_crud.add_run(db.session(), Run(
        resource_id=resource.id, kind=kind, created_by=actor.subject,
        resource_state_before=state_before, resource_status_before=status_before,
    ))
    audit_service.record(actor, "run.queue", "run", run.id, after={"resource_id": str(resource.id), "kind": kind})
    _publish_after_commit(run.id, kind)
    return run


def _publish_after_commit(run_id: uuid.UUID, kind: str) -> None:
    def record_sent():
        with db.session.session_factory() as session:
            run_crud.mark_published(session, run_id, db.utcnow())
            session.commit()

    messaging.send_after_commit(messaging.EXECUTE_RUN, str(run_id), priority=PRIORITIES[RunKind(kind)],
                                on_sent=record_sent)


class RunAlreadyFinished(InvalidState):
    def __init__(self, run: Run):
        super().__init__(f"run {run.id} has already finished ({run.status})", run_status=str(run.status))


@db.unit_of_work
def cancel_run(actor: Principal, run_id: uuid.UUID, force: bool = False) -> Run:
    """Cancel: a queued run ends now and its resource goes back to where it was; a running one is asked to
    stop (interrupt, then kill after a grace period; `force`, for admins, kills at once). The worker then
    finishes it as `cancelled`. Raises RunNotFound, PermissionDenied, RunAlreadyFinished."""
    actor.require("admin" if force else "resources:write")
    session = db.session()
    run = run_crud.get_run_for_update(session, run_id)
    if run is None:
        raise RunNotFound(run_id)
    resource_service.require_owner(actor, run.resource_id)
    if run.status not in ACTIVE_RUN_STATUSES:
        raise RunAlreadyFinished(run)
    before = {"status": run.status}
    if run.status == RunStatus.QUEUED:
        run.status = RunStatus.CANCELLED
        run.finished_at = db.utcnow()
        run.error = f"cancelled by {actor.subject} before it started"
        if run.kind not in DRY_RUN_KINDS:
            resource_service.restore_after_cancel(actor, run.resource_id, run.resource_state_before,
                                                  run.resource_status_before)
    else:
        run.cancel_requested_at = db.utcnow()
        run.cancel_requested_by = actor.subject
        run.cancel_force = run.cancel_force or force
    audit_service.record(actor, "run.force_cancel" if force else "run.cancel", "run", run.id, before=before,
                         after={"status": run.status, "force": force})
    return run


@db.unit_of_work
def get_run(actor: Principal, run_id: uuid.UUID) -> Run:
    actor.require("read")
    run = run_crud.get_run(db.session(), run_id)
    if run is None or resource_service.hidden_from(actor, run.resource_id):
        raise RunNotFound(run_id)
    return run


@db.unit_of_work
def hidden_from(actor: Principal, run_id: uuid.UUID) -> bool:
    """Is there such a run, of a resource `actor` may not see?"""
    run = run_crud.get_run(db.session(), run_id)
    return run is not None and resource_service.hidden_from(actor, run.resource_id)


@db.unit_of_work
def list_runs(actor: Principal, filters: dict, sort: str, page: int, page_size: int):
    """(runs, total); with a resource_id filter, raises ResourceNotFound for an unknown resource."""
    actor.require("read")
    if filters.get("resource_id"):
        resource_service.get_resource(actor, filters["resource_id"])
    query = run_crud.select_runs(**filters, resource_ids=resource_service.visible_ids(actor))
    query = apply_sort(query, sort, SORTS, Run.id)
    return page_of(db.session(), query, page, page_size)


@db.unit_of_work
def list_log_lines(actor: Principal, run_id: uuid.UUID, offset: int, limit: int) -> tuple[list[RunLogLine], Run]:
    """(lines from `offset`, the run); lines are already masked."""
    run = get_run(actor, run_id)
    return list(db.session().scalars(run_crud.select_log_lines(run_id, offset, limit))), run


# --- the worker side ----------------------------------------------------------------------------------

def principal_for_credential(token: str) -> Principal | None:
    """The run a state-backend credential belongs to, while that run is running."""
    run = run_crud.get_running_run_by_credential(db.session(), hash_token(token))
    if run is None:
        return None
    return Principal(subject=f"run:{run.id}", kind="run", role="run", resource_id=run.resource_id)


@dataclass
class _ClaimedRun:
    run_id: uuid.UUID
    resource_id: uuid.UUID
    kind: str
    job: engine_run.EngineJob
    masker: Masker


def execute_run(run_id: uuid.UUID, settings: Settings) -> bool:
    """Claim and run one run. False when there was nothing to claim (a duplicate or stale message)."""
    claimed = _claim(run_id, settings)
    if claimed is None:
        log.info("run %s: nothing to claim (already taken or gone)", run_id)
        return False
    control = RunControl()
    with RunLogWriter(run_id, claimed.masker) as writer, \
            RunHeartbeat(run_id, settings.heartbeat_seconds, control) as heartbeat:
        try:
            result = engine_run.run_job(claimed.job, settings, str(run_id), writer.write, control)
        except Exception as error:  # a bug or broken archive must still end the run, not leave it running
            log.exception("run %s crashed", run_id)
            result = engine_run.EngineResult(succeeded=False, error=f"internal error: {type(error).__name__}")
    if heartbeat.taken_away:
        log.warning("run %s was ended elsewhere (worker presumed lost); its outcome is not recorded", run_id)
        return True
    if result.cancelled:
        result.error = f"cancelled by {heartbeat.cancelled_by}"
    _finish(claimed, result, writer.line_count)
    return True


@db.unit_of_work
def _claim(run_id: uuid.UUID, settings: Settings) -> _ClaimedRun | None:
    session = db.session()
    if not run_crud.claim_run(session, run_id, socket.gethostname(), settings.engine_label, db.utcnow()):
        return None
    run = run_crud.get_run(session, run_id)
    session.refresh(run)
    event_recorder.record(session, EventType.RUN_STARTED, run)  # the claim was an UPDATE the ORM did not see
    credential = RUN_TOKEN_PREFIX + secrets.token_urlsafe(32)
    run.state_token_hash = hash_token(credential)
    if run.kind in DRY_RUN_KINDS:
        resource = resource_service.get_resource(SYSTEM, run.resource_id)
    else:
        resource = resource_service.mark_run_started(run.resource_id)
    module = template_service.module_for_run(resource.template_version_id)
    credentials = integration_service.run_environment(crypto.box_for(settings), resource.id)
    job = engine_run.EngineJob(
        kind="plan" if run.kind in DRY_RUN_KINDS else run.kind,
        archive=module.archive,
        module_path=module.path,
        variables=resource.engine_variables,
        backend=engine_run.StateBackend(f"{settings.state_api_url}/resources/{resource.id}/state", credential),
        environment=credentials,
    )
    masker = Masker([*resource.secret_variables.values(), *credentials.values(), credential])
    return _ClaimedRun(run_id=run.id, resource_id=resource.id, kind=run.kind, job=job, masker=masker)


def stored_outputs(raw: dict | None) -> dict | None:
    """Outputs as the platform keeps them: sensitive ones without their value."""
    if raw is None:
        return None
    return {
        name: {"sensitive": True} if item.get("sensitive") else {"sensitive": False, "value": item.get("value")}
        for name, item in raw.items()
    }


@db.unit_of_work
def _finish(claimed: _ClaimedRun, result: engine_run.EngineResult, line_count: int) -> None:
    session = db.session()
    run = run_crud.get_run(session, claimed.run_id)
    run.state_token_hash = None  # the credential ends with the run
    # An engine killed (force-cancel, timeout) cannot unlock the state itself; the run's end releases it.
    state_service.release_locks_of_run(run.id)
    outputs = stored_outputs(result.outputs)
    if result.cancelled:
        run.status = RunStatus.CANCELLED
    else:
        run.status = RunStatus.SUCCEEDED if result.succeeded else RunStatus.FAILED
    run.finished_at = db.utcnow()
    run.error = claimed.masker(result.error) if result.error else None
    run.outputs = outputs
    run.plan_summary = result.plan_summary
    run.log_line_count = line_count
    if claimed.kind not in DRY_RUN_KINDS:
        resource_service.mark_run_finished(SYSTEM, claimed.resource_id, result.succeeded, outputs)
    elif claimed.kind == RunKind.DRIFT_CHECK and result.succeeded and result.plan_summary["has_changes"]:
        try:
            resource_service.record_drift(SYSTEM, claimed.resource_id, result.plan_summary)
        except InvalidState:
            pass  # the resource moved on while the check ran; its drift no longer describes it
    audit_service.record(SYSTEM, f"run.{run.status}", "run", run.id, after={"error": run.error})


def supersede_queued_drift_check(actor: Principal, resource_id: uuid.UUID) -> None:
    """Cancel a drift check still waiting for a worker, so the caller's own run can take its place."""
    session = db.session()
    for run in run_crud.queued_runs_of_kind(session, resource_id, RunKind.DRIFT_CHECK):
        run.status = RunStatus.CANCELLED
        run.finished_at = db.utcnow()
        run.error = f"superseded by a run asked for by {actor.subject}"
    session.flush()  # the one-active-run index must see the slot free before the new run is inserted


def schedule_drift_checks(settings: Settings) -> int:
    """Queue a drift check for each healthy provisioned resource not checked within the interval."""
    cutoff = db.utcnow() - timedelta(seconds=settings.drift_check_interval_seconds)
    with db.session.session_factory() as session:
        due = run_crud.resources_due_for_drift_check(session, cutoff)
    queued = 0
    for resource_id in due:
        try:
            resource_service.check_drift(SYSTEM, resource_id)
            queued += 1
        except (InvalidState, Conflict):
            pass  # it moved or got a run meanwhile: next round
    return queued


# --- the sweeper: what a crashed worker or an unreachable broker left behind ----------------------------

@db.unit_of_work
def _fail_lost_run(run_id: uuid.UUID, reason: str) -> bool:
    session = db.session()
    run = run_crud.get_run_for_update(session, run_id, skip_locked=True)
    if run is None or run.status != RunStatus.RUNNING:
        return False  # finished meanwhile, or another sweeper has it
    run.status = RunStatus.FAILED
    run.finished_at = db.utcnow()
    run.error = reason
    run.state_token_hash = None
    state_service.release_locks_of_run(run.id)
    if run.kind not in DRY_RUN_KINDS:
        resource_service.mark_run_finished(SYSTEM, run.resource_id, False, None)
    audit_service.record(SYSTEM, "run.worker_lost", "run", run.id, after={"error": reason})
    return True


@db.unit_of_work
def _republish(runs: list[tuple[uuid.UUID, str]]) -> None:
    for run_id, kind in runs:
        _publish_after_commit(run_id, kind)


def sweep(settings: Settings) -> dict:
    """Fail running runs whose worker stopped heartbeating; publish again queued runs nobody took.

    Safe to run anywhere, any number of times at once (row locks with SKIP LOCKED, compare-and-set claims).
    """
    now = db.utcnow()
    with db.session.session_factory() as session:
        lost = run_crud.stale_running_run_ids(session, now - timedelta(seconds=settings.worker_lost_seconds))
        waiting = run_crud.unpublished_runs(
            session, now - timedelta(seconds=UNPUBLISHED_GRACE_SECONDS),
            now - timedelta(seconds=settings.requeue_after_seconds),
        )
    failed = sum(
        _fail_lost_run(run_id, f"worker lost: no heartbeat for {settings.worker_lost_seconds} s") for run_id in lost
    )
    if waiting:
        _republish(waiting)
    return {"failed": failed, "republished": len(waiting)}


