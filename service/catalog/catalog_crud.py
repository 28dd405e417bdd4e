import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from service import db
from service.catalog.catalog_entities import CatalogResource
from service.resources.resource_model import Resource, ResourceParent
from service.resources.resource_states import State
from service.templates.template_model import Template, TemplateVersion

_COLUMNS = (Resource.id, Resource.name, Resource.state, Resource.status, Resource.owner, Resource.entity_ref,
            Template.name, TemplateVersion.version, Template.catalog_type)
_parent = aliased(Resource, name="parent")


def _in_catalog(owners: tuple[str, ...] | None):
    """Live resources (not destroyed) the caller sees: `owners`, or all for None."""
    query = (select(*_COLUMNS).join(Template, Template.id == Resource.template_id)
             .join(TemplateVersion, TemplateVersion.id == Resource.template_version_id)
             .where(Resource.state != State.DESTROYED))
    return query if owners is None else query.where(Resource.owner.in_(owners))


def page_after(session: Session, after_id: uuid.UUID | None, limit: int,
               owners: tuple[str, ...] | None) -> list[CatalogResource]:
    """Up to `limit` resources in the catalog, by id, after `after_id`."""
    query = _in_catalog(owners).order_by(Resource.id).limit(limit)
    if after_id is not None:
        query = query.where(Resource.id > after_id)
    return _with_parents(session, session.execute(query).all())


def of_ids(session: Session, resource_ids: list[uuid.UUID], owners: tuple[str, ...] | None) -> list[CatalogResource]:
    """Those of `resource_ids` that are in the catalog for the caller."""
    if not resource_ids:
        return []
    query = _in_catalog(owners).where(db.OneOf(Resource.id, "ids")).order_by(Resource.id)
    return _with_parents(session, session.execute(query, {"ids": resource_ids}).all())


def _with_parents(session: Session, rows) -> list[CatalogResource]:
    parents: dict[uuid.UUID, list[tuple[uuid.UUID, str]]] = {}
    if rows:
        links = session.execute(
            select(ResourceParent.resource_id, _parent.id, _parent.name)
            .join(_parent, _parent.id == ResourceParent.parent_id)
            .where(db.OneOf(ResourceParent.resource_id, "ids")).order_by(_parent.id),
            {"ids": [row[0] for row in rows]},
        ).all()
        for child_id, parent_id, name in links:
            parents.setdefault(child_id, []).append((parent_id, name))
    return [CatalogResource(*row, parents=tuple(parents.get(row[0], ()))) for row in rows]
