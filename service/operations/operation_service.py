"""Operations: a cascade destroy as one tracked piece of work, moved one step at a time.

Between the runs and the worker: the API side creates, approves, retries and cancels an operation; the worker
(`run_executor`) reports each finished run with `run_finished`, which starts the next step. Every move is its
own short transaction holding the operation's row lock, so a worker, a sweeper and a person never move one
operation at once. A step that cannot start (its run refused) fails the operation; nothing after it starts.
"""

import uuid

from service import access, db
from service.audit import audit_service
from service.auth.principal import SYSTEM, Principal
from service.errors import DomainError, InvalidState, NotFound, PermissionDenied
from service.listing import apply_sort, page_of
from service.operations import cascade_plan, operation_crud
from service.operations.operation_model import (
    ACTIVE_OPERATION_STATUSES,
    RETRYABLE_OPERATION_STATUSES,
    Operation,
    OperationKind,
    OperationStatus,
    OperationStep,
    StepAction,
    StepStatus,
)
from service.resources import resource_service
from service.resources.resource_states import State
from service.runs import run_service
from service.runs.run_model import RunKind
from service.runs.run_states import RunStatus

SORTS = {"created_at": Operation.created_at, "status": Operation.status}
# How a step's run ended -> the step's status.
STEP_OUTCOMES = {RunStatus.SUCCEEDED: StepStatus.SUCCEEDED, RunStatus.FAILED: StepStatus.FAILED,
                 RunStatus.CANCELLED: StepStatus.CANCELLED}


class OperationNotFound(NotFound):
    def __init__(self, operation_id):
        super().__init__(f"operation {operation_id} not found")


class OperationNotActive(InvalidState):
    def __init__(self, operation: Operation, doing: str):
        super().__init__(f"cannot {doing} operation {operation.id}: it is {operation.status}",
                         operation_status=str(operation.status))


def snapshot(operation: Operation, steps: list[OperationStep]) -> dict:
    return {"kind": operation.kind, "resource_id": str(operation.resource_id), "status": operation.status,
            "steps": [{"resource": s.resource_name, "action": s.action, "status": s.status} for s in steps]}


# --- reading ---------------------------------------------------------------------------------------------------

def _shown(actor: Principal, operation: Operation) -> Operation:
    """The operation with `shown_steps`: the steps on resources the caller cannot see are left out."""
    owners = access.owners_of([s.resource_id for s in operation.steps if s.resource_id is not None])
    operation.shown_steps = [s for s in operation.steps if s.resource_id is None
                             or (s.resource_id in owners and actor.may_see(owners[s.resource_id]))]
    return operation


def _visible(actor: Principal, operation: Operation | None, operation_id: uuid.UUID) -> Operation:
    if operation is None or not actor.may_see(operation.owner):
        raise OperationNotFound(operation_id)
    return operation


@db.unit_of_work
def get_operation(actor: Principal, operation_id: uuid.UUID) -> Operation:
    actor.require("read")
    operation = _visible(actor, operation_crud.get_operation(db.session(), operation_id), operation_id)
    return _shown(actor, operation)


@db.unit_of_work
def list_operations(actor: Principal, filters: dict, sort: str, page: int, page_size: int):
    """(operations, total); with a resource_id filter, raises ResourceNotFound for a hidden or unknown one."""
    actor.require("read")
    if filters.get("resource_id"):
        resource_service.get_resource(actor, filters["resource_id"])
    query = operation_crud.select_operations(**filters, owners=access.visible_owners(actor))
    operations, total = page_of(db.session(), apply_sort(query, sort, SORTS, Operation.id), page, page_size)
    return [_shown(actor, o) for o in operations], total


@db.unit_of_work
def preview_cascade_destroy(actor: Principal, resource_id: uuid.UUID) -> cascade_plan.CascadePlan:
    """What `cascade_destroy` would do now, without doing it (the same 403 and 409)."""
    return cascade_plan.plan(actor, resource_id)


