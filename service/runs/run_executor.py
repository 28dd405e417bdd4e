"""Runs, the worker side: claim a run once, run the engine with no transaction open, record the outcome.

`_claim` commits (the run is `running`, its resource `in_progress`), the engine runs while a heartbeat and the
log writer keep their own short transactions, then `_finish` commits the outcome: OTF's Start/Finish.
"""

import logging
import socket
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
from service.errors import InvalidState
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
    )
    masker = Masker([*secrets, *credentials.values(), credential])
    return _ClaimedRun(run_id=run.id, resource_id=resource.id, kind=run.kind, job=job, masker=masker)


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
def _finish(claimed: _ClaimedRun, result: engine_run.EngineResult, line_count: int) -> None:
    session = db.session()
    run = run_crud.get_run(session, claimed.run_id)
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
