"""Change requests: a proposed edit of a resource (values, template version, owner), reviewed, planned and then
applied by a run. The resource keeps its values, and keeps serving, until the change's apply run succeeds."""

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, deferred, mapped_column

from service.crypto import SealedJson
from service.db import Base, JsonType, UtcDateTime, new_id, utcnow


class ChangeStatus(StrEnum):
    OPEN = "open"
    APPROVED = "approved"
    REJECTED = "rejected"  # never runs
    APPLIED = "applied"
    FAILED = "failed"  # its apply run failed: the resource kept its values
    SUPERSEDED = "superseded"  # a newer edit of the resource took its place


# A change that may still be applied; a resource has at most one.
PENDING_CHANGE_STATUSES = (ChangeStatus.OPEN, ChangeStatus.APPROVED)
_PENDING_SQL = text("status IN ('open', 'approved')")


class ResourceChange(Base):
    __tablename__ = "resource_changes"
    __table_args__ = (
        Index("ix_resource_changes_resource_created", "resource_id", "created_at"),
        Index("uq_resource_changes_one_pending", "resource_id", unique=True, postgresql_where=_PENDING_SQL,
              sqlite_where=_PENDING_SQL),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    resource_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("resources.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(20))
    requires_approval: Mapped[bool] = mapped_column(default=False)
    requested_by: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
    # Every value the resource would have (not only those changed); sensitive ones sealed apart, as on resources.
    template_version_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("template_versions.id", ondelete="RESTRICT"))
    variables: Mapped[dict] = mapped_column(JsonType, default=dict)
    secret_names: Mapped[list] = mapped_column(JsonType, default=list)
    secret_variables: Mapped[dict] = deferred(mapped_column(SealedJson, default=dict, nullable=False))
    owner: Mapped[str] = mapped_column(String(300))
    # What changes, for people: [{name, old, new}], sensitive values masked.
    diff: Mapped[list] = mapped_column(JsonType, default=list)
    decided_by: Mapped[str | None] = mapped_column(String(300))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    reason: Mapped[str | None] = mapped_column(Text)
    # Runs of the change (no foreign keys, like resources.last_run_id): its newest plan and its apply.
    plan_run_id: Mapped[uuid.UUID | None] = mapped_column()
    plan_summary: Mapped[dict | None] = mapped_column(JsonType)
    apply_run_id: Mapped[uuid.UUID | None] = mapped_column()
    error: Mapped[str | None] = mapped_column(Text)
