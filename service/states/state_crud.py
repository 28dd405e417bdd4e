import uuid

from sqlalchemy import Select, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service.errors import Conflict
from service.states.state_model import StateLock, StateVersion


def get_current_body(session: Session, resource_id: uuid.UUID) -> bytes | None:
    """The body of the current version alone (one query; the body is deferred on the row)."""
    return session.scalar(
        select(StateVersion.body).where(StateVersion.resource_id == resource_id)
        .order_by(StateVersion.id.desc()).limit(1)
    )


def get_version(session: Session, resource_id: uuid.UUID, version_id: int) -> StateVersion | None:
    return session.scalar(
        select(StateVersion).where(StateVersion.resource_id == resource_id, StateVersion.id == version_id)
    )


def select_versions(resource_id: uuid.UUID) -> Select:
    return select(StateVersion).where(StateVersion.resource_id == resource_id)


def add_version(session: Session, version: StateVersion) -> StateVersion:
    session.add(version)
    session.flush()  # need version.id for the audit entry
    return version


def delete_versions(session: Session, resource_id: uuid.UUID) -> None:
    session.execute(delete(StateVersion).where(StateVersion.resource_id == resource_id))


def get_lock_for_update(session: Session, resource_id: uuid.UUID) -> StateLock | None:
    return session.scalar(select(StateLock).where(StateLock.resource_id == resource_id).with_for_update())


def add_lock(session: Session, lock: StateLock) -> StateLock:
    """Raises Conflict when another request took the lock first (the primary key decides the race)."""
    try:
        with session.begin_nested():  # a savepoint, so the losing request's transaction stays usable
            session.add(lock)
    except IntegrityError:
        raise Conflict("state already locked") from None
    return lock


def delete_lock(session: Session, lock: StateLock) -> None:
    session.delete(lock)


def delete_locks_held_by(session: Session, holder: str) -> int:
    return session.execute(delete(StateLock).where(StateLock.holder == holder)).rowcount
