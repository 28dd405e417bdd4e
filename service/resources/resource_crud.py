import uuid

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from service.resources.resource_model import Resource


def get_resource(session: Session, resource_id: uuid.UUID) -> Resource | None:
    return session.get(Resource, resource_id)


def get_resource_for_update(session: Session, resource_id: uuid.UUID) -> Resource | None:
    # Row lock: concurrent actions on one resource are serialised (a no-op on SQLite, which locks the file).
    return session.scalar(select(Resource).where(Resource.id == resource_id).with_for_update())


def find_by_name(session: Session, entity_ref: str | None, name: str) -> Resource | None:
    query = select(Resource).where(Resource.name == name)
    query = query.where(Resource.entity_ref.is_(None) if entity_ref is None else Resource.entity_ref == entity_ref)
    return session.scalar(query)


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


def add_resource(session: Session, resource: Resource) -> Resource:
    session.add(resource)
    session.flush()  # need resource.id for the audit entry
    return resource


def delete_resource(session: Session, resource: Resource) -> None:
    session.delete(resource)
