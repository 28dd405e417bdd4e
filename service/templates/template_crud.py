import uuid

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from service import db
from service.errors import Conflict
from service.templates.template_model import Template, TemplateDependency, TemplateVersion


def get_template(session: Session, template_id: uuid.UUID) -> Template | None:
    return session.get(Template, template_id)


def get_template_by_name(session: Session, name: str) -> Template | None:
    return session.scalar(select(Template).where(Template.name == name))


def select_templates(name: str | None = None, deprecated: bool | None = None) -> Select:
    query = select(Template)
    if name:
        query = query.where(Template.name.contains(name, autoescape=True))
    if deprecated is not None:
        query = query.where(Template.deprecated.is_(deprecated))
    return query


def add_template(session: Session, template: Template) -> Template:
    return db.add_unique(session, template, Conflict(f"a template named {template.name!r} already exists"))


def get_version(session: Session, version_id: uuid.UUID) -> TemplateVersion | None:
    return session.get(TemplateVersion, version_id)


def get_latest_version(session: Session, template_id: uuid.UUID) -> TemplateVersion | None:
    return session.scalar(
        select(TemplateVersion)
        .where(TemplateVersion.template_id == template_id, TemplateVersion.deprecated.is_(False))
        .order_by(TemplateVersion.created_at.desc(), TemplateVersion.id.desc())
        .limit(1)
    )


def select_versions(template_id: uuid.UUID, deprecated: bool | None = None) -> Select:
    query = select(TemplateVersion).where(TemplateVersion.template_id == template_id)
    if deprecated is not None:
        query = query.where(TemplateVersion.deprecated.is_(deprecated))
    return query


def add_version(session: Session, version: TemplateVersion) -> TemplateVersion:
    return db.add_unique(session, version, Conflict(
        f"template {version.template_id} already has a version {version.version!r}"))


def add_dependency(session: Session, dependency: TemplateDependency) -> TemplateDependency:
    return db.add_unique(session, dependency, Conflict(
        f"template {dependency.template_id} already builds on template {dependency.parent_template_id}"))


def get_dependency(session: Session, dependency_id: uuid.UUID) -> TemplateDependency | None:
    return session.get(TemplateDependency, dependency_id)


def delete_dependency(session: Session, dependency: TemplateDependency) -> None:
    session.delete(dependency)


def dependencies_of(session: Session, template_id: uuid.UUID) -> list[TemplateDependency]:
    """What `template_id` builds on (its parent templates), oldest declaration first."""
    return list(session.scalars(select(TemplateDependency).where(TemplateDependency.template_id == template_id)
                                .order_by(TemplateDependency.created_at)))


def dependents_of(session: Session, template_id: uuid.UUID) -> list[TemplateDependency]:
    """The templates that build on `template_id`."""
    return list(session.scalars(select(TemplateDependency)
                                .where(TemplateDependency.parent_template_id == template_id)
                                .order_by(TemplateDependency.created_at)))


def parent_template_ids(session: Session, template_ids: set[uuid.UUID]) -> set[uuid.UUID]:
    """The templates that any of `template_ids` builds on (one step up)."""
    return set(session.scalars(select(TemplateDependency.parent_template_id)
                               .where(TemplateDependency.template_id.in_(template_ids))))