# --- moving ----------------------------------------------------------------------------------------------------

def cascade_destroy(actor: Principal, resource_id: uuid.UUID) -> Operation:
    """Destroy `resource_id` and everything built on it, leaves first, as one operation; it waits for approval
    when a template in it requires approval. Raises what `cascade_plan.plan` raises, before anything starts, and
    Conflict when a resource in it belongs to another unfinished operation."""
    operation_id = _create_cascade(actor, resource_id)
    advance(actor, operation_id)
    return get_operation(actor, operation_id)


@db.unit_of_work
def _create_cascade(actor: Principal, resource_id: uuid.UUID) -> uuid.UUID:
    plan = cascade_plan.plan(actor, resource_id)
    operation = Operation(
        id=db.new_id(), kind=OperationKind.CASCADE_DESTROY, resource_id=plan.root.id, resource_name=plan.root.name,
        owner=plan.root.owner,
        status=OperationStatus.APPROVAL_PENDING if plan.requires_approval else OperationStatus.RUNNING,
        requires_approval=plan.requires_approval, created_by=actor.subject)
    steps = [OperationStep(operation_id=operation.id, position=position, resource_id=step.resource.id,
                           resource_name=step.resource.name, action=step.action)
             for position, step in enumerate(plan.steps, 1)]
    operation_crud.add_operation(db.session(), operation, steps)
    audit_service.record(actor, "operation.create", "operation", operation.id, after=snapshot(operation, steps))
    return operation.id


def advance(actor: Principal, operation_id: uuid.UUID) -> None:
    """Start the next step of a running operation when none is running; end it when every step is done. Steps
    that need no run (a record deleted, a resource found destroyed already) complete at once, so one call may
    take several."""
    while True:
        try:
            if not _take_next_step(actor, operation_id):
                return
        except DomainError as refused:  # the step could not start: its transaction was rolled back
            _fail_next_step(actor, operation_id, refused.message)
            return


def _locked(operation_id: uuid.UUID) -> tuple[Operation, list[OperationStep]]:
    session = db.session()
    operation = operation_crud.get_operation_for_update(session, operation_id)
    if operation is None:
        raise OperationNotFound(operation_id)
    return operation, operation_crud.steps_for_update(session, operation_id)


def _current(steps: list[OperationStep]) -> OperationStep | None:
    return next((s for s in steps if s.status != StepStatus.SUCCEEDED), None)


def _end(actor: Principal, operation: Operation, steps: list[OperationStep], status: OperationStatus,
         error: str | None = None) -> None:
    operation.status, operation.error, operation.finished_at = status, error, db.utcnow()
    operation_crud.close_steps(db.session(), operation.id)
    audit_service.record(actor, f"operation.{status}", "operation", operation.id, after=snapshot(operation, steps))


def _succeed(step: OperationStep, note: str | None = None) -> None:
    step.status, step.error, step.finished_at, step.holds_resource = StepStatus.SUCCEEDED, note, db.utcnow(), False


@db.unit_of_work
def _take_next_step(actor: Principal, operation_id: uuid.UUID) -> bool:
    """One move; True when the next step may start at once (call again)."""
    operation, steps = _locked(operation_id)
    if operation.status != OperationStatus.RUNNING:
        return False
    step = _current(steps)
    if step is None:
        _end(actor, operation, steps, OperationStatus.SUCCEEDED)
        return False
    if step.status == StepStatus.RUNNING:
        return False  # its run reports when it ends
    if operation.cancel_requested_by:
        _end(actor, operation, steps, OperationStatus.CANCELLED, f"cancelled by {operation.cancel_requested_by}")
        return False
    step.attempts += 1
    step.started_at, step.finished_at, step.error = db.utcnow(), None, None
    resource = resource_service.get_resource(SYSTEM, step.resource_id) if step.resource_id else None
    if resource is None or resource.state == State.DESTROYED:
        _succeed(step, "already gone" if resource is None else "already destroyed")
        return True
    if step.action == StepAction.DELETE:
        resource_service.delete_resource(actor, step.resource_id)
        _succeed(step)
        return True
    step.run_id = run_service.create_run(actor, step.resource_id, RunKind.DESTROY).id
    step.status = StepStatus.RUNNING
    return False


