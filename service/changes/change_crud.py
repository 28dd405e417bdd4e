import uuid

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from service import db
from service.changes.change_model import PENDING_CHANGE_STATUSES, ResourceChange
from service.errors import Conflict


def add_change(session: Session, change: ResourceChange) -> ResourceChange:
    return db.add_unique(session, change, Conflict("another change of this resource was just asked for; "
                                                   "read its changes and try again"))


def get_change(session: Session, change_id: uuid.UUID) -> ResourceChange | None:
    return session.get(ResourceChange, change_id)


def get_change_for_update(session: Session, change_id: uuid.UUID) -> ResourceChange | None:
    return session.scalar(select(ResourceChange).where(ResourceChange.id == change_id).with_for_update()
                          .execution_options(populate_existing=True))


def pending_change_for_update(session: Session, resource_id: uuid.UUID) -> ResourceChange | None:
    return session.scalar(select(ResourceChange).where(ResourceChange.resource_id == resource_id,
                                                       ResourceChange.status.in_(PENDING_CHANGE_STATUSES))
                          .with_for_update())


def select_changes(resource_id: uuid.UUID, status: str | None = None) -> Select:
    query = select(ResourceChange).where(ResourceChange.resource_id == resource_id)
    if status:
        query = query.where(ResourceChange.status == status)
    return query
