"""The rules the resource service keeps, called directly (no HTTP): ownership, visibility, transitions and the
moves runs ask for."""

import pytest
from factories.auth import ADMIN, MEMBER, VIEWER, member
from factories.resources import ResourceFactory, make_resource

from service import db
from service.access import ResourceNotFound
from service.errors import Conflict, PermissionDenied
from service.resources import resource_service
from service.resources.resource_states import Action, InvalidResourceTransition, State, Status


def test_a_member_cannot_give_a_resource_to_an_owner_it_does_not_act_for(db_session, template):
    with pytest.raises(PermissionDenied, match="cannot give a resource to group:default/other"):
        make_resource(template, actor=MEMBER, owner="group:default/other")


def test_a_member_may_give_a_resource_to_its_own_group(db_session, template):
    alice = member("user:default/alice", "group:default/team-a")
    resource = make_resource(template, actor=alice, owner="group:default/team-a")
    assert (resource.owner, resource.created_by) == ("group:default/team-a", "user:default/alice")


def test_a_resource_hidden_from_a_member_reads_as_absent(db_session):
    hidden = ResourceFactory(owner="user:default/bob")
    with pytest.raises(ResourceNotFound, match=f"resource {hidden.id} not found"):
        resource_service.get_resource(MEMBER, hidden.id)


def test_a_viewer_sees_every_resource_but_may_not_act(db_session):
    resource = ResourceFactory(owner="user:default/bob", status=Status.APPROVAL_PENDING)
    assert resource_service.get_resource(VIEWER, resource.id).id == resource.id
    assert resource_service.allowed_actions(VIEWER, resource.id) == []
    with pytest.raises(PermissionDenied):
        resource_service.approve(VIEWER, resource.id)


def test_a_group_member_acts_on_the_groups_resource(db_session):
    resource = ResourceFactory(owner="group:default/team-a")
    resource_service.delete_resource(member("user:default/alice", "group:default/team-a"), resource.id)
    with pytest.raises(ResourceNotFound):
        resource_service.get_resource(ADMIN, resource.id)


def test_approving_needs_the_platform_role_whoever_owns_the_resource(db_session):
    resource = ResourceFactory(owner="group:default/team-a", status=Status.APPROVAL_PENDING)
    with pytest.raises(PermissionDenied, match="only the platform team or the template's approver group"):
        resource_service.approve(member("user:default/alice", "group:default/team-a"), resource.id)


def test_a_refused_move_says_where_the_resource_stands(db_session):
    resource = ResourceFactory(state=State.PROVISIONED, status=Status.DONE)
    with pytest.raises(InvalidResourceTransition) as refused:
        resource_service.approve(ADMIN, resource.id)
    assert refused.value.extra == {"state": "provisioned", "resource_status": "done",
                                   "allowed_actions": ["provision", "plan", "destroy"]}


def test_starting_a_run_records_where_the_resource_was_and_points_at_the_run(db_session):
    resource = ResourceFactory(state=State.PROVISIONED, status=Status.ERROR)
    run_id = db.new_id()
    before = _in_unit_of_work(resource_service.start_run, ADMIN, resource.id, Action.DESTROY, run_id)
    moved = resource_service.get_resource(ADMIN, resource.id)
    assert before == ("provisioned", "error")
    assert (moved.state, moved.status, moved.last_run_id) == ("destroy", "queued", run_id)


def test_starting_a_run_outside_a_unit_of_work_is_refused(db_session):
    resource = ResourceFactory()
    with pytest.raises(RuntimeError, match="joins a unit of work, and none is open"):
        resource_service.start_run(ADMIN, resource.id, Action.PROVISION, db.new_id())


def test_a_cancelled_queued_run_puts_the_resource_back(db_session):
    resource = ResourceFactory(state=State.PROVISIONED, status=Status.QUEUED)
    restored = resource_service.restore_after_cancel(ADMIN, resource.id, "provisioned", "error")
    assert (restored.state, restored.status) == ("provisioned", "error")


def test_a_successful_run_keeps_its_outputs_and_a_failed_one_keeps_the_old(db_session):
    resource = ResourceFactory(status=Status.IN_PROGRESS, outputs={"old": {"sensitive": False, "value": 1}})
    resource_service.mark_run_finished(ADMIN, resource.id, True, {"new": {"sensitive": False, "value": 2}})
    done = resource_service.get_resource(ADMIN, resource.id)
    assert (done.state, done.status, done.outputs) == ("provisioned", "done", {"new": {"sensitive": False, "value": 2}})
    again = ResourceFactory(state=State.PROVISIONED, status=Status.IN_PROGRESS, outputs={"old": {"value": 1}})
    resource_service.mark_run_finished(ADMIN, again.id, False, None)
    failed = resource_service.get_resource(ADMIN, again.id)
    assert (failed.status, failed.outputs) == ("error", {"old": {"value": 1}})


def test_drift_found_on_a_healthy_resource_makes_it_unknown(db_session):
    resource = ResourceFactory(state=State.PROVISIONED, status=Status.DONE)
    drifted = resource_service.record_drift(ADMIN, resource.id, {"has_changes": True})
    assert drifted.status == "unknown"


def _in_unit_of_work(fn, *args):
    @db.unit_of_work
    def unit():
        return fn(*args)

    return unit()


def test_a_name_taken_by_a_resource_the_caller_cannot_see_is_free_for_it(db_session, template):
    ResourceFactory(name="db", entity_ref="component:default/shop", owner="group:default/team-b")
    alice = member("user:default/alice", "group:default/team-a")
    mine = make_resource(template, actor=alice, name="db", entity_ref="component:default/shop")
    assert mine.owner == "user:default/alice"
    with pytest.raises(Conflict, match="user:default/alice already has a resource named 'db'"):
        make_resource(template, actor=alice, name="db", entity_ref="component:default/shop")
