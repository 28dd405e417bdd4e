"""Edits of a resource's values: checked the way creation checks them, shown as a masked diff, and adopted only
when the caller (the change service) says so: at once for a resource never applied, else after its apply run.
Steps of the caller's unit of work."""

import uuid
from dataclasses import dataclass, field

from service import access, db
from service.audit import audit_service
from service.auth.principal import Principal
from service.errors import InvalidState, PermissionDenied, ValidationFailed
from service.resources import resource_crud, resource_parents, resource_service, variable_values
from service.resources.resource_model import Resource
from service.resources.resource_states import State, Status
from service.templates import template_service

# Never applied, no run: a PATCH edits it in place.
EDITABLE_IN_PLACE = (Status.READY, Status.PENDING, Status.APPROVAL_PENDING, Status.REJECTED)


@dataclass
class Proposal:
    """The values a resource would have after an edit: all of them, not only those changed."""

    template_version_id: uuid.UUID
    variables: dict
    secret_variables: dict
    owner: str
    # [{name, old, new}] with sensitive values masked; `template_version` and `owner` appear as names too.
    diff: list = field(default_factory=list)

    @property
    def secret_names(self) -> list[str]:
        return sorted(self.secret_variables)


@db.joins_unit_of_work
def lock_for_edit(actor: Principal, resource_id: uuid.UUID) -> Resource:
    """The resource, row-locked, if the caller may change it and it is not marked for destruction."""
    actor.require("resources:write")
    resource = access.require_visible(actor, resource_crud.get_resource_for_update(db.session(), resource_id),
                                      resource_id)
    access.require_acts_for(actor, resource)
    if resource.state in (State.DESTROY, State.DESTROYED):
        raise InvalidState(f"cannot change {resource.name}: it is {resource.state}", state=resource.state,
                           resource_status=resource.status)
    return resource


def edits_in_place(resource: Resource) -> bool:
    return resource.state == State.PROVISION and resource.status in EDITABLE_IN_PLACE


@db.joins_unit_of_work
def propose(actor: Principal, resource: Resource, variables: dict, template_version_id: uuid.UUID | None,
            owner: str | None) -> Proposal:
    """The resource's values with `variables` laid over them (null removes a value: the module's default
    applies), on `template_version_id` (an upgrade: values the new version does not declare are dropped) and
    for `owner`. ValidationFailed per field, as on creation; PermissionDenied for an owner the caller does not
    act for."""
    if owner is not None and not actor.acts_for(owner):
        raise PermissionDenied(f"{actor.subject} cannot give a resource to {owner}: only to itself or its groups")
    if owner is not None and owner != resource.owner and not resource_crud.name_free_for(db.session(), resource, owner):
        raise resource_crud.name_taken(resource, owner)
    version = resource.template_version
    if template_version_id is not None and template_version_id != version.id:
        version = template_service.usable_version(actor, resource.template_id, template_version_id)
    wired = resource_parents.wired_sources(resource)
    if given := {name: [wired[name]] for name in variables if name in wired}:
        raise ValidationFailed("wired variables are set from the parents", errors={"variables": given})
    declared = {v["name"] for v in version.variables}
    current = {**resource.variables, **resource.secret_variables}
    frozen = {name for name, rule in resource.template_version.variable_rules.items() if rule.get("frozen")}
    if changed := {name: ["frozen: set when the resource was created"] for name in frozen & set(variables)
                   if variables[name] != current.get(name)}:
        raise ValidationFailed("frozen variables cannot be changed", errors={"variables": changed})
    merged = {k: v for k, v in {**current, **variables}.items() if v is not None and k in declared | set(variables)}
    plain, secret = variable_values.validate(version.variables, merged, wired=set(wired), rules=version.variable_rules)
    resource_service.check_unique_values(resource.template_id, version.variable_rules, plain, resource.id)
    proposal = Proposal(template_version_id=version.id, variables=plain, secret_variables=secret,
                        owner=owner or resource.owner)
    proposal.diff = _diff(resource, version, proposal)
    return proposal


def _diff(resource: Resource, version, proposal: Proposal) -> list[dict]:
    secret = set(resource.secret_names) | set(proposal.secret_variables)
    old = {**resource.variables, **resource.secret_variables}
    new = {**proposal.variables, **proposal.secret_variables}
    changes = []
    if version.id != resource.template_version_id:
        changes.append({"name": "template_version", "old": resource.template_version.version, "new": version.version})
    if proposal.owner != resource.owner:
        changes.append({"name": "owner", "old": resource.owner, "new": proposal.owner})
    for name in sorted(set(old) | set(new)):
        if old.get(name) != new.get(name) or (name in old) != (name in new):
            shown = (lambda v: None if v is None else variable_values.MASK) if name in secret else (lambda v: v)
            changes.append({"name": f"variables.{name}", "old": shown(old.get(name)), "new": shown(new.get(name)),
                            **({"dropped": True} if name not in {v["name"] for v in version.variables} else {})})
    return changes


@db.joins_unit_of_work
def adopt(actor: Principal, resource_id: uuid.UUID, proposal: Proposal) -> Resource:
    """Make the proposal the resource's values (audited with before and after, secrets masked). Conflict, before
    anything changes, when the new owner has a resource of the same name by now."""
    session = db.session()
    resource = resource_crud.get_resource_for_update(session, resource_id)
    if proposal.owner != resource.owner and not resource_crud.name_free_for(session, resource, proposal.owner):
        raise resource_crud.name_taken(resource, proposal.owner)
    before = resource_service.snapshot(resource)
    resource.template_version_id = proposal.template_version_id
    resource.variables, resource.secret_names = proposal.variables, proposal.secret_names
    resource.secret_variables = proposal.secret_variables
    resource.owner = proposal.owner
    resource.updated_at = db.utcnow()
    db.flush_unique(session, resource_crud.name_taken(resource, proposal.owner))  # a name taken a moment ago
    session.expire(resource, ["template_version"])
    audit_service.record(actor, "resource.edit", "resource", resource.id, before=before,
                         after=resource_service.snapshot(resource))
    return resource
