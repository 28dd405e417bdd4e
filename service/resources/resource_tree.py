"""The resources above or below one: its parents' parents, or everything built on it, depth first.

One recursive query walks the links (bounded in depth and size); the nesting is put in order here. Resources the
caller may not see are left out, with everything reached only through them.
"""

import uuid

from sqlalchemy import literal, select

from service import access, db
from service.auth.principal import Principal
from service.resources import resource_crud
from service.resources.resource_model import Resource, ResourceParent

MAX_DEPTH = 20
MAX_NODES = 1000


def _walk(session, resource_id: uuid.UUID, direction: str):
    """(via, depth, resource) of every resource below (`children`) or above (`parents`) one, at most MAX_NODES + 1."""
    near, far = ((ResourceParent.parent_id, ResourceParent.resource_id) if direction == "children"
                 else (ResourceParent.resource_id, ResourceParent.parent_id))
    walk = select(far.label("id"), near.label("via"), literal(1).label("depth")).where(near == resource_id) \
        .cte("walk", recursive=True)
    walk = walk.union_all(select(far, near, walk.c.depth + 1).join(walk, near == walk.c.id)
                          .where(walk.c.depth < MAX_DEPTH))
    return session.execute(select(walk.c.via, walk.c.depth, Resource).join(Resource, Resource.id == walk.c.id)
                           .limit(MAX_NODES + 1)).all()


@db.unit_of_work
def tree(actor: Principal, resource_id: uuid.UUID, direction: str = "children") -> dict:
    """{resource_id, direction, truncated, nodes: [{id, name, state, status, pending_reason, template_name, depth,
    via}]}: depth first, by name among siblings; `via` is the node a node hangs under."""
    session = db.session()
    access.require_visible(actor, resource_crud.get_resource(session, resource_id), resource_id)
    rows = _walk(session, resource_id, direction)
    under: dict[uuid.UUID, list] = {}
    for via, _depth, resource in rows[:MAX_NODES]:
        if actor.may_see(resource.owner):
            under.setdefault(via, []).append(resource)
    nodes: list[dict] = []

    def visit(node_id: uuid.UUID, depth: int) -> None:
        for resource in sorted(under.get(node_id, []), key=lambda r: r.name):
            nodes.append({"id": resource.id, "name": resource.name, "state": resource.state,
                          "status": resource.status, "pending_reason": resource.pending_reason,
                          "template_name": resource.template.name, "depth": depth, "via": node_id})
            visit(resource.id, depth + 1)

    visit(resource_id, 1)
    return {"resource_id": resource_id, "direction": direction, "truncated": len(rows) > MAX_NODES, "nodes": nodes}


@db.joins_unit_of_work
def descendants(resource_id: uuid.UUID) -> tuple[list[Resource], list[tuple[uuid.UUID, uuid.UUID]], bool]:
    """(every resource built on `resource_id`, however deep, whoever owns it; the (child, parent) links among
    them and it; truncated). Not filtered by visibility: for the caller to check."""
    rows = _walk(db.session(), resource_id, "children")
    resources = {resource.id: resource for _via, _depth, resource in rows[:MAX_NODES]}
    links = list(dict.fromkeys((resource.id, via) for via, _depth, resource in rows[:MAX_NODES]))
    return list(resources.values()), links, len(rows) > MAX_NODES
