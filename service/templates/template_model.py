"""Templates and their immutable versions (a module snapshot plus its parsed interface)."""

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint, false, text
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from service.db import Base, JsonType, UtcDateTime, new_id, utcnow


class Lifecycle(StrEnum):
    PREVIEW = "preview"
    ACTIVE = "active"
    DEPRECATED = "deprecated"
    ARCHIVED = "archived"


class Template(Base):
    __tablename__ = "templates"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    requires_approval: Mapped[bool] = mapped_column(default=False)
    # No new resources from a deprecated template (existing ones keep working); lists still show it.
    deprecated: Mapped[bool] = mapped_column(default=False, server_default=false())
    # A group whose members may approve changes of the template's resources, beside the platform team.
    approver_group: Mapped[str | None] = mapped_column(String(300))
    # The `spec.type` of its resources in the Backstage catalog (e.g. "database"); None: "infrastructure".
    catalog_type: Mapped[str | None] = mapped_column(String(63))
    # {pattern, message}: resource names must match (RE2), or the message says why not.
    naming_convention: Mapped[dict | None] = mapped_column(JsonType)
    created_by: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)

    versions: Mapped[list["TemplateVersion"]] = relationship(
        back_populates="template", order_by="TemplateVersion.created_at.desc()", viewonly=True
    )


class TemplateVersion(Base):
    __tablename__ = "template_versions"
    __table_args__ = (
        UniqueConstraint("template_id", "version", name="uq_template_versions_template_id_version"),
        Index("ix_template_versions_template_created", "template_id", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    template_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("templates.id", ondelete="RESTRICT"))
    version: Mapped[str] = mapped_column(String(100))
    source_url: Mapped[str] = mapped_column(Text)
    source_ref: Mapped[str | None] = mapped_column(String(300))
    source_path: Mapped[str | None] = mapped_column(Text)
    # The commit the ref resolved to when the version was registered (None for a plain directory).
    source_commit: Mapped[str | None] = mapped_column(String(64))
    variables: Mapped[list] = mapped_column(JsonType)
    outputs: Mapped[list] = mapped_column(JsonType)
    # A tar.gz of the fetched source. Runs use it, so a version never changes after registration and
    # runs need neither the network nor the repository to still exist.
    archive: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    # preview (only platform may build on it), active, deprecated (no new resources), archived (no runs but
    # destroy). New resources default to the newest active version.
    lifecycle: Mapped[str] = mapped_column(String(20), default="active", server_default="active")
    # The platform team's rules per variable ({name: {pattern, min, max, frozen, unique, default, ...}}), over what
    # the module's own validations say. Policy, not module: they may change after registration.
    variable_rules: Mapped[dict] = mapped_column(JsonType, default=dict, server_default=text("'{}'"))
    created_by: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    template: Mapped[Template] = relationship(back_populates="versions")

    @property
    def deprecated(self) -> bool:
        """What clients before lifecycles knew: no new resources on it."""
        return self.lifecycle in (Lifecycle.DEPRECATED, Lifecycle.ARCHIVED)

    @property
    def source(self) -> dict:
        return {"url": self.source_url, "ref": self.source_ref, "path": self.source_path,
                "commit": self.source_commit}


class TemplateDependency(Base):
    """A template builds on another: resources of `template_id` may (or, when `required`, must) name a resource of
    `parent_template_id` as a parent, and `wiring` sets some of their variables from that parent's outputs."""

    __tablename__ = "template_dependencies"
    __table_args__ = (
        UniqueConstraint("template_id", "parent_template_id", name="uq_template_dependencies_template_id"),
        Index("ix_template_dependencies_parent", "parent_template_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    template_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("templates.id", ondelete="CASCADE"))
    parent_template_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("templates.id", ondelete="CASCADE"))
    wiring: Mapped[list] = mapped_column(JsonType)  # [{"output": <parent output>, "variable": <own variable>}]
    required: Mapped[bool] = mapped_column(default=True)
    created_by: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
