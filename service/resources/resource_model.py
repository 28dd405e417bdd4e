"""Resources: an instance of a template version with variable values, and its place in the state machine."""

import uuid
from datetime import UTC, datetime

from sqlalchemy import ForeignKey, Index, String, false, literal_column, text
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from service.crypto import SealedJson
from service.db import Base, JsonType, UtcDateTime, new_id, utcnow
from service.integrations.integration_model import Integration, resource_integrations
from service.resources import resource_states
from service.resources.resource_states import Action, State, Status

# Imported, not only named: a mapper can be configured only once every model its relationships name is loaded.
from service.runs.run_model import Run
from service.templates.template_model import Template, TemplateVersion

NEVER_CHECKED = datetime(1970, 1, 1, tzinfo=UTC)


class ResourceParent(Base):
    """A resource builds on another (a database on its network), with the wiring its template declared when it
    was created: later changes to the template's dependencies do not rewire existing resources. A parent with
    children cannot be deleted (RESTRICT); a child's rows go with it."""

    __tablename__ = "resource_parents"
    __table_args__ = (Index("ix_resource_parents_parent", "parent_id"),)

    resource_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("resources.id", ondelete="CASCADE"), primary_key=True)
    parent_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("resources.id", ondelete="RESTRICT"), primary_key=True)
    wiring: Mapped[list] = mapped_column(JsonType, default=list)  # [{"output": ..., "variable": ...}]


class Resource(Base):
    __tablename__ = "resources"
    __table_args__ = (
        # Names are unique per owner within a catalog entity (resources without one share the empty scope): per
        # owner, so that a name taken by a team you cannot see is not refused (which would tell you it exists).
        Index("uq_resources_entity_owner_name", literal_column("coalesce(entity_ref, '')"), "owner", "name",
              unique=True),
        # The list endpoints filter by these and sort by created_at/name; keep them index-only friendly.
        Index("ix_resources_entity_created", "entity_ref", "created_at"),
        Index("ix_resources_state_status_created", "state", "status", "created_at"),
        Index("ix_resources_template_created", "template_id", "created_at"),
        Index("ix_resources_created", "created_at"),
        Index("ix_resources_name", "name"),
        Index("ix_resources_status_name", "status", "name", "id"),  # e.g. the failed ones, by name
        # Golden-state counts per version from the index alone (state and owner in it); also the foreign key's.
        Index("ix_resources_version_state_owner", "template_version_id", "state", "owner"),
        # The drift scheduler's batch: the healthy provisioned resources checked longest ago, oldest first.
        Index("ix_resources_drift_due", "state", "status", "drift_checked_at"),
        Index("ix_resources_owner_created", "owner", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200))
    template_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("templates.id", ondelete="RESTRICT"))
    template_version_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("template_versions.id", ondelete="RESTRICT"))
    entity_ref: Mapped[str | None] = mapped_column(String(300))
    # Values of the module's non-sensitive variables; the sensitive ones live apart so that nothing that
    # serialises `variables` can leak them: their names in clear (to show them masked), their values sealed with
    # the key ring and loaded only when a run needs them.
    variables: Mapped[dict] = mapped_column(JsonType, default=dict)
    secret_names: Mapped[list] = mapped_column(JsonType, default=list)
    secret_variables: Mapped[dict] = deferred(mapped_column("sealed_secret_variables", SealedJson, default=dict,
                                                                 nullable=False))
    # {name: {"value": ..., "sensitive": false}}; sensitive outputs are listed without their value, which is
    # sealed apart (children may be wired to it) and loaded only by runs.
    outputs: Mapped[dict] = mapped_column(JsonType, default=dict)
    secret_outputs: Mapped[dict | None] = deferred(mapped_column(SealedJson, default=dict))  # None: none
    # Why a `pending` resource waits (which parents are not provisioned yet); None otherwise.
    pending_reason: Mapped[str | None] = mapped_column(String(500))
    # When a parent's re-apply changed an output wired into this (provisioned) resource; cleared by its next apply.
    parent_outputs_changed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # When its last drift check was queued (never: the epoch, so the oldest come first in one index range).
    drift_checked_at: Mapped[datetime] = mapped_column(UtcDateTime, default=NEVER_CHECKED,
                                                       server_default=text("'1970-01-01 00:00:00+00'"))
    # Queue the first provision by itself as soon as the last parent is provisioned.
    auto_provision: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The last approval asked for (creation or destroy): {action, requested_by, requested_at, restore: [state,
    # status] for a destroy}, and once decided {approved, decided_by, decided_at, reason}. None: never asked.
    approval: Mapped[dict | None] = mapped_column(JsonType)
    state: Mapped[str] = mapped_column(String(20), default=State.PROVISION)
    status: Mapped[str] = mapped_column(String(20), default=Status.READY)
    # A user, group or service-account ref; members act on resources they or their groups own.
    owner: Mapped[str] = mapped_column(String(300))
    created_by: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
    # The newest run, so lists show it without a query per resource. No foreign key: runs already point here
    # (and go with their resource), and two tables pointing at each other complicate every insert and delete.
    last_run_id: Mapped[uuid.UUID | None] = mapped_column()

    # Loaded in one query per list page ("selectin"), never one per resource.
    integrations: Mapped[list[Integration]] = relationship(secondary=resource_integrations, lazy="selectin",
                                                           viewonly=True, order_by=Integration.name)
    template: Mapped[Template] = relationship(lazy="selectin", viewonly=True)
    template_version: Mapped[TemplateVersion] = relationship(lazy="selectin", viewonly=True)
    parents: Mapped[list[ResourceParent]] = relationship(
        primaryjoin="ResourceParent.resource_id == Resource.id", lazy="selectin", viewonly=True,
        order_by="ResourceParent.parent_id")
    last_run: Mapped[Run | None] = relationship(primaryjoin="foreign(Resource.last_run_id) == Run.id",
                                                  lazy="selectin", viewonly=True)

    def transition(self, action: Action) -> None:
        """Move through the state machine; raises InvalidResourceTransition when not allowed."""
        self.state, self.status = resource_states.apply(action, self.state, self.status)

    def allowed_actions(self) -> list[Action]:
        return resource_states.allowed_actions(self.state, self.status)
