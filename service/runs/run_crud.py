import uuid

from sqlalchemy import Select, and_, func, or_, select, update
from sqlalchemy.orm import Session

from service import db
from service.errors import Conflict
from service.resources.resource_model import Resource
from service.runs import run_states
from service.runs.run_model import Run, RunLogLine
from service.runs.run_states import RunAction, RunStatus


def get_run(session: Session, run_id: uuid.UUID) -> Run | None:
    return session.get(Run, run_id)


def add_run(session: Session, run: Run) -> Run:
    return db.add_unique(session, run, Conflict("the resource already has a queued or running run"))


def get_run_for_update(session: Session, run_id: uuid.UUID, skip_locked: bool = False) -> Run | None:
    return session.scalar(select(Run).where(Run.id == run_id).with_for_update(skip_locked=skip_locked))


def claim_run(session: Session, run_id: uuid.UUID, worker: str, engine: str, now) -> bool:
    """The state machine's claim (queued -> running) as one compare-and-set, so two deliveries of a message
    cannot both take the run. False when another delivery already claimed it (or it is gone)."""
    claim = run_states.rule(RunAction.CLAIM)
    result = session.execute(
        update(Run)
        .where(Run.id == run_id, Run.status.in_(claim.from_statuses))
        .values(status=claim.to_status, started_at=now, heartbeat_at=now, worker=worker, engine=engine)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def mark_published(session: Session, run_id: uuid.UUID, now) -> None:
    session.execute(update(Run).where(Run.id == run_id).values(published_at=now))


def beat(session: Session, run_id: uuid.UUID, now) -> Run | None:
    """Record a heartbeat; the run as it now is (None once it is no longer running)."""
    session.execute(update(Run).where(Run.id == run_id, Run.status == RunStatus.RUNNING).values(heartbeat_at=now))
    return session.scalar(select(Run).where(Run.id == run_id, Run.status == RunStatus.RUNNING))


def queued_runs_of_kind(session: Session, resource_id: uuid.UUID, kind: str) -> list[Run]:
    return list(session.scalars(
        select(Run).where(Run.resource_id == resource_id, Run.kind == kind, Run.status == RunStatus.QUEUED)
        .with_for_update()
    ))


def resources_due_for_drift_check(session: Session, checked_before, limit: int) -> list[uuid.UUID]:
    """Up to `limit` healthy provisioned resources whose last drift check was queued before `checked_before`, the
    longest unchecked first: one index range, however many resources there are."""
    return list(session.scalars(
        select(Resource.id).where(Resource.state == "provisioned", Resource.status == "done",
                                  Resource.drift_checked_at < checked_before)
        .order_by(Resource.drift_checked_at).limit(limit)
    ))


def stale_running_run_ids(session: Session, heartbeat_before, limit: int) -> list[uuid.UUID]:
    """Up to `limit` running runs whose worker has not beaten since `heartbeat_before`, oldest first."""
    return list(session.scalars(
        select(Run.id).where(Run.status == RunStatus.RUNNING,
                             func.coalesce(Run.heartbeat_at, Run.started_at) < heartbeat_before)
        .order_by(Run.created_at).limit(limit)
    ))


def unpublished_runs(session: Session, created_before, published_before, limit: int) -> list[tuple[uuid.UUID, str]]:
    """(id, kind) of up to `limit` queued runs whose message never reached the broker, or reached it long ago
    untaken, oldest first."""
    return list(session.execute(
        select(Run.id, Run.kind).where(
            Run.status == RunStatus.QUEUED,
            or_(and_(Run.published_at.is_(None), Run.created_at < created_before), Run.published_at < published_before),
        ).order_by(Run.created_at).limit(limit)
    ))


def select_runs(resource_id: uuid.UUID | None = None, status: str | None = None, kind: str | None = None,
                resource_ids: Select | None = None) -> Select:
    query = select(Run)
    if resource_ids is not None:
        query = query.where(Run.resource_id.in_(resource_ids))
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
