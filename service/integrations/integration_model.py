"""Integrations: cloud or tool credentials, encrypted at rest, granted to people, injected into runs."""

import uuid
from datetime import datetime

from sqlalchemy import Column, ForeignKey, LargeBinary, String, Table, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column

from service.db import Base, JsonType, UtcDateTime, new_id, utcnow

# Which resources use which integrations (their values become environment variables of the resource's runs).
resource_integrations = Table(
    "resource_integrations", Base.metadata,
    Column("resource_id", ForeignKey("resources.id", ondelete="CASCADE"), primary_key=True),
    Column("integration_id", ForeignKey("integrations.id", ondelete="RESTRICT"), primary_key=True),
)


class Integration(Base):
    __tablename__ = "integrations"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text, default="")
    # Names of the environment variables it provides: shown to people; the values never are.
    variable_names: Mapped[list] = mapped_column(JsonType)
    sealed_values: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    created_by: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)


class IntegrationGrant(Base):
    """Who besides admins and platform engineers may attach an integration to their resources."""

    __tablename__ = "integration_grants"

    integration_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("integrations.id", ondelete="CASCADE"),
                                                      primary_key=True)
    # A principal subject or an ownership ref: service-account:ci, user:default/alice, group:default/team-a.
    subject: Mapped[str] = mapped_column(String(300), primary_key=True)
    created_by: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
