import uuid

from sqlalchemy import Select, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service.errors import Conflict
from service.runs.run_model import Run, RunLogLine, RunStatus


def get_run(session: Session, run_id: uuid.UUID) -> Run | None:
    return session.get(Run, run_id)


def add_run(session: Session, run: Run) -> Run:
    session.add(run)
    try:
        session.flush()  # the one-active-run index speaks now, as a 409, not at commit
    except IntegrityError:
        raise Conflict("the resource already has a queued or running run") from None
    return run


def claim_run(session: Session, run_id: uuid.UUID, worker: str, engine: str, now) -> bool:
    """Compare-and-set queued -> running. False when another delivery already claimed it (or it is gone)."""
    result = session.execute(
        update(Run)
        .where(Run.id == run_id, Run.status == RunStatus.QUEUED)
        .values(status=RunStatus.RUNNING, started_at=now, worker=worker, engine=engine)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def select_runs(resource_id: uuid.UUID | None = None, status: str | None = None, kind: str | None = None) -> Select:
    query = select(Run)
    if resource_id:
        query = query.where(Run.resource_id == resource_id)
    if status:
        query = query.where(Run.status == status)
    if kind:
        query = query.where(Run.kind == kind)
    return query


def add_log_lines(session: Session, run_id: uuid.UUID, start_seq: int, lines: list[str]) -> None:
    session.add_all(RunLogLine(run_id=run_id, seq=start_seq + i, line=line) for i, line in enumerate(lines))


def select_log_lines(run_id: uuid.UUID, offset: int, limit: int) -> Select:
    return (
        select(RunLogLine)
        .where(RunLogLine.run_id == run_id, RunLogLine.seq >= offset)
        .order_by(RunLogLine.seq)
        .limit(limit)
    )
