"""Resources: creation with validated variables, the user actions of the state machine, run outcomes.

Runs sit above resources: the run service asks this one to move a resource when it queues a run
(`start_run`) and as the run moves (`mark_run_started`, `mark_run_finished`, `record_drift`,
`restore_after_cancel`). Nothing here knows about runs.
"""

import uuid
from datetime import datetime

from sqlalchemy.orm.attributes import flag_modified

from service import access, db
from service.audit import audit_service
from service.auth.principal import Principal
from service.errors import Conflict, InvalidState, PermissionDenied, ValidationFailed
from service.integrations import integration_service
from service.listing import Total, apply_sort, page_of_rows
from service.resources import resource_crud, resource_parents, resource_schema, variable_rules, variable_values
from service.resources.resource_model import Resource
from service.resources.resource_states import Action, InvalidResourceTransition, State, Status, find_rule
from service.templates import template_dependencies, template_service
from service.templates.template_model import Lifecycle

SORTS = {"name": Resource.name, "created_at": Resource.created_at, "updated_at": Resource.updated_at,
         "state": Resource.state, "status": Resource.status}
# Which permission each user action needs.
ACTION_PERMISSIONS = {
    Action.APPROVE: "resources:approve",
    Action.REJECT: "resources:approve",
    Action.PROVISION: "resources:write",
    Action.DESTROY: "resources:write",
    Action.DELETE: "resources:write",
    Action.RECREATE: "resources:write",
    Action.PLAN: "resources:write",
    Action.CANCEL: "resources:write",
    Action.DRIFT_CHECK: "admin",
    Action.DRIFT_DETECTED: "admin",
}


def snapshot(resource: Resource) -> dict:
    """What the audit log keeps of a resource: no secret values."""
    return {
        "name": resource.name,
        "state": resource.state,
        "status": resource.status,
        "entity_ref": resource.entity_ref,
        "owner": resource.owner,
        "template_version_id": str(resource.template_version_id),
        "variables": variable_values.masked(resource.variables, resource.secret_names),
        "integrations": [i.name for i in resource.integrations],
        "parent_ids": [str(link.parent_id) for link in resource.parents],
    }


@db.unit_of_work
def create_resource(actor: Principal, name: str, template_id: uuid.UUID, variables: dict,
                    template_version_id: uuid.UUID | None = None, entity_ref: str | None = None,
                    integration_ids: list[uuid.UUID] = (), owner: str | None = None,
                    parent_ids: list[uuid.UUID] = (), auto_provision: bool = False) -> Resource:
    """The new resource in state provision, owned by `owner` (default: the caller), built on `parent_ids`
    (`pending` until they are all provisioned; then queued by itself when `auto_provision`). Raises
    ValidationFailed (422), Conflict (name taken), PermissionDenied (an owner the caller does not act for),
    ResourceNotFound (a parent it cannot see)."""
    actor.require("resources:write")
    owner = owner or actor.subject
    if not actor.acts_for(owner):
        raise PermissionDenied(f"{actor.subject} cannot give a resource to {owner}: only to itself or its groups")
    version = template_service.resolve_version(actor, template_id, template_version_id)
    parents = resource_parents.check(actor, template_dependencies.list_dependencies(actor, template_id),
                                     list(parent_ids), variables)
    wired = {w["variable"] for _, wiring in parents for w in wiring}
    template = template_service.get_template(actor, template_id)
    if problems := variable_rules.name_problems(template.naming_convention, name):
        raise ValidationFailed(f"{name!r} does not follow the template's naming convention",
                               errors={"name": problems})
    plain, secret = variable_values.validate(version.variables, variables, wired=wired, rules=version.variable_rules)
    check_unique_values(template_id, version.variable_rules, plain)
    session = db.session()
    requires_approval = template.requires_approval
    waiting = resource_parents.waiting_for([parent for parent, _ in parents])
    resource = resource_crud.add_resource(
        session,
        Resource(
            name=name,
            template_id=template_id,
            template_version_id=version.id,
            entity_ref=entity_ref,
            variables=plain,
            secret_names=sorted(secret),
            secret_variables=secret,
            outputs={},
            state=State.PROVISION,
            status=Status.APPROVAL_PENDING if requires_approval else Status.PENDING if waiting else Status.READY,
            pending_reason=None if requires_approval else waiting,
            approval=_asked(actor, Action.PROVISION) if requires_approval else None,
            auto_provision=auto_provision,
            owner=owner,
            created_by=actor.subject,
        ),
    )
    integration_service.attach_to_resource(actor, resource.id, list(integration_ids))
    resource_parents.attach(resource, parents)
    session.expire(resource, ["integrations", "parents"])
    audit_service.record(actor, "resource.create", "resource", resource.id, after=snapshot(resource))
    return resource


