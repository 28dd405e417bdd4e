"""Runs, the worker side: claim a run once, run the engine with no transaction open, record the outcome.

`_claim` commits (the run is `running`, its resource `in_progress`), the engine runs while a heartbeat and the
log writer keep their own short transactions, then `_finish` commits the outcome: OTF's Start/Finish.
"""

import functools
import logging
import socket
import time
import uuid
from dataclasses import dataclass

from service import crypto, db
from service.audit import audit_service
from service.auth import run_credentials
from service.auth.principal import SYSTEM
from service.changes import change_service
from service.config import Settings
from service.engine import engine_run
from service.engine.masking import Masker
from service.engine.process import RunControl
from service.errors import DATABASE_UNAVAILABLE, InvalidState
from service.events import event_recorder
from service.events.event_model import EventType
from service.integrations import integration_service
from service.operations import operation_service
from service.resources import resource_service
from service.runs import run_crud, run_service, run_states
from service.runs.run_heartbeat import RunHeartbeat
from service.runs.run_log_writer import RunLogWriter
from service.runs.run_model import DRY_RUN_KINDS, RunKind
from service.states import state_service
from service.templates import template_service

log = logging.getLogger(__name__)
# How long a claim or an outcome waits for an unreachable database (a restart, a failover) before giving up:
# the run then stays queued (published again by the sweeper) or running (failed as worker-lost by the sweeper).
DATABASE_PATIENCE_SECONDS = 300


@dataclass
class _ClaimedRun:
    run_id: uuid.UUID
    resource_id: uuid.UUID
    kind: str
    job: engine_run.EngineJob
    masker: Masker


def execute_run(run_id: uuid.UUID, settings: Settings) -> bool:
    """Claim and run one run. False when there was nothing to claim (a duplicate or stale message)."""
    started = time.monotonic()
    claimed = _patiently(_claim, run_id, settings)
    if claimed is None:
        log.info("run %s: nothing to claim (already taken or gone)", run_id)
        return False
    timings = {"claim": time.monotonic() - started}
    control = RunControl()
    writer = RunLogWriter(run_id, claimed.masker)
    try:
        with writer, RunHeartbeat(run_id, settings.heartbeat_seconds, control) as heartbeat:
            try:
                result = engine_run.run_job(claimed.job, settings, str(run_id), writer.write, control)
            except Exception as error:  # a bug or broken archive must still end the run, not leave it running
                log.exception("run %s crashed", run_id)
                result = engine_run.EngineResult(succeeded=False, error=f"internal error: {type(error).__name__}")
            engine_done = time.monotonic()
    except DATABASE_UNAVAILABLE:  # the log's last lines could not be stored (they stay buffered): wait for it
        _patiently(writer.flush)
    timings.update(result.timings, logs=time.monotonic() - engine_done)  # the heartbeat stopped, the last lines
    if heartbeat.taken_away:
        log.warning("run %s was ended elsewhere (worker presumed lost); its outcome is not recorded", run_id)
        return True
    if result.cancelled:
        result.error = f"cancelled by {heartbeat.cancelled_by}"
    finishing = time.monotonic()
    if not _patiently(_finish, claimed, result, writer.line_count):
        log.warning("run %s was ended elsewhere while its outcome waited for the database; not recorded", run_id)
        return True
    timings.update(finish=time.monotonic() - finishing, total=time.monotonic() - started)
    # One line per run: where its time went in this worker (seconds), for operators and bench/orchestration.py.
    log.info("run %s %s: %s log_flushes=%d heartbeat_checks=%d", run_id, "succeeded" if result.succeeded else "ended",
             " ".join(f"{name}={seconds:.4f}" for name, seconds in timings.items()), writer.flushes, heartbeat.checks)
    if claimed.kind == RunKind.DESTROY:
        try:  # after the run's outcome is committed: a failure here cannot lose it, and the sweeper resumes
            operation_service.run_finished(run_id)
        except Exception:
            log.exception("run %s: moving its operation on failed; the sweeper will", run_id)
    return True