@db.unit_of_work
def _fail_next_step(actor: Principal, operation_id: uuid.UUID, error: str) -> None:
    operation, steps = _locked(operation_id)
    step = _current(steps)
    if operation.status != OperationStatus.RUNNING or step is None or step.status != StepStatus.WAITING:
        return  # it moved meanwhile
    step.attempts += 1
    step.status, step.error, step.finished_at = StepStatus.FAILED, error, db.utcnow()
    _end(actor, operation, steps, OperationStatus.FAILED, f"step {step.position} ({step.resource_name}): {error}")


def run_finished(run_id: uuid.UUID) -> None:
    """A run ended (called by the worker after recording it, and by the sweeper): when it is a step of an
    operation, record how it ended and move the operation on. Anything else: nothing to do."""
    operation_id = _record_step_outcome(run_id)
    if operation_id is not None:
        advance(SYSTEM, operation_id)


@db.unit_of_work
def _record_step_outcome(run_id: uuid.UUID) -> uuid.UUID | None:
    """The operation whose step ran `run_id`, once that step says how its run ended; None when it is no step's."""
    operation_id = operation_crud.operation_of_run(db.session(), run_id)
    if operation_id is None:
        return None
    operation, steps = _locked(operation_id)
    step = next((s for s in steps if s.run_id == run_id), None)
    run = run_service.get_run(SYSTEM, run_id)
    if step is None or step.status != StepStatus.RUNNING or run.status not in STEP_OUTCOMES:
        return None  # recorded already, or still running
    outcome = STEP_OUTCOMES[RunStatus(run.status)]
    if outcome == StepStatus.SUCCEEDED:
        _succeed(step)
        return operation.id
    step.status, step.error, step.finished_at = outcome, run.error, db.utcnow()
    if operation.status in ACTIVE_OPERATION_STATUSES:
        ended = OperationStatus.CANCELLED if outcome == StepStatus.CANCELLED else OperationStatus.FAILED
        _end(SYSTEM, operation, steps, ended, f"step {step.position} ({step.resource_name}): {run.error or outcome}")
    return None


def resume_stalled() -> int:
    """Move on the operations whose running step's run ended without them noticing (a worker lost between two
    commits, a queued run cancelled on its own); a bounded batch per call. How many were found."""
    with db.session.session_factory() as session:
        stalled = operation_crud.stalled_operation_ids(session)
    for operation_id in stalled:
        with db.session.session_factory() as session:
            runs = [s.run_id for s in operation_crud.get_operation(session, operation_id).steps
                    if s.status == StepStatus.RUNNING]
        for run_id in runs:
            run_finished(run_id)
    return len(stalled)


def _require_acts(actor: Principal, operation: Operation) -> None:
    if not actor.acts_for(operation.owner):
        raise PermissionDenied(f"operation {operation.id} belongs to {operation.owner}")


def _require_acts_on_steps(actor: Principal, operation: Operation, steps: list[OperationStep]) -> None:
    """PermissionDenied unless the caller may act on the operation's resource and every one still to do."""
    _require_acts(actor, operation)
    owners = access.owners_of([s.resource_id for s in steps if s.resource_id and s.status != StepStatus.SUCCEEDED])
    not_ours = [owner for owner in owners.values() if not actor.acts_for(owner)]
    if not_ours:
        raise PermissionDenied(f"{len(not_ours)} resource(s) of operation {operation.id} are not yours to destroy")


