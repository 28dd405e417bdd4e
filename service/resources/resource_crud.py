import uuid

from sqlalchemy import Row, Select, bindparam, func, literal, null, select, union_all
from sqlalchemy.orm import Session, aliased, undefer

from service import db
from service.db import JsonType
from service.errors import Conflict
from service.integrations.integration_model import Integration, resource_integrations
from service.resources.resource_model import Resource, ResourceParent
from service.runs.run_model import Run
from service.templates.template_model import Lifecycle, Template, TemplateVersion


def get_resource(session: Session, resource_id: uuid.UUID, options=()) -> Resource | None:
    return session.get(Resource, resource_id, options=options)


def get_resource_for_update(session: Session, resource_id: uuid.UUID) -> Resource | None:
    # Row lock: concurrent actions on one resource are serialised (a no-op on SQLite, which locks the file).
    return session.scalar(select(Resource).where(Resource.id == resource_id).with_for_update())


# What the API shows of a resource, as plain rows: the list and the single read skip the ORM's objects, which
# cost most of a request (resource_schema.shown turns a row into the ResourceSchema shape). Its template's
# newest active version comes along, so `upgrade_available` needs no query of its own.
_candidate = aliased(TemplateVersion, name="candidate")
_newest = aliased(TemplateVersion, name="newest")
_NEWEST_ID = (select(_candidate.id)
              .where(_candidate.template_id == Resource.template_id, _candidate.lifecycle == Lifecycle.ACTIVE)
              .order_by(_candidate.created_at.desc(), _candidate.id.desc()).limit(1)
              .correlate_except(_candidate).scalar_subquery())
SHOWN_COLUMNS = (
    Resource.id, Resource.name, Resource.state, Resource.status, Resource.variables, Resource.secret_names,
    Resource.outputs, Resource.template_id, Resource.template_version_id, Resource.entity_ref, Resource.owner,
    Resource.pending_reason, Resource.auto_provision, Resource.approval, Resource.parent_outputs_changed_at,
    Resource.created_by, Resource.created_at, Resource.updated_at,
    Template.name.label("template_name"), TemplateVersion.version.label("template_version"),
    TemplateVersion.created_at.label("version_created_at"),
    Run.id.label("run_id"), Run.kind.label("run_kind"), Run.status.label("run_status"),
    Run.created_at.label("run_created_at"), Run.finished_at.label("run_finished_at"),
    _newest.id.label("newest_id"), _newest.version.label("newest_version"),
    _newest.created_at.label("newest_created_at"),
)


def shown(query: Select) -> Select:
    """`query` (of resources: its filters and order) selecting SHOWN_COLUMNS."""
    return (query.with_only_columns(*SHOWN_COLUMNS)
            .join(Template, Template.id == Resource.template_id)
            .join(TemplateVersion, TemplateVersion.id == Resource.template_version_id)
            .outerjoin(Run, Run.id == Resource.last_run_id)
            .outerjoin(_newest, _newest.id == _NEWEST_ID))


# Built once, like template_crud.NEWEST_ACTIVE: building these cost more than running them.
_SHOWN_ONE = shown(select(Resource).where(Resource.id == bindparam("resource_id")))
_LINKS = union_all(
    select(ResourceParent.resource_id, literal("parents").label("kind"), ResourceParent.parent_id.label("other"),
           null().label("name"))
    .where(db.OneOf(ResourceParent.resource_id, "resource_ids")),
    select(resource_integrations.c.resource_id, literal("integrations"), Integration.id, Integration.name)
    .join(Integration, Integration.id == resource_integrations.c.integration_id)
    .where(db.OneOf(resource_integrations.c.resource_id, "resource_ids")),
)


def shown_resource(session: Session, resource_id: uuid.UUID) -> Row | None:
    return session.execute(_SHOWN_ONE, {"resource_id": resource_id}).first()


def links_of(session: Session, resource_ids: list[uuid.UUID]) -> dict[uuid.UUID, dict[str, list[uuid.UUID]]]:
    """{resource id: {"parents": [ids, by id], "integrations": [ids, by name]}} of the resources named, in one
    query (ids absent when a resource has neither)."""
    if not resource_ids:
        return {}
    links: dict[uuid.UUID, dict[str, list]] = {}
    rows = session.execute(_LINKS, {"resource_ids": resource_ids}).all()
    for resource_id, kind, other, _name in sorted(rows, key=lambda row: (row[1], row[3] or "", row[2])):
        links.setdefault(resource_id, {"parents": [], "integrations": []})[kind].append(other)
    return links


