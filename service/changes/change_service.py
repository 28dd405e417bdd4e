"""Change requests: an edit of a resource recorded, reviewed, planned and applied by a run.

Between the worker and runs, like operations: a change queues its plan and apply runs through `run_service`,
and the worker reads a change's values for its runs (`run_inputs`) and reports their end (`run_finished`, in
the transaction that records the run), which is when an applied change's values become the resource's.
"""

import dataclasses
import uuid

from service import access, db
from service.access import ResourceNotFound
from service.audit import audit_service
from service.auth.principal import SYSTEM, Principal
from service.changes import change_crud
from service.changes.change_model import PENDING_CHANGE_STATUSES, ChangeStatus, ResourceChange
from service.errors import Conflict, InvalidState, NotFound, PermissionDenied, ValidationFailed
from service.listing import apply_sort, page_of
from service.resources import resource_edits, resource_service
from service.runs import run_service
from service.runs.run_model import Run, RunKind
from service.runs.run_states import ACTIVE_RUN_STATUSES, RunStatus
from service.templates import template_service

SORTS = {"created_at": ResourceChange.created_at, "status": ResourceChange.status}


class ChangeNotFound(NotFound):
    def __init__(self, change_id):
        super().__init__(f"change {change_id} not found")


class ChangeNotPending(InvalidState):
    def __init__(self, change: ResourceChange, doing: str, why: str | None = None):
        super().__init__(f"cannot {doing} change {change.id}: {why or f'it is {change.status}'}",
                         change_status=str(change.status))


def snapshot(change: ResourceChange) -> dict:
    """What the audit log keeps of a change: its diff is masked already."""
    return {"resource_id": str(change.resource_id), "status": change.status, "diff": change.diff,
            "template_version_id": str(change.template_version_id), "owner": change.owner}


def _proposal(change: ResourceChange) -> resource_edits.Proposal:
    return resource_edits.Proposal(template_version_id=change.template_version_id, variables=change.variables,
                                   secret_variables=change.secret_variables, owner=change.owner, diff=change.diff)


def _applying(change: ResourceChange) -> bool:
    return change.apply_run_id is not None and \
        run_service.get_run(SYSTEM, change.apply_run_id).status in ACTIVE_RUN_STATUSES


@db.unit_of_work
def request_change(actor: Principal, resource_id: uuid.UUID, variables: dict,
                   template_version_id: uuid.UUID | None = None, owner: str | None = None) -> ResourceChange:
    """Record an edit. A resource never applied is edited at once (the change is `applied`); otherwise the
    change is `open` and the resource keeps its values until the change's apply run succeeds. An open change
    not being applied is superseded. Raises ValidationFailed (per field, as on creation; nothing to change),
    PermissionDenied, ResourceNotFound, InvalidState (marked for destruction; a change being applied)."""
    resource = resource_edits.lock_for_edit(actor, resource_id)
    proposal = resource_edits.propose(actor, resource, variables, template_version_id, owner)
    if not proposal.diff:
        raise ValidationFailed("nothing to change: these are the resource's values already",
                               errors={"variables": ["no value differs from the resource's"]})
    session = db.session()
    pending = change_crud.pending_change_for_update(session, resource_id)
    if pending is not None:
        if _applying(pending):
            raise ChangeNotPending(pending, "supersede", "it is being applied; wait for its run to end")
        pending.status = ChangeStatus.SUPERSEDED
        audit_service.record(actor, "change.supersede", "change", pending.id, after=snapshot(pending))
        session.flush()  # the one-pending-change index must see the slot free
    in_place = resource_edits.edits_in_place(resource)
    change = change_crud.add_change(session, ResourceChange(
        resource_id=resource.id, status=ChangeStatus.APPLIED if in_place else ChangeStatus.OPEN,
        requires_approval=not in_place and resource.template.requires_approval, requested_by=actor.subject,
        template_version_id=proposal.template_version_id, variables=proposal.variables,
        secret_names=proposal.secret_names, secret_variables=proposal.secret_variables, owner=proposal.owner,
        diff=proposal.diff))
    audit_service.record(actor, "change.create", "change", change.id, after=snapshot(change))
    if in_place:
        resource_edits.adopt(actor, resource.id, proposal)
    return change


def _adopt_applied(change: ResourceChange) -> None:
    """The apply ran: its values are the resource's now. Only the owner can fail to follow (the new owner took a
    resource of the same name since the change was asked for): it stays, and the change says why."""
    proposal = _proposal(change)
    try:
        resource_edits.adopt(SYSTEM, change.resource_id, proposal)
    except Conflict as taken:
        resource = resource_service.get_resource(SYSTEM, change.resource_id)
        resource_edits.adopt(SYSTEM, change.resource_id, dataclasses.replace(proposal, owner=resource.owner))
        change.error = f"applied, but the owner did not change: {taken.message}"


def _template_of(change: ResourceChange):
    return resource_service.get_resource(SYSTEM, change.resource_id).template


def _sees_changes_of(actor: Principal, resource_id: uuid.UUID) -> bool:
    """Whoever sees the resource sees its changes, and so do its template's approvers (who decide them)."""
    return not access.resource_hidden_from(actor, resource_id) or template_service.may_approve(
        actor, resource_service.get_resource(SYSTEM, resource_id).template)


def _visible(actor: Principal, change: ResourceChange | None, change_id: uuid.UUID) -> ResourceChange:
    """The change, if the caller sees its changes (`_sees_changes_of`); ChangeNotFound otherwise."""
    if change is None or not _sees_changes_of(actor, change.resource_id):
        raise ChangeNotFound(change_id)
    return change


