"""Who may see and act on which resource, and so on its runs, logs, state, audit trail and events.

Below every domain service: it reads `Resource.owner` and `Run.resource_id` straight from the models, so the
services that need an answer (resources, runs, states, audit, events) ask here instead of asking each other.
A resource the caller may not see answers as if it did not exist; one it sees but may not act on is a 403.
"""

import uuid

from sqlalchemy import Select, select

from service import db
from service.auth.principal import Principal
from service.errors import NotFound, PermissionDenied
from service.resources.resource_model import Resource
from service.runs.run_model import Run


class ResourceNotFound(NotFound):
    def __init__(self, resource_id):
        super().__init__(f"resource {resource_id} not found")


class RunNotFound(NotFound):
    def __init__(self, run_id):
        super().__init__(f"run {run_id} not found")


def owner_of(resource_id: uuid.UUID) -> str | None:
    """The owner of a resource, or None when there is no such resource."""
    return db.session().scalar(select(Resource.owner).where(Resource.id == resource_id))


def owners_of(resource_ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    """{resource id: owner} of those of `resource_ids` that exist, in one query."""
    if not resource_ids:
        return {}
    return dict(db.session().execute(select(Resource.id, Resource.owner).where(Resource.id.in_(resource_ids))).all())


def owner_of_run(run_id: uuid.UUID) -> str | None:
    """The owner of a run's resource, or None when there is no such run."""
    return db.session().scalar(select(Resource.owner).join(Run, Run.resource_id == Resource.id)
                               .where(Run.id == run_id))


def resource_hidden_from(actor: Principal, resource_id: uuid.UUID) -> bool:
    """Is there such a resource, which `actor` may not see?"""
    owner = owner_of(resource_id)
    return owner is not None and not actor.may_see(owner)


def run_hidden_from(actor: Principal, run_id: uuid.UUID) -> bool:
    """Is there such a run, of a resource `actor` may not see?"""
    owner = owner_of_run(run_id)
    return owner is not None and not actor.may_see(owner)


def _require_sees(actor: Principal, owner: str | None, resource_id: uuid.UUID) -> None:
    if owner is None or not actor.may_see(owner):
        raise ResourceNotFound(resource_id)


def _require_acts(actor: Principal, owner: str, resource_id: uuid.UUID) -> None:
    if not actor.acts_for(owner):
        raise PermissionDenied(f"resource {resource_id} belongs to {owner}")


def require_visible(actor: Principal, resource: Resource | None, resource_id: uuid.UUID) -> Resource:
    """`resource`, if it exists and `actor` may see it; ResourceNotFound otherwise (the same answer for both)."""
    _require_sees(actor, resource.owner if resource is not None else None, resource_id)
    return resource


def require_acts_for(actor: Principal, resource: Resource) -> None:
    """PermissionDenied unless `actor` acts for the resource's owner (itself, one of its groups, or any)."""
    _require_acts(actor, resource.owner, resource.id)


def require_acts_on(actor: Principal, resource_id: uuid.UUID, permission: str = "resources:write") -> None:
    """The caller has `permission` and acts for the resource's owner: else PermissionDenied, or ResourceNotFound
    when the resource does not exist or is hidden from it."""
    actor.require(permission)
    owner = owner_of(resource_id)
    _require_sees(actor, owner, resource_id)
    _require_acts(actor, owner, resource_id)


def require_acts_on_run(actor: Principal, run_id: uuid.UUID, resource_id: uuid.UUID,
                        permission: str = "resources:write") -> None:
    """require_acts_on for an action on a run: a hidden resource's run answers RunNotFound, naming nothing else."""
    actor.require(permission)
    owner = owner_of(resource_id)
    if owner is None or not actor.may_see(owner):
        raise RunNotFound(run_id)
    _require_acts(actor, owner, resource_id)


def visible_owners(actor: Principal) -> tuple[str, ...] | None:
    """The owners whose resources `actor` sees, or None for all of them."""
    return None if actor.can("resources:see-all") else (actor.subject, *actor.ownership)


def visible_resource_ids(actor: Principal) -> Select | None:
    """A query of the ids of the resources `actor` sees, or None for all of them (to filter other lists)."""
    owners = visible_owners(actor)
    return None if owners is None else select(Resource.id).where(Resource.owner.in_(owners))
