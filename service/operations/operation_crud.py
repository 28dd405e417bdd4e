import uuid

from sqlalchemy import Select, select, update
from sqlalchemy.orm import Session

from service import db
from service.errors import Conflict
from service.operations.operation_model import ACTIVE_OPERATION_STATUSES, Operation, OperationStep, StepStatus
from service.runs.run_model import Run
from service.runs.run_states import FINISHED_RUN_STATUSES


def add_operation(session: Session, operation: Operation, steps: list[OperationStep]) -> Operation:
    session.add(operation)
    session.flush()
    for step in steps:
        session.add(step)
    try_flush(session)
    session.expire(operation, ["steps"])
    return operation


def try_flush(session: Session) -> None:
    """Flush; a step that would hold a resource another step holds is a Conflict (409)."""
    db.flush_unique(session, Conflict("a resource of this operation is part of another operation that is not "
                                      "finished"))


def get_operation(session: Session, operation_id: uuid.UUID) -> Operation | None:
    return session.get(Operation, operation_id)


def get_operation_for_update(session: Session, operation_id: uuid.UUID) -> Operation | None:
    # Row lock: the worker finishing a step, a retry and a cancel never move one operation at once.
    return session.scalar(select(Operation).where(Operation.id == operation_id).with_for_update()
                          .execution_options(populate_existing=True))


def steps_for_update(session: Session, operation_id: uuid.UUID) -> list[OperationStep]:
    return list(session.scalars(select(OperationStep).where(OperationStep.operation_id == operation_id)
                                .order_by(OperationStep.position).with_for_update()
                                .execution_options(populate_existing=True)))


def close_steps(session: Session, operation_id: uuid.UUID) -> None:
    """The operation ended: its steps no longer hold their resources."""
    session.execute(update(OperationStep).where(OperationStep.operation_id == operation_id)
                    .values(holds_resource=False).execution_options(synchronize_session="fetch"))


def operation_of_run(session: Session, run_id: uuid.UUID) -> uuid.UUID | None:
    return session.scalar(select(OperationStep.operation_id).where(OperationStep.run_id == run_id))


def stalled_operation_ids(session: Session, limit: int = 100) -> list[uuid.UUID]:
    """Running operations whose running step's run has ended without the operation moving on (a worker that
    died between the two commits, a queued run cancelled on its own): at most `limit`."""
    query = (select(OperationStep.operation_id)
             .join(Operation, Operation.id == OperationStep.operation_id)
             .join(Run, Run.id == OperationStep.run_id)
             .where(OperationStep.holds_resource.is_(True), OperationStep.status == StepStatus.RUNNING,
                    Operation.status.in_(ACTIVE_OPERATION_STATUSES), Run.status.in_(FINISHED_RUN_STATUSES))
             .limit(limit))
    return list(session.scalars(query))


def select_operations(resource_id=None, status=None, kind=None, owners: tuple[str, ...] | None = None) -> Select:
    query = select(Operation)
    if owners is not None:
        query = query.where(Operation.owner.in_(owners))
    if resource_id:
        query = query.where(Operation.resource_id == resource_id)
    if status:
        query = query.where(Operation.status == status)
    if kind:
        query = query.where(Operation.kind == kind)
    return query