@db.unit_of_work
def get_change(actor: Principal, change_id: uuid.UUID) -> ResourceChange:
    actor.require("read")
    return _visible(actor, change_crud.get_change(db.session(), change_id), change_id)


@db.unit_of_work
def list_changes(actor: Principal, resource_id: uuid.UUID, filters: dict, sort: str, page: int, page_size: int):
    """(changes, total) of one resource; ResourceNotFound for an unknown one, or one whose changes the caller may
    not see (`_sees_changes_of`)."""
    if not _sees_changes_of(actor, resource_id):
        raise ResourceNotFound(resource_id)
    query = apply_sort(change_crud.select_changes(resource_id, **filters), sort, SORTS, ResourceChange.id)
    return page_of(db.session(), query, page, page_size)


def _locked(actor: Principal, change_id: uuid.UUID, permission: str) -> ResourceChange:
    actor.require(permission)
    change = _visible(actor, change_crud.get_change_for_update(db.session(), change_id), change_id)
    if permission == "resources:write":
        access.require_acts_on(actor, change.resource_id)
    return change


@db.unit_of_work
def plan(actor: Principal, change_id: uuid.UUID) -> Run:
    """Queue a dry run of the change: the engine plans its values against the resource's current state; the
    run's plan summary becomes the change's when it ends."""
    change = _locked(actor, change_id, "resources:write")
    if change.status not in PENDING_CHANGE_STATUSES:
        raise ChangeNotPending(change, "plan")
    run = run_service.create_run(actor, change.resource_id, RunKind.PLAN, change.id, change.template_version_id)
    change.plan_run_id, change.plan_summary = run.id, None
    audit_service.record(actor, "change.plan", "change", change.id, after={"run_id": str(run.id)})
    return run


@db.unit_of_work
def decide(actor: Principal, change_id: uuid.UUID, approved: bool, reason: str | None) -> ResourceChange:
    """Approve or reject an open change that needs approval (the platform team or the template's approver group;
    never one's own, though whoever asked may withdraw it by rejecting it). A rejected change never runs."""
    change = _locked(actor, change_id, "read")
    if refusal := template_service.decision_refusal(actor, _template_of(change), change.requested_by, approved,
                                                    "a change"):
        raise PermissionDenied(refusal)
    verb = "approve" if approved else "reject"
    if change.status != ChangeStatus.OPEN:
        raise ChangeNotPending(change, verb)
    if approved and not change.requires_approval:
        raise ChangeNotPending(change, verb, "its template does not require approval: apply it")
    change.status = ChangeStatus.APPROVED if approved else ChangeStatus.REJECTED
    change.decided_by, change.decided_at, change.reason = actor.subject, db.utcnow(), reason
    audit_service.record(actor, f"change.{'approve' if approved else 'reject'}", "change", change.id,
                         after={"status": change.status, "reason": reason})
    return change


@db.unit_of_work
def apply(actor: Principal, change_id: uuid.UUID) -> Run:
    """Queue the provision run with the change's values (once approved, when its template requires approval).
    Raises ChangeNotPending, and what queuing a provision raises (409 while the resource is busy)."""
    change = _locked(actor, change_id, "resources:write")
    if change.status not in PENDING_CHANGE_STATUSES:
        raise ChangeNotPending(change, "apply")
    if change.requires_approval and change.status != ChangeStatus.APPROVED:
        raise ChangeNotPending(change, "apply", "it waits for approval")
    run = run_service.create_run(actor, change.resource_id, RunKind.PROVISION, change.id,
                                 change.template_version_id)
    change.apply_run_id, change.error = run.id, None
    audit_service.record(actor, "change.apply", "change", change.id, after={"run_id": str(run.id)})
    return run


# --- called by the worker --------------------------------------------------------------------------------------

@db.unit_of_work
def run_inputs(change_id: uuid.UUID) -> tuple[uuid.UUID, dict, list]:
    """(template version, every variable value, the sensitive ones) for a run of the change: its own values
    with the wired ones from the parents' current outputs."""
    change = change_crud.get_change(db.session(), change_id)
    if change is None:
        raise ChangeNotFound(change_id)
    variables, secrets = resource_service.run_variables(change.resource_id,
                                                        own=(change.variables, change.secret_variables))
    return change.template_version_id, variables, secrets


@db.joins_unit_of_work
def run_finished(run: Run) -> None:
    """A run of a change ended (in the worker's transaction that records it): a plan's summary becomes the
    change's; a successful apply makes the change's values the resource's, a failed one marks it failed (the
    resource kept its values); a cancelled apply leaves the change to apply again."""
    change = change_crud.get_change_for_update(db.session(), run.change_id)
    if change is None or change.status not in PENDING_CHANGE_STATUSES:
        return
    if run.kind == RunKind.PLAN and change.plan_run_id == run.id:
        change.plan_summary = run.plan_summary
        return
    if run.kind != RunKind.PROVISION or change.apply_run_id != run.id or run.status == RunStatus.CANCELLED:
        return
    if run.status == RunStatus.SUCCEEDED:
        _adopt_applied(change)
        change.status = ChangeStatus.APPLIED
    else:
        change.status, change.error = ChangeStatus.FAILED, run.error
    audit_service.record(SYSTEM, f"change.{change.status}", "change", change.id, after=snapshot(change))