@db.unit_of_work
def get_resource(actor: Principal, resource_id: uuid.UUID) -> Resource:
    actor.require("read")
    # What the caller may not see does not exist for it: the same answer as for an unknown id.
    return access.require_visible(actor, resource_crud.get_resource(db.session(), resource_id), resource_id)


@db.unit_of_work
def show_resource(actor: Principal, resource_id: uuid.UUID) -> dict:
    """What the API shows of one resource (resource_schema.shown, `upgrade_available` included), in two queries."""
    actor.require("read")
    session = db.session()
    row = access.require_visible(actor, resource_crud.shown_resource(session, resource_id), resource_id)
    return resource_schema.shown(row, resource_crud.links_of(session, [row.id]).get(row.id))


@db.unit_of_work
def list_resources(actor: Principal, filters: dict, sort: str, page: int, page_size: int) -> tuple[list[dict], Total]:
    """(what the API shows of each resource matching the filters, total), in four queries whatever the page holds."""
    actor.require("read")
    session = db.session()
    query = resource_crud.select_resources(**filters, owners=access.visible_owners(actor))
    query = apply_sort(query, sort, SORTS, Resource.id)
    rows, total = page_of_rows(session, query, page, page_size, resource_crud.shown)
    links = resource_crud.links_of(session, [row.id for row in rows])
    return [resource_schema.shown(row, links.get(row.id)) for row in rows], total


@db.unit_of_work
def golden_state(actor: Principal, template_id: uuid.UUID | None = None) -> list[dict]:
    """Per template (one, or all): how many live resources (not destroyed) the caller sees on each version, and
    the share on the newest active one (the golden version). One grouped query for the counts."""
    actor.require("read")
    template = template_service.get_template(actor, template_id) if template_id is not None else None
    counts = resource_crud.count_by_version(db.session(), template_id, access.visible_owners(actor))
    newest = template_service.newest_active_versions(None if template_id is None else [template_id])
    report: dict[uuid.UUID, dict] = {}
    for version in template_service.all_versions(template_id):
        golden = newest.get(version.template_id)
        entry = report.setdefault(version.template_id, {
            "template_id": version.template_id, "template_name": version.template_name,
            "golden_version_id": golden.id if golden else None, "golden_version": golden.version if golden else None,
            "total": 0, "on_golden": 0, "versions": []})
        resources = counts.get(version.id, 0)
        entry["versions"].append({"version_id": version.id, "version": version.version,
                                  "lifecycle": version.lifecycle, "resources": resources})
        entry["total"] += resources
        entry["on_golden"] += resources if golden and version.id == golden.id else 0
    if template is not None and not report:  # no versions yet
        report[template.id] = {"template_id": template.id, "template_name": template.name, "golden_version_id": None,
                               "golden_version": None, "total": 0, "on_golden": 0, "versions": []}
    for entry in report.values():
        entry["share_on_golden"] = round(entry["on_golden"] / entry["total"], 4) if entry["total"] else None
    return sorted(report.values(), key=lambda e: e["template_name"])


@db.unit_of_work
def allowed_actions(actor: Principal, resource_id: uuid.UUID) -> list[Action]:
    """The actions the state machine allows now that this caller may take (see `_decide` for approvals)."""
    resource = get_resource(actor, resource_id)
    acts = actor.acts_for(resource.owner)
    decides = template_service.may_approve(actor, resource.template)
    own = (resource.approval or {}).get("requested_by") == actor.subject

    def may(action: Action) -> bool:
        if action == Action.APPROVE:
            return decides and not own
        if action == Action.REJECT:
            return decides or (own and acts)
        return acts and actor.can(ACTION_PERMISSIONS[action])

    return [a for a in resource.allowed_actions() if may(a)]