def select_resources(entity_ref=None, state=None, status=None, template_id=None, name=None, owner=None,
                     owners: tuple[str, ...] | None = None) -> Select:
    query = select(Resource)
    if owners is not None:
        query = query.where(Resource.owner.in_(owners))
    if owner:
        query = query.where(Resource.owner == owner)
    if entity_ref:
        query = query.where(Resource.entity_ref == entity_ref)
    if state:
        query = query.where(Resource.state == state)
    if status:
        query = query.where(Resource.status == status)
    if template_id:
        query = query.where(Resource.template_id == template_id)
    if name:
        query = query.where(Resource.name.startswith(name, autoescape=True))
    return query


def holds_value(session: Session, template_id: uuid.UUID, name: str, value, exclude_id: uuid.UUID | None) -> bool:
    """Does a live resource (not destroyed) of the template other than `exclude_id` have `value` for variable
    `name`? (a scalar: string, number or bool)."""
    element = Resource.variables[name]
    if isinstance(value, bool):
        matches = element.as_boolean() == value
    elif isinstance(value, (int, float)):
        matches = element.as_float() == float(value)
    else:
        matches = element.as_string() == value
    query = select(Resource.id).where(Resource.template_id == template_id, Resource.state != "destroyed", matches)
    if exclude_id is not None:
        query = query.where(Resource.id != exclude_id)
    return session.scalar(query.limit(1)) is not None


def count_by_version(session: Session, template_id: uuid.UUID | None, owners: tuple[str, ...] | None) -> dict:
    """{template version id: how many resources that are not destroyed are on it}."""
    query = select(Resource.template_version_id, func.count()).where(Resource.state != "destroyed") \
        .group_by(Resource.template_version_id)
    if template_id is not None:
        query = query.where(Resource.template_id == template_id)
    if owners is not None:
        query = query.where(Resource.owner.in_(owners))
    return dict(session.execute(query).all())


def add_resource(session: Session, resource: Resource) -> Resource:
    """Names are unique per owner within a catalog entity: a conflict only ever names the caller's own."""
    return db.add_unique(session, resource, name_taken(resource, resource.owner))


def name_taken(resource: Resource, owner: str) -> Conflict:
    """The 409 for `owner` already having a resource named like `resource` in its entity."""
    scope = f"entity {resource.entity_ref}" if resource.entity_ref else "resources without an entity"
    return Conflict(f"{owner} already has a resource named {resource.name!r} for {scope}")


def name_free_for(session: Session, resource: Resource, owner: str) -> bool:
    """Could `resource` pass to `owner`: no other resource of that owner has its name in its entity?"""
    query = select(Resource.id).where(Resource.owner == owner, Resource.name == resource.name,
                                      func.coalesce(Resource.entity_ref, "") == (resource.entity_ref or ""),
                                      Resource.id != resource.id)
    return session.scalar(query.limit(1)) is None


def delete_resource(session: Session, resource: Resource) -> None:
    session.delete(resource)


def with_secrets(session: Session):
    """Every resource with sensitive values (their values loaded), a batch at a time."""
    query = (select(Resource).where(Resource.secret_names != literal([], JsonType))
             .options(undefer(Resource.secret_variables)).execution_options(yield_per=500))
    return session.scalars(query)


def add_parent(session: Session, link: ResourceParent) -> None:
    session.add(link)


def parent_links(session: Session, resource_id: uuid.UUID) -> list[tuple[ResourceParent, Resource]]:
    """(link, parent) for each parent of a resource, by parent name."""
    query = (select(ResourceParent, Resource).join(Resource, Resource.id == ResourceParent.parent_id)
             .where(ResourceParent.resource_id == resource_id).order_by(Resource.name))
    return [(link, parent) for link, parent in session.execute(query)]


def children_of(session: Session, resource_id: uuid.UUID, pending_only: bool = False) -> list[Resource]:
    """The resources built on `resource_id` (row-locked when `pending_only`, to move them), by name."""
    query = (select(Resource).join(ResourceParent, ResourceParent.resource_id == Resource.id)
             .where(ResourceParent.parent_id == resource_id).order_by(Resource.name))
    if pending_only:
        query = query.where(Resource.status == "pending").with_for_update(of=Resource)
    return list(session.scalars(query))


def child_links(session: Session, resource_id: uuid.UUID) -> list[tuple[ResourceParent, Resource]]:
    """(link, child) for each resource built on `resource_id`, the children row-locked (to flag them)."""
    query = (select(ResourceParent, Resource).join(Resource, Resource.id == ResourceParent.resource_id)
             .where(ResourceParent.parent_id == resource_id).order_by(Resource.id).with_for_update(of=Resource))
    return [(link, child) for link, child in session.execute(query)]