@db.unit_of_work
def _claim(run_id: uuid.UUID, settings: Settings) -> _ClaimedRun | None:
    session = db.session()
    if not run_crud.claim_run(session, run_id, socket.gethostname(), settings.engine_label, db.utcnow()):
        return None
    run = run_crud.get_run(session, run_id)
    session.refresh(run)
    event_recorder.record(session, EventType.RUN_STARTED, run)  # the claim was an UPDATE the ORM did not see
    credential, run.state_token_hash = run_credentials.issue()
    if run.kind in DRY_RUN_KINDS:
        resource = resource_service.get_resource(SYSTEM, run.resource_id)
    else:
        resource = resource_service.mark_run_started(run.resource_id)
    if run.change_id is not None:  # a change's values, maybe on another version of the template
        version_id, variables, secrets = change_service.run_inputs(run.change_id)
    else:
        version_id = resource.template_version_id
        variables, secrets = resource_service.run_variables(resource.id)
    module = template_service.module_for_run(version_id)
    credentials = integration_service.run_environment(crypto.key_ring(), resource.id)
    job = engine_run.EngineJob(
        kind="plan" if run.kind in DRY_RUN_KINDS else run.kind,
        archive=module.archive,
        module_path=module.path,
        variables=variables,
        backend=engine_run.StateBackend(f"{settings.state_api_url}/resources/{resource.id}/state", credential),
        environment=credentials,
        read_state=functools.partial(_state_of, resource.id),
    )
    masker = Masker([*secrets, *credentials.values(), credential])
    return _ClaimedRun(run_id=run.id, resource_id=resource.id, kind=run.kind, job=job, masker=masker)


def _state_of(resource_id: uuid.UUID) -> bytes | None:
    """The resource's state as its run's engine left it in the backend (the run reads its outputs from it); None
    when it cannot be read now, and the engine is asked for them instead."""
    try:
        return state_service.current_state(resource_id)
    except Exception:
        log.warning("could not read the state of resource %s back; asking the engine for its outputs", resource_id,
                    exc_info=True)
        return None


def _patiently(step, *args):
    """`step(*args)` (a unit of work), tried again while the database is unreachable, for up to
    DATABASE_PATIENCE_SECONDS: a claim or an outcome waits for the database instead of being dropped. A step whose
    commit went through before its connection dropped finds nothing left to do on the next attempt."""
    deadline = time.monotonic() + DATABASE_PATIENCE_SECONDS
    pause = 0.2
    while True:
        try:
            return step(*args)
        except DATABASE_UNAVAILABLE as error:
            db.session.remove()  # the next attempt starts on another connection
            if time.monotonic() + pause > deadline:
                raise
            log.warning("%s: the database is unavailable (%s); trying again in %.1f s", step.__name__,
                        type(getattr(error, "orig", None) or error).__name__, pause)
            time.sleep(pause)
            pause = min(pause * 2, 2.0)


def stored_outputs(raw: dict | None, masker: Masker) -> dict | None:
    """Outputs as the platform shows them: sensitive ones without their value (kept sealed apart, for wiring),
    and any secret a module passed off as plain (`nonsensitive(base64encode(var.password))`) masked like a log
    line."""
    if raw is None:
        return None
    return {
        name: {"sensitive": True} if item.get("sensitive")
        else {"sensitive": False, "value": masker.within(item.get("value"))}
        for name, item in raw.items()
    }


@db.unit_of_work
def _finish(claimed: _ClaimedRun, result: engine_run.EngineResult, line_count: int) -> bool:
    """Record the outcome; False when the run is no longer running (the sweeper failed it as worker-lost while
    this worker could not reach the database, or an earlier attempt committed before its connection dropped)."""
    session = db.session()
    run = run_crud.get_run(session, claimed.run_id)
    if run is not None:
        session.refresh(run, with_for_update=True)  # the row as it is now, and the sweeper's lock waits for ours
    if run is None or run.status != run_states.RunStatus.RUNNING:
        return False
    run.state_token_hash = None  # the credential ends with the run
    # An engine killed (force-cancel, timeout) cannot unlock the state itself; the run's end releases it.
    state_service.release_locks_of_run(run.id)
    outputs = stored_outputs(result.outputs, claimed.masker)
    secret_outputs = {name: item.get("value") for name, item in (result.outputs or {}).items() if item.get("sensitive")}
    run.move(run_states.finish_action(result.succeeded, result.cancelled))
    run.error = claimed.masker(result.error) if result.error else None
    run.outputs = outputs
    run.plan_summary = result.plan_summary
    run.log_line_count = line_count
    if claimed.kind not in DRY_RUN_KINDS:
        ready = resource_service.mark_run_finished(SYSTEM, claimed.resource_id, result.succeeded, outputs,
                                                   secret_outputs, run.started_at)
        for child_id in ready:  # created with auto_provision: their first run is queued with the parent's end
            run_service.create_run(SYSTEM, child_id, RunKind.PROVISION)
    elif claimed.kind == RunKind.DRIFT_CHECK and result.succeeded and result.plan_summary["has_changes"]:
        try:
            resource_service.record_drift(SYSTEM, claimed.resource_id, result.plan_summary)
        except InvalidState:
            pass  # the resource moved on while the check ran; its drift no longer describes it
    if run.change_id is not None:
        change_service.run_finished(run)
    audit_service.record(SYSTEM, f"run.{run.status}", "run", run.id, after={"error": run.error})
    return True