def _locked(actor: Principal, resource_id: uuid.UUID, action: Action) -> Resource:
    """The resource, row-locked, if the caller may take `action` on it."""
    actor.require(ACTION_PERMISSIONS[action])
    resource = access.require_visible(actor, resource_crud.get_resource_for_update(db.session(), resource_id),
                                      resource_id)
    access.require_acts_for(actor, resource)
    return resource


def _act(actor: Principal, resource_id: uuid.UUID, action: Action, restore: tuple | None = None) -> Resource:
    """Lock, move through the state machine, audit: the three steps of every state change."""
    return _move(actor, _locked(actor, resource_id, action), action, restore)


def _move(actor: Principal, resource: Resource, action: Action, restore: tuple | None = None) -> Resource:
    """Move a locked resource through the state machine and audit the move. `restore` (state, status)
    overrides the table's target: a cancelled queued run puts the resource back."""
    before = snapshot(resource)
    try:
        resource.transition(action)
    except InvalidResourceTransition as refused:
        if resource.pending_reason:
            refused.extra["pending_reason"] = resource.pending_reason
        raise
    if restore is not None:
        resource.state, resource.status = restore
    resource.updated_at = db.utcnow()
    audit_service.record(actor, f"resource.{action}", "resource", resource.id, before=before, after=snapshot(resource))
    return resource


def _refuse_destroy_with_children(actor: Principal, resource: Resource) -> None:
    _refuse_with_children(actor, resource, lambda child: child.state != State.DESTROYED, "destroy")


def _asked(actor: Principal, action: Action, restore: tuple | None = None) -> dict:
    """A new `approval`: `action` waits for an approver (a destroy remembers where to go back on rejection)."""
    return {"action": str(action), "requested_by": actor.subject, "requested_at": db.utcnow().isoformat(),
            "approved": None, "decided_by": None, "decided_at": None, "reason": None,
            **({"restore": list(restore)} if restore else {})}


@db.unit_of_work
def approve(actor: Principal, resource_id: uuid.UUID, reason: str | None = None) -> Resource:
    """Approved: a creation is ready, or `pending` while a parent is not provisioned yet; a destroy is (destroy,
    ready), for its owner to destroy."""
    resource = _decide(actor, resource_id, Action.APPROVE, reason)
    if resource.state == State.PROVISION:
        _wait_for_parents(actor, resource)
    return resource


def _wait_for_parents(actor: Principal, resource: Resource) -> None:
    reason = resource_parents.waiting_for([p for _, p in resource_crud.parent_links(db.session(), resource.id)])
    if reason is not None:
        _move(actor, resource, Action.WAIT_FOR_PARENTS)
        resource.pending_reason = reason


@db.unit_of_work
def reject(actor: Principal, resource_id: uuid.UUID, reason: str) -> Resource:
    """Rejected: a creation is `rejected`; a destroy goes back to where the resource stood (nothing destroyed)."""
    return _decide(actor, resource_id, Action.REJECT, reason)


def _decide(actor: Principal, resource_id: uuid.UUID, action: Action, reason: str | None) -> Resource:
    """Approve or reject what waits for approval: the platform team or the template's approver group, never
    whoever asked (who may still withdraw it by rejecting). ResourceNotFound when the caller may neither see nor
    decide."""
    resource = resource_crud.get_resource_for_update(db.session(), resource_id)
    if resource is None:
        raise access.ResourceNotFound(resource_id)
    asked = resource.approval or {}
    if refusal := template_service.decision_refusal(actor, resource.template, asked.get("requested_by"),
                                                    action == Action.APPROVE, "a request",
                                                    may_withdraw=actor.acts_for(resource.owner)):
        access.require_visible(actor, resource, resource_id)  # hidden: as if absent
        raise PermissionDenied(refusal)
    restore = tuple(asked["restore"]) if action == Action.REJECT and asked.get("restore") else None
    _move(actor, resource, action, restore)
    resource.approval = {**asked, "approved": action == Action.APPROVE, "decided_by": actor.subject,
                         "decided_at": db.utcnow().isoformat(), "reason": reason}
    if reason is not None:
        audit_service.record(actor, f"resource.{action}.reason", "resource", resource.id, after={"reason": reason})
    return resource


