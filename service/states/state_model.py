"""Engine state served by the platform: every write kept as a version, and at most one lock per resource."""

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, deferred, mapped_column

from service.db import Base, BigId, JsonType, UtcDateTime, utcnow


class StateVersion(Base):
    __tablename__ = "state_versions"
    __table_args__ = (Index("ix_state_versions_resource_id", "resource_id", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    resource_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("resources.id", ondelete="CASCADE"))
    # From the state's own `serial`; None when the body is OpenTofu-encrypted (never parsed further).
    serial: Mapped[int | None] = mapped_column(Integer)
    size: Mapped[int] = mapped_column(Integer)
    md5: Mapped[str] = mapped_column(String(32))
    body: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    created_by: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class StateLock(Base):
    __tablename__ = "state_locks"

    resource_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("resources.id", ondelete="CASCADE"), primary_key=True)
    lock_id: Mapped[str] = mapped_column(String(200))
    # The lock JSON the engine sent ({ID, Operation, Info, Who, Version, Created, Path}), returned on conflict.
    info: Mapped[dict] = mapped_column(JsonType)
    holder: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
