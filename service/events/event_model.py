"""Events: one row per change that live clients hear about, with a monotonic id to resume from.

Written in the same transaction as the change it describes (see event_recorder), so an event exists exactly
when its change committed. No foreign keys: a resource's events outlive it (`resource.deleted` above all).
"""

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from service.db import Base, BigId, JsonType, UtcDateTime, utcnow


class EventType(StrEnum):
    RESOURCE_CREATED = "resource.created"
    RESOURCE_UPDATED = "resource.updated"
    RESOURCE_DELETED = "resource.deleted"
    RUN_QUEUED = "run.queued"
    RUN_STARTED = "run.started"
    RUN_FINISHED = "run.finished"
    RUN_LOG = "run.log"  # data: {offset, lines}; only sent to subscribers of the run
    CHANGE_CREATED = "change.created"  # data: the change request
    CHANGE_UPDATED = "change.updated"  # its status, plan or apply moved


class Event(Base):
    __tablename__ = "events"
    __table_args__ = (
        # Resume and subscribe: "events of X after id N", for each kind of subscription.
        Index("ix_events_resource_id_id", "resource_id", "id"),
        Index("ix_events_entity_ref_id", "entity_ref", "id"),
        Index("ix_events_run_id_id", "run_id", "id"),
        Index("ix_events_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    type: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    resource_id: Mapped[uuid.UUID] = mapped_column()
    run_id: Mapped[uuid.UUID | None] = mapped_column()
    entity_ref: Mapped[str | None] = mapped_column(String(300))
    # The resource's owner when the event happened: who may see it is decided from this.
    owner: Mapped[str] = mapped_column(String(300))
    # What a client gets: the resource or run as the REST API shows it (secrets masked), or log lines.
    data: Mapped[dict] = mapped_column(JsonType)

    def as_message(self) -> dict:
        return {
            "type": self.type, "id": self.id, "at": self.created_at.isoformat(), "resource_id": str(self.resource_id),
            "run_id": str(self.run_id) if self.run_id else None, "entity_ref": self.entity_ref, "data": self.data,
        }