@db.joins_unit_of_work
def await_destroy_approval(actor: Principal, resource_id: uuid.UUID) -> Resource | None:
    """A person asks to destroy: on a template that requires approval, infrastructure that exists waits for an
    approver first (destroy, approval_pending), and that resource is returned; None when the destroy run may be
    queued now (no approval needed, or approved already, or a failed destroy being retried). Raises what
    `start_run` raises for a destroy."""
    resource = _locked(actor, resource_id, Action.DESTROY)
    if not resource.template.requires_approval or resource.state == State.DESTROY:
        return None
    if find_rule(Action.DESTROY, resource.state, resource.status) is None:
        raise InvalidResourceTransition(Action.DESTROY, resource.state, resource.status)
    _refuse_destroy_with_children(actor, resource)
    before = resource.state, resource.status
    _move(actor, resource, Action.AWAIT_DESTROY_APPROVAL)
    resource.approval = _asked(actor, Action.DESTROY, restore=before)
    return resource


@db.unit_of_work
def recreate(actor: Principal, resource_id: uuid.UUID) -> Resource:
    resource = _act(actor, resource_id, Action.RECREATE)
    resource.outputs = {}
    return resource


@db.unit_of_work
def delete_resource(actor: Principal, resource_id: uuid.UUID) -> None:
    """Remove the record (runs, logs and state go with it; the audit log stays). Refused while other resources
    build on it."""
    resource = _act(actor, resource_id, Action.DELETE)
    _refuse_with_children(actor, resource, lambda child: True, "delete the record of")
    resource_crud.delete_resource(db.session(), resource)


# --- called by the run service as a run is queued and moves ------------------------------------------

@db.joins_unit_of_work
def start_run(actor: Principal, resource_id: uuid.UUID, action: Action, run_id: uuid.UUID,
              version_id: uuid.UUID | None = None) -> tuple[str, str]:
    """Lock the resource, check that the caller may take `action` on it, move it (provision, destroy, plan,
    drift check) and point it at its new run `run_id`, which the caller inserts next in the same transaction.
    The run uses the module of `version_id` (a change's; default the resource's own). Returns the (state,
    status) from before, so that cancelling the queued run can put them back. Raises ResourceNotFound,
    PermissionDenied, InvalidResourceTransition (409), InvalidState (an archived version: only destroy)."""
    resource = _locked(actor, resource_id, action)
    version = template_service.get_version(actor, version_id) if version_id else resource.template_version
    if version.lifecycle == Lifecycle.ARCHIVED and action != Action.DESTROY:
        raise InvalidState(f"version {version.version} of {resource.template.name} is archived: its resources may "
                           "only be destroyed (or moved to another version by a change)")
    if action == Action.DESTROY:
        _refuse_destroy_with_children(actor, resource)
    before = resource.state, resource.status
    _move(actor, resource, action)
    if action == Action.DRIFT_CHECK:
        resource.drift_checked_at = db.utcnow()
    resource.last_run_id = run_id
    db.session.expire(resource, ["last_run"])  # view-only, loaded with the old id: reloaded when next read
    return before


@db.unit_of_work
def record_drift(actor: Principal, resource_id: uuid.UUID, summary: dict) -> Resource:
    """Mark a resource `unknown` because a drift check found changes; the summary goes to the audit log."""
    resource = _act(actor, resource_id, Action.DRIFT_DETECTED)
    audit_service.record(actor, "resource.drift_summary", "resource", resource.id, after=summary)
    return resource


@db.unit_of_work
def restore_after_cancel(actor: Principal, resource_id: uuid.UUID, state: str, status: str) -> Resource:
    """Put a resource whose queued run was cancelled back where it was before the run was asked for."""
    return _act(actor, resource_id, Action.CANCEL, restore=(state, status))


@db.unit_of_work
def mark_run_started(resource_id: uuid.UUID) -> Resource:
    resource = resource_crud.get_resource_for_update(db.session(), resource_id)
    resource.transition(Action.RUN_STARTED)
    resource.updated_at = db.utcnow()
    return resource


