"""A resource's parents: checked when it is created, waited for while it is `pending`, and read when its runs
start (wired variables come from the parents' current outputs). Steps of resource_service's units of work."""

from service import access, db
from service.audit import audit_service
from service.auth.principal import Principal
from service.errors import ValidationFailed
from service.resources import resource_crud
from service.resources.resource_model import Resource, ResourceParent
from service.resources.resource_states import Action, State, Status


def _ready(parent: Resource) -> bool:
    return (parent.state, parent.status) == (State.PROVISIONED, Status.DONE)


@db.joins_unit_of_work
def check(actor: Principal, dependencies: list, parent_ids: list, variables: dict) -> list[tuple[Resource, list]]:
    """(parent, its wiring) for each parent named, row-locked so none is destroyed meanwhile. ValidationFailed per
    field: a parent whose template this one does not build on, two of one template, one destroyed or marked for
    destruction, a required parent missing, a wired variable given a value. A hidden parent is ResourceNotFound,
    as an unknown one."""
    session = db.session()
    parents = [access.require_visible(actor, resource_crud.get_resource_for_update(session, parent_id), parent_id)
               for parent_id in dict.fromkeys(parent_ids)]
    by_template = {d.parent_template_id: d for d in dependencies}
    problems: list[str] = []
    chosen: dict = {}
    for parent in parents:
        if parent.template_id not in by_template:
            problems.append(f"{parent.name}: this template does not build on {parent.template.name!r}")
        elif parent.template_id in chosen:
            problems.append(f"{parent.name}: {chosen[parent.template_id].name} is already the parent of that template")
        else:
            chosen[parent.template_id] = parent
        if parent.state in (State.DESTROY, State.DESTROYED):
            problems.append(f"{parent.name}: destroyed or marked for destruction")
    problems += [f"a parent of template {d.parent_template_id} is required" for d in dependencies
                 if d.required and d.parent_template_id not in chosen]
    wired = {w["variable"]: f"set from parent {chosen[t].name} output {w['output']}"
             for t, d in by_template.items() if t in chosen for w in d.wiring}
    errors = {}
    if problems:
        errors["parent_ids"] = problems
    if given := {name: [why] for name, why in wired.items() if name in variables}:
        errors["variables"] = given
    if errors:
        raise ValidationFailed("invalid parents", errors=errors)
    return [(parent, by_template[parent.template_id].wiring) for parent in chosen.values()]


def wired_sources(resource: Resource) -> dict[str, str]:
    """{variable: "set from parent <name> output <output>"} for the wired variables of an existing resource."""
    return {w["variable"]: f"set from parent {parent.name} output {w['output']}"
            for link, parent in resource_crud.parent_links(db.session(), resource.id) for w in link.wiring}


@db.joins_unit_of_work
def attach(resource: Resource, parents: list[tuple[Resource, list]]) -> None:
    session = db.session()
    for parent, wiring in parents:
        resource_crud.add_parent(session, ResourceParent(resource_id=resource.id, parent_id=parent.id, wiring=wiring))


def waiting_for(parents: list[Resource]) -> str | None:
    """Why a resource with these parents waits, or None when every parent is provisioned."""
    waiting = [f"{p.name} ({p.state}, {p.status})" for p in parents if not _ready(p)]
    return f"waiting for parent {', '.join(waiting)} to be provisioned" if waiting else None


@db.joins_unit_of_work
def release_children(actor: Principal, parent: Resource) -> list[Resource]:
    """After `parent` is provisioned: each pending child whose parents are now all provisioned becomes ready
    (audited, in the caller's transaction); the others say what they still wait for. Returns the released."""
    session = db.session()
    released = []
    for child in resource_crud.children_of(session, parent.id, pending_only=True):
        reason = waiting_for([p for _, p in resource_crud.parent_links(session, child.id)])
        if reason is None:
            child.transition(Action.PARENTS_READY)
            child.updated_at = db.utcnow()
            audit_service.record(actor, "resource.parents_ready", "resource", child.id,
                                 after={"status": child.status, "parent": str(parent.id)})
            released.append(child)
        child.pending_reason = reason
    return released


def _wired_value(outputs: dict, secret_outputs: dict, name: str):
    output = (outputs or {}).get(name)
    if output is None:
        return None
    return (secret_outputs or {}).get(name) if output.get("sensitive") else output.get("value")


@db.joins_unit_of_work
def flag_changed_outputs(parent: Resource, old_outputs: dict, old_secret_outputs: dict) -> None:
    """After a re-apply of `parent`: its provisioned children with a wired output whose value changed are marked
    `parent_outputs_changed` (until they are applied again)."""
    now = db.utcnow()
    for link, child in resource_crud.child_links(db.session(), parent.id):
        if child.state != State.PROVISIONED or child.parent_outputs_changed_at is not None:
            continue
        if any(_wired_value(old_outputs, old_secret_outputs, w["output"])
               != _wired_value(parent.outputs, parent.secret_outputs, w["output"]) for w in link.wiring):
            child.parent_outputs_changed_at = now


@db.joins_unit_of_work
def wired_values(resource: Resource) -> tuple[dict, dict]:
    """(plain, sensitive) values of a resource's wired variables, from its parents' current outputs. A wired
    output the parent does not have (yet) is left out: the engine then says which variable is missing."""
    plain, sensitive = {}, {}
    for link, parent in resource_crud.parent_links(db.session(), resource.id):
        for wire in link.wiring:
            output = (parent.outputs or {}).get(wire["output"])
            if output is None:
                continue
            into = sensitive if output.get("sensitive") else plain
            into[wire["variable"]] = _wired_value(parent.outputs, parent.secret_outputs, wire["output"])
    return plain, {name: value for name, value in sensitive.items() if value is not None}
