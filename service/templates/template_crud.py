import uuid

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from service import db
from service.errors import Conflict
from service.templates.template_model import Lifecycle, Template, TemplateDependency, TemplateVersion


def get_template(session: Session, template_id: uuid.UUID) -> Template | None:
    return session.get(Template, template_id)


def get_template_for_update(session: Session, template_id: uuid.UUID) -> Template | None:
    return session.scalar(select(Template).where(Template.id == template_id).with_for_update())


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
    """The newest active version: what new resources get by default."""
    return session.scalar(
        select(TemplateVersion)
        .where(TemplateVersion.template_id == template_id, TemplateVersion.lifecycle == Lifecycle.ACTIVE)
        .order_by(TemplateVersion.created_at.desc(), TemplateVersion.id.desc())
        .limit(1)
    )


def _newest_active(only_some: bool) -> Select:
    ranked = select(TemplateVersion.template_id, TemplateVersion.id, TemplateVersion.version,
                    TemplateVersion.created_at,
                    func.row_number().over(partition_by=TemplateVersion.template_id,
                                           order_by=(TemplateVersion.created_at.desc(), TemplateVersion.id.desc()))
                    .label("rank")).where(TemplateVersion.lifecycle == Lifecycle.ACTIVE)
    if only_some:
        ranked = ranked.where(db.OneOf(TemplateVersion.template_id, "template_ids"))
    ranked = ranked.subquery()
    return select(ranked.c.template_id, ranked.c.id, ranked.c.version, ranked.c.created_at).where(ranked.c.rank == 1)


# Built once: every resource page and read asks, and building the statement cost more than running it.
NEWEST_ACTIVE = {True: _newest_active(True), False: _newest_active(False)}


def newest_active_versions(session: Session, template_ids: list[uuid.UUID] | None = None) -> dict:
    """{template id: its newest active version (id, version, created_at)} in one query (of the templates named,
    or all)."""
    if template_ids is not None and not template_ids:
        return {}
    statement = NEWEST_ACTIVE[template_ids is not None]
    rows = session.execute(statement, {"template_ids": template_ids} if template_ids is not None else {})
    return {row.template_id: row for row in rows}


def all_versions(session: Session, template_id: uuid.UUID | None = None):
    """(id, template_id, template_name, version, lifecycle) of every version (of one template, or all), newest
    first per template."""
    query = (select(TemplateVersion.id, TemplateVersion.template_id, Template.name.label("template_name"),
                    TemplateVersion.version, TemplateVersion.lifecycle)
             .join(Template, Template.id == TemplateVersion.template_id)
             .order_by(Template.name, TemplateVersion.created_at.desc(), TemplateVersion.id.desc()))
    if template_id is not None:
        query = query.where(TemplateVersion.template_id == template_id)
    return session.execute(query).all()


def select_versions(template_id: uuid.UUID, deprecated: bool | None = None, lifecycle: str | None = None) -> Select:
    query = select(TemplateVersion).where(TemplateVersion.template_id == template_id)
    if deprecated is not None:
        retired = TemplateVersion.lifecycle.in_([Lifecycle.DEPRECATED, Lifecycle.ARCHIVED])
        query = query.where(retired if deprecated else ~retired)
    if lifecycle:
        query = query.where(TemplateVersion.lifecycle == lifecycle)
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