@db.unit_of_work
def mark_run_finished(actor: Principal, resource_id: uuid.UUID, succeeded: bool, outputs: dict | None,
                      secret_outputs: dict | None = None, started_at: datetime | None = None) -> list[uuid.UUID]:
    """Move the resource after its run (which started at `started_at`). Once provisioned: its pending children
    whose parents are all provisioned become ready in the same transaction, and its provisioned children are
    flagged when a wired output changed. Returns the children to provision by themselves."""
    resource = resource_crud.get_resource_for_update(db.session(), resource_id)
    before, old_outputs, old_secret_outputs = snapshot(resource), resource.outputs, resource.secret_outputs
    resource.transition(Action.RUN_SUCCEEDED if succeeded else Action.RUN_FAILED)
    if succeeded and outputs is not None:
        resource.outputs = outputs
        resource.secret_outputs = secret_outputs or {}
    changed = resource.parent_outputs_changed_at
    if succeeded and changed is not None and (started_at is None or changed <= started_at):
        resource.parent_outputs_changed_at = None  # applied with its parents' current outputs (or destroyed)
    resource.updated_at = db.utcnow()
    audit_service.record(actor, "resource.run_succeeded" if succeeded else "resource.run_failed", "resource",
                         resource.id, before=before, after=snapshot(resource))
    if (resource.state, resource.status) != (State.PROVISIONED, Status.DONE):
        return []
    resource_parents.flag_changed_outputs(resource, old_outputs, old_secret_outputs)
    return [child.id for child in resource_parents.release_children(actor, resource) if child.auto_provision]


@db.unit_of_work
def run_variables(resource_id: uuid.UUID, own: tuple[dict, dict] | None = None) -> tuple[dict, list]:
    """Every value a run of the resource needs (its own, or the (plain, sensitive) `own` of a change, and the
    wired ones from its parents' current outputs), and the sensitive ones among them (to mask). Only runs use
    this."""
    resource = resource_crud.get_resource(db.session(), resource_id)
    own_plain, own_secret = own if own is not None else (resource.variables, resource.secret_variables)
    plain, sensitive = resource_parents.wired_values(resource)
    variables = {**own_plain, **plain, **own_secret, **sensitive}
    return variables, [*own_secret.values(), *sensitive.values()]


@db.joins_unit_of_work
def check_unique_values(template_id: uuid.UUID, rules: dict, plain: dict, resource_id: uuid.UUID | None = None) -> None:
    """Conflict when a value of a `unique` variable is another live resource's of the template (the template is
    row-locked first, so two requests at once cannot both take a value)."""
    unique = [name for name, rule in rules.items() if rule.get("unique") and plain.get(name) is not None]
    if not unique:
        return
    template_service.lock_template(template_id)
    taken = [name for name in unique if resource_crud.holds_value(db.session(), template_id, name, plain[name],
                                                                  resource_id)]
    if taken:
        raise Conflict(f"another resource of this template already has {', '.join(taken)} set to that value",
                       errors={"variables": {name: ["unique: another resource of this template has this value"]
                                             for name in taken}})


def _refuse_with_children(actor: Principal, resource: Resource, counts, doing: str) -> None:
    """Conflict listing the children (those the caller sees; the others counted) for which `counts` holds."""
    children = [c for c in resource_crud.children_of(db.session(), resource.id) if counts(c)]
    if not children:
        return
    shown = [c for c in children if actor.may_see(c.owner)]
    hidden = len(children) - len(shown)
    raise Conflict(f"cannot {doing} {resource.name}: {len(children)} resource(s) build on it; destroy them first"
                   + (f" ({hidden} of them you cannot see)" if hidden else ""),
                   children=[{"id": str(c.id), "name": c.name, "state": c.state, "status": c.status}
                             for c in shown])


@db.unit_of_work
def reseal_secrets() -> int:
    """Write every resource's sensitive values again, sealed with the newest key of the key ring (rotation);
    the number of resources that have some."""
    count = 0
    for resource in resource_crud.with_secrets(db.session()):
        flag_modified(resource, "secret_variables")
        count += 1
    return count