def _locked_for(actor: Principal, operation_id: uuid.UUID, permission: str) -> tuple[Operation, list]:
    actor.require(permission)
    operation, steps = _locked(operation_id)
    _visible(actor, operation, operation_id)
    return operation, steps


def cancel(actor: Principal, operation_id: uuid.UUID) -> Operation:
    _cancel(actor, operation_id)
    return get_operation(actor, operation_id)


@db.unit_of_work
def _cancel(actor: Principal, operation_id: uuid.UUID) -> None:
    """Nothing more is queued; the running step's run is cancelled (a queued one at once, a running one is
    interrupted and reports when it stops). Raises OperationNotActive when it has ended."""
    operation, steps = _locked_for(actor, operation_id, "resources:write")
    _require_acts(actor, operation)
    if operation.status not in ACTIVE_OPERATION_STATUSES:
        raise OperationNotActive(operation, "cancel")
    operation.cancel_requested_by = actor.subject
    audit_service.record(actor, "operation.cancel", "operation", operation.id, after={"status": operation.status})
    step = _current(steps)
    if step is not None and step.status == StepStatus.RUNNING:
        try:
            run = run_service.cancel_run(actor, step.run_id)
        except InvalidState:
            return  # it has just ended: recording it sees the cancel and queues nothing more
        if run.status != RunStatus.CANCELLED:
            return  # running: the worker stops it and reports
        step.status, step.error, step.finished_at = StepStatus.CANCELLED, run.error, db.utcnow()
    _end(actor, operation, steps, OperationStatus.CANCELLED, f"cancelled by {actor.subject}")


def retry(actor: Principal, operation_id: uuid.UUID) -> Operation:
    """Start a failed or cancelled operation again from the step that did not succeed."""
    _reopen(actor, operation_id)
    advance(actor, operation_id)
    return get_operation(actor, operation_id)


@db.unit_of_work
def _reopen(actor: Principal, operation_id: uuid.UUID) -> None:
    operation, steps = _locked_for(actor, operation_id, "resources:write")
    _require_acts_on_steps(actor, operation, steps)
    if operation.status not in RETRYABLE_OPERATION_STATUSES:
        raise OperationNotActive(operation, "retry")
    for step in steps:
        if step.status != StepStatus.SUCCEEDED:
            step.status, step.error, step.holds_resource = StepStatus.WAITING, None, True
    operation_crud.try_flush(db.session())
    waits = operation.requires_approval and operation.approved_by is None  # cancelled before it was approved
    operation.status = OperationStatus.APPROVAL_PENDING if waits else OperationStatus.RUNNING
    operation.error, operation.finished_at, operation.cancel_requested_by = None, None, None
    audit_service.record(actor, "operation.retry", "operation", operation.id, after=snapshot(operation, steps))


def approve(actor: Principal, operation_id: uuid.UUID) -> Operation:
    _decide(actor, operation_id, None)
    advance(actor, operation_id)
    return get_operation(actor, operation_id)


@db.unit_of_work
def reject(actor: Principal, operation_id: uuid.UUID, reason: str) -> Operation:
    _decide(actor, operation_id, reason)
    return get_operation(actor, operation_id)


@db.unit_of_work
def _decide(actor: Principal, operation_id: uuid.UUID, reject_reason: str | None) -> None:
    """Approve (reason None) or reject an operation waiting for approval."""
    operation, steps = _locked_for(actor, operation_id, "resources:approve")
    if operation.status != OperationStatus.APPROVAL_PENDING:
        raise OperationNotActive(operation, "approve" if reject_reason is None else "reject")
    if reject_reason is None:
        operation.status, operation.approved_by = OperationStatus.RUNNING, actor.subject
        audit_service.record(actor, "operation.approve", "operation", operation.id)
    else:
        operation.reject_reason = reject_reason
        _end(actor, operation, steps, OperationStatus.REJECTED, f"rejected by {actor.subject}: {reject_reason}")
