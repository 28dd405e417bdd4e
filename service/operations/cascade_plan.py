"""What a cascade destroy of a resource would do, in which order: every resource built on it, however deep,
leaves first, then the resource itself. Read only; the operation service turns a plan into steps.

Each resource is destroyed by a run, or, when it was never provisioned (nothing to destroy), its record is
deleted: either way nothing is left that builds on the resources after it. The whole plan is refused before
anything starts when the caller may not act on one of them (403) or one of them cannot be destroyed now (409).
"""

import uuid
from dataclasses import dataclass, field

from service import db
from service.auth.principal import Principal
from service.errors import Conflict, PermissionDenied
from service.operations.operation_model import StepAction
from service.resources import resource_service, resource_tree
from service.resources.resource_model import Resource
from service.resources.resource_states import Action, State, Status, find_rule

# Never provisioned: no infrastructure to destroy.
NEVER_PROVISIONED = (Status.READY, Status.PENDING, Status.APPROVAL_PENDING, Status.REJECTED)


@dataclass
class PlannedStep:
    position: int
    resource: Resource
    action: StepAction

    @property
    def reason(self) -> str | None:
        return "never provisioned: nothing to destroy, its record is deleted" \
            if self.action == StepAction.DELETE else None

    # What the API shows of its resource.
    resource_id = property(lambda self: self.resource.id)
    resource_name = property(lambda self: self.resource.name)
    template_name = property(lambda self: self.resource.template.name)
    state = property(lambda self: self.resource.state)
    status = property(lambda self: self.resource.status)


@dataclass
class CascadePlan:
    root: Resource
    steps: list[PlannedStep] = field(default_factory=list)

    @property
    def resource_id(self) -> uuid.UUID:
        return self.root.id

    @property
    def requires_approval(self) -> bool:
        return any(s.resource.template.requires_approval for s in self.steps if s.action == StepAction.DESTROY)


def _action(resource: Resource) -> StepAction | None:
    """How a resource is taken down now, or None when it cannot be (busy with a run, or marked already)."""
    if resource.state == State.PROVISION and resource.status in NEVER_PROVISIONED:
        return StepAction.DELETE
    if find_rule(Action.DESTROY, State(resource.state), Status(resource.status)) is not None:
        return StepAction.DESTROY
    return None


def _leaves_first(resources: list[Resource], links: list[tuple[uuid.UUID, uuid.UUID]]) -> list[Resource]:
    """Each resource after everything built on it (a topological order of the links), by name among equals."""
    below = {r.id: set() for r in resources}  # a resource's children still to place
    for child, parent in links:
        if parent in below and child in below:
            below[parent].add(child)
    order: list[Resource] = []
    left = sorted(resources, key=lambda r: r.name)
    while left:
        ready = [r for r in left if not below[r.id]] or left  # (links never loop: parents exist first)
        for resource in ready:
            order.append(resource)
            for children in below.values():
                children.discard(resource.id)
        left = [r for r in left if r not in ready]
    return order


@db.joins_unit_of_work
def plan(actor: Principal, resource_id: uuid.UUID) -> CascadePlan:
    """The plan, or: ResourceNotFound (hidden or unknown), PermissionDenied (the caller may not act on some
    resource in it: hidden ones are counted, never named), Conflict (one of them cannot be destroyed now, or the
    tree is too large to take down at once)."""
    actor.require("resources:write")
    root = resource_service.get_resource(actor, resource_id)
    if not actor.acts_for(root.owner):
        raise PermissionDenied(f"resource {root.id} belongs to {root.owner}")
    below, links, truncated = resource_tree.descendants(root.id)
    if truncated:
        raise Conflict(f"more than {resource_tree.MAX_NODES} resources build on {root.name}: destroy some of its "
                       "subtrees first")
    resources = [r for r in below if r.id != root.id and r.state != State.DESTROYED]
    not_ours = [r for r in resources if not actor.acts_for(r.owner)]
    if not_ours:
        named = sorted(r.name for r in not_ours if actor.may_see(r.owner))
        raise PermissionDenied(f"{len(not_ours)} resource(s) built on {root.name} are not yours to destroy"
                               + (f": {', '.join(named)}" if named else ""))
    ordered = _leaves_first(resources, links) + ([root] if root.state != State.DESTROYED else [])
    if not ordered:
        raise Conflict(f"{root.name} and everything built on it are destroyed already")
    busy = [f"{r.name} ({r.state}, {r.status})" for r in ordered if _action(r) is None]
    if busy:
        raise Conflict(f"cannot destroy now: {', '.join(busy)}; wait for their runs to end")
    steps = [PlannedStep(i, r, _action(r)) for i, r in enumerate(ordered, 1)]
    if all(step.action == StepAction.DELETE for step in steps):
        raise Conflict(f"nothing to destroy: {root.name} and what is built on it were never provisioned; delete "
                       "their records instead")
    return CascadePlan(root=root, steps=steps)
