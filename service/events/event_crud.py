import uuid
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from service.events.event_model import Event, EventType


def list_after(session: Session, after: int, limit: int, filters: dict | None = None) -> list[Event]:
    """Events after id `after`, oldest first. Without `filters`, every event; with them (at most one of
    resource_id, entity_ref, run_id; none: all), what a subscription to that topic receives."""
    query = select(Event).where(Event.id > after).order_by(Event.id).limit(limit)
    if filters is None:
        return list(session.scalars(query))
    for name, value in filters.items():
        if name == "resource_id":
            query = query.where(Event.resource_id == uuid.UUID(str(value)))
        elif name == "run_id":
            query = query.where(Event.run_id == uuid.UUID(str(value)))
        else:
            query = query.where(Event.entity_ref == value)
    if "run_id" not in filters:
        query = query.where(Event.type != EventType.RUN_LOG)  # log lines only for those who follow the run
    return list(session.scalars(query))


def last_id(session: Session) -> int:
    return session.scalar(select(func.max(Event.id))) or 0


def first_id(session: Session) -> int | None:
    return session.scalar(select(func.min(Event.id)))


def delete_before(session: Session, cutoff: datetime) -> int:
    # The newest event always stays, so a client resuming from before the cutoff can tell it missed some.
    newest = last_id(session)
    return session.execute(delete(Event).where(Event.created_at < cutoff, Event.id < newest)).rowcount
