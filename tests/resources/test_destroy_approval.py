"""Destroy waits for approval where the template requires it: the resource is marked for destruction and waits
(destroy, approval_pending) with no run; an approver (not whoever asked) approves with a reason, then the owner's
destroy queues the run; a rejection puts the resource back exactly where it stood. Cascade destroys are approved
once, as an operation, and their steps are not gated again."""

import pytest
from factories.auth import ADMIN, PLATFORM, bearer, make_token, member
from factories.resources import ResourceFactory, built_on
from factories.templates import TemplateVersionFactory

from service import db
from service.errors import Conflict, PermissionDenied
from service.operations import operation_service
from service.resources import resource_service
from service.resources.resource_model import Resource
from service.resources.resource_states import State, Status
from service.runs import run_service
from service.runs.run_model import Run

SHOP = member("user:default/alice", "group:default/shop")


@pytest.fixture
def gated(db_session):
    return TemplateVersionFactory(template__name="gated", template__requires_approval=True)


def _provisioned(version, **fields):
    return ResourceFactory(version=version, **{"state": State.PROVISIONED, "status": Status.DONE, **fields})


def test_a_destroy_waits_for_approval_with_no_run_and_says_who_asked(gated):
    resource = _provisioned(gated)
    waiting = run_service.request_destroy(ADMIN, resource.id)
    assert isinstance(waiting, Resource)
    assert (waiting.state, waiting.status) == ("destroy", "approval_pending")
    assert waiting.approval["action"] == "destroy" and waiting.approval["requested_by"] == ADMIN.subject
    assert db.session.query(Run).filter_by(resource_id=resource.id).count() == 0


def test_approved_by_someone_else_the_owners_destroy_queues_the_run(gated):
    resource = _provisioned(gated)
    run_service.request_destroy(ADMIN, resource.id)
    with pytest.raises(PermissionDenied, match="whoever asked"):
        resource_service.approve(ADMIN, resource.id)
    approved = resource_service.approve(PLATFORM, resource.id, "end of the project")
    assert (approved.state, approved.status) == ("destroy", "ready")
    assert approved.approval | {"decided_at": None} == {
        **approved.approval, "approved": True, "decided_by": PLATFORM.subject, "reason": "end of the project",
        "decided_at": None}
    run = run_service.request_destroy(ADMIN, resource.id)
    assert isinstance(run, Run) and run.kind == "destroy"
    assert resource_service.get_resource(ADMIN, resource.id).status == "queued"


@pytest.mark.parametrize("state, status", [(State.PROVISIONED, Status.UNKNOWN), (State.PROVISION, Status.ERROR)])
def test_a_rejected_destroy_puts_the_resource_back_where_it_stood(gated, state, status):
    resource = _provisioned(gated, state=state, status=status)
    run_service.request_destroy(ADMIN, resource.id)
    rejected = resource_service.reject(PLATFORM, resource.id, "still in use")
    assert (rejected.state, rejected.status) == (state, status)
    assert (rejected.approval["approved"], rejected.approval["reason"]) == (False, "still in use")


def test_whoever_asked_may_withdraw_a_destroy_but_not_approve_it(gated):
    resource = _provisioned(gated, owner="group:default/shop")
    run_service.request_destroy(SHOP, resource.id)
    with pytest.raises(PermissionDenied):
        resource_service.approve(SHOP, resource.id)
    assert resource_service.allowed_actions(SHOP, resource.id) == ["reject"]
    assert resource_service.reject(SHOP, resource.id, "asked by mistake").state == "provisioned"


def test_the_templates_approver_group_decides_even_on_resources_it_cannot_see(gated):
    gated.template.approver_group = "group:default/sre"
    resource = _provisioned(gated, owner="group:default/shop")
    run_service.request_destroy(SHOP, resource.id)
    sre = member("user:default/sam", "group:default/sre")
    assert resource_service.approve(sre, resource.id).status == "ready"
    with pytest.raises(resource_service.access.ResourceNotFound):  # an outsider: as if absent
        resource_service.approve(member("user:default/eve", "group:default/other"), resource.id)


def test_a_template_without_approval_destroys_at_once(db_session):
    resource = _provisioned(TemplateVersionFactory())
    assert isinstance(run_service.request_destroy(ADMIN, resource.id), Run)


def test_a_destroy_with_children_is_409_before_it_waits_for_approval(gated):
    parent = _provisioned(gated)
    built_on(TemplateVersionFactory(), parent)
    db.session.commit()
    with pytest.raises(Conflict, match="build on it"):
        run_service.request_destroy(ADMIN, parent.id)
    assert resource_service.get_resource(ADMIN, parent.id).status == "done"


def test_a_cascade_is_approved_once_and_its_steps_are_not_gated_again(gated):
    resource = _provisioned(gated)
    operation = operation_service.cascade_destroy(ADMIN, resource.id)
    assert operation.status == "approval_pending"
    operation_service.approve(PLATFORM, operation.id)
    assert resource_service.get_resource(ADMIN, resource.id).status == "queued"  # its destroy run, at once


def test_the_api_answers_200_with_the_waiting_resource_then_202_with_the_run(client, admin, gated):
    resource = _provisioned(gated, owner="service-account:test-admin")
    db.session.commit()
    waiting = client.post(f"/api/v1/resources/{resource.id}/destroy", headers=admin)
    assert (waiting.status_code, waiting.json["status"]) == (200, "approval_pending")
    assert "restore" not in waiting.json["approval"]
    client.post(f"/api/v1/resources/{resource.id}/approve", headers=bearer(make_token("platform")))
    queued = client.post(f"/api/v1/resources/{resource.id}/destroy", headers=admin)
    assert (queued.status_code, queued.json["kind"]) == (202, "destroy")
