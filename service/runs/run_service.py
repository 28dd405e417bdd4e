"""Runs, the API side: queued with the state change that asks for them, cancelled, read.

Runs sit above resources: `create_run` asks the resource service to lock and move the resource, then
inserts the run in the same transaction; its message is published only after that commits. The worker's
side is `run_executor`, the sweeper's `run_sweeper`.
"""

import uuid

from service import access, db, messaging
from service.access import RunNotFound
from service.audit import audit_service
from service.auth.principal import Principal
from service.errors import InvalidState
from service.listing import apply_sort, page_of
from service.resources import resource_service
from service.resources.resource_model import Resource
from service.resources.resource_states import Action
from service.runs import run_crud
from service.runs.run_model import DRY_RUN_KINDS, Run, RunKind, RunLogLine
from service.runs.run_states import ACTIVE_RUN_STATUSES, RunAction, RunStatus

SORTS = {"created_at": Run.created_at, "status": Run.status, "kind": Run.kind}
# When runs back up, what people asked to change goes first, then their dry runs, then scheduled checks.
PRIORITIES = {RunKind.PROVISION: 9, RunKind.DESTROY: 9, RunKind.PLAN: 5, RunKind.DRIFT_CHECK: 1}
# The resource's state-machine action that each kind of run asks for.
RESOURCE_ACTIONS = {RunKind.PROVISION: Action.PROVISION, RunKind.DESTROY: Action.DESTROY,
                    RunKind.PLAN: Action.PLAN, RunKind.DRIFT_CHECK: Action.DRIFT_CHECK}


@db.unit_of_work
def create_run(actor: Principal, resource_id: uuid.UUID, kind: RunKind, change_id: uuid.UUID | None = None,
               version_id: uuid.UUID | None = None) -> Run:
    """The queued run of `kind` (provision, destroy, plan or drift check), its resource moved in the same
    transaction; with `change_id`, it plans or applies that change's values (on `version_id`). Raises ResourceNotFound,
    PermissionDenied, InvalidResourceTransition (409) when the state machine does not allow it now, Conflict (409)
    while another run of the resource is active."""
    run_id = db.new_id()
    state_before, status_before = resource_service.start_run(actor, resource_id, RESOURCE_ACTIONS[kind], run_id,
                                                             version_id)
    if kind != RunKind.DRIFT_CHECK:
        _supersede_queued_drift_check(actor, resource_id)  # a person's run goes first
    run = run_crud.add_run(db.session(), Run(
        id=run_id, resource_id=resource_id, kind=kind, created_by=actor.subject, change_id=change_id,
        resource_state_before=state_before, resource_status_before=status_before,
    ))
    audit_service.record(actor, "run.queue", "run", run.id, after={"resource_id": str(resource_id), "kind": kind})
    publish_after_commit(run.id, kind)
    return run


@db.unit_of_work
def request_destroy(actor: Principal, resource_id: uuid.UUID) -> Run | Resource:
    """A person's destroy: the queued run, or, on a template that requires approval, the resource waiting for an
    approver (destroy, approval_pending); once approved, the same request queues the run. Cascade destroys do not
    come here: their operation is approved as a whole."""
    waiting = resource_service.await_destroy_approval(actor, resource_id)
    return waiting if waiting is not None else create_run(actor, resource_id, RunKind.DESTROY)


def _supersede_queued_drift_check(actor: Principal, resource_id: uuid.UUID) -> None:
    """Cancel a drift check still waiting for a worker, so the caller's own run can take its place."""
    session = db.session()
    for run in run_crud.queued_runs_of_kind(session, resource_id, RunKind.DRIFT_CHECK):
        run.move(RunAction.SUPERSEDE, f"superseded by a run asked for by {actor.subject}")
    session.flush()  # the one-active-run index must see the slot free before the new run is inserted


@db.joins_unit_of_work
def publish_after_commit(run_id: uuid.UUID, kind: str) -> None:
    """Send the run's message once the open transaction commits, and record that it reached the broker."""
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
    access.require_acts_on_run(actor, run.id, run.resource_id)
    if run.status not in ACTIVE_RUN_STATUSES:
        raise RunAlreadyFinished(run)
    before = {"status": run.status}
    if run.status == RunStatus.QUEUED:
        run.move(RunAction.CANCEL, f"cancelled by {actor.subject} before it started")
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
    if run is None or access.resource_hidden_from(actor, run.resource_id):
        raise RunNotFound(run_id)
    return run


@db.unit_of_work
def list_runs(actor: Principal, filters: dict, sort: str, page: int, page_size: int):
    """(runs, total); with a resource_id filter, raises ResourceNotFound for an unknown resource."""
    actor.require("read")
    if filters.get("resource_id"):
        resource_service.get_resource(actor, filters["resource_id"])
    query = run_crud.select_runs(**filters, resource_ids=access.visible_resource_ids(actor))
    query = apply_sort(query, sort, SORTS, Run.id)
    return page_of(db.session(), query, page, page_size)


@db.unit_of_work
def list_log_lines(actor: Principal, run_id: uuid.UUID, offset: int, limit: int) -> tuple[list[RunLogLine], Run]:
    """(lines from `offset`, the run); lines are already masked."""
    run = get_run(actor, run_id)
    return list(db.session().scalars(run_crud.select_log_lines(run_id, offset, limit))), run
