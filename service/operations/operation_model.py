"""Operations: work on several resources tracked as one (a cascade destroy), made of ordered steps.

Each step destroys one resource with a run, or deletes the record of one never provisioned. Steps go one at a
time in `position` order; the first that does not succeed stops the operation, which can then be retried.
"""

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.db import Base, UtcDateTime, new_id, utcnow


class OperationKind(StrEnum):
    CASCADE_DESTROY = "cascade_destroy"


class OperationStatus(StrEnum):
    APPROVAL_PENDING = "approval_pending"  # a template in it requires approval: nothing starts before
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"  # a step failed; the steps after it never started
    CANCELLED = "cancelled"
    REJECTED = "rejected"


ACTIVE_OPERATION_STATUSES = (OperationStatus.APPROVAL_PENDING, OperationStatus.RUNNING)
RETRYABLE_OPERATION_STATUSES = (OperationStatus.FAILED, OperationStatus.CANCELLED)


class StepAction(StrEnum):
    DESTROY = "destroy"  # a destroy run
    DELETE = "delete"  # never provisioned: nothing to destroy, its record is deleted


class StepStatus(StrEnum):
    WAITING = "waiting"
    RUNNING = "running"  # its run is queued or running
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


DONE_STEP_STATUSES = (StepStatus.SUCCEEDED,)


class Operation(Base):
    __tablename__ = "operations"
    __table_args__ = (Index("ix_operations_resource_created", "resource_id", "created_at"),
                      Index("ix_operations_owner_created", "owner", "created_at"))

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(30))
    # The resource it was asked for (the root of the subtree); null once its record is deleted (by the operation
    # itself when it was never provisioned). Whoever sees its owner sees the operation.
    resource_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("resources.id", ondelete="SET NULL"))
    resource_name: Mapped[str] = mapped_column(String(200))
    owner: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(20))
    requires_approval: Mapped[bool] = mapped_column(default=False)
    approved_by: Mapped[str | None] = mapped_column(String(300))
    reject_reason: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    cancel_requested_by: Mapped[str | None] = mapped_column(String(300))
    error: Mapped[str | None] = mapped_column(Text)

    steps: Mapped[list["OperationStep"]] = relationship(order_by="OperationStep.position", lazy="selectin",
                                                        viewonly=True)


_HOLDS_SQL = text("holds_resource")


class OperationStep(Base):
    __tablename__ = "operation_steps"
    __table_args__ = (
        Index("ix_operation_steps_operation", "operation_id", "position", unique=True),
        Index("ix_operation_steps_run", "run_id"),
        # A resource is in at most one operation that may still act on it, so two cascades cannot race on it.
        Index("uq_operation_steps_held_resource", "resource_id", unique=True, postgresql_where=_HOLDS_SQL,
              sqlite_where=_HOLDS_SQL),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    operation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("operations.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column()
    # Null once the resource's record is deleted (a delete step, or later by hand): the name stays.
    resource_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("resources.id", ondelete="SET NULL"))
    resource_name: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default=StepStatus.WAITING)
    # True while the operation is active and the step not done: it holds its resource (the index above).
    holds_resource: Mapped[bool] = mapped_column(default=True, server_default=false())
    # The newest run of this step (a retry queues another); no foreign key, like resources.last_run_id.
    run_id: Mapped[uuid.UUID | None] = mapped_column()
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
