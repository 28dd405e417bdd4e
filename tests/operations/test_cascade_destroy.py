"""Cascade destroy through the services: the plan (leaves first, records of never-provisioned resources deleted),
refusals before anything starts, approval, cancel, retry, and steps moving on as their runs end. The worker's
two halves (`_claim`, `_finish`) stand in for the engine here; tests/runs/test_cascade_e2e.py runs it for real."""

import pytest
from factories.auth import ADMIN, MEMBER, PLATFORM, member
from factories.resources import built_on
from factories.templates import TemplateVersionFactory

from service import db
from service.access import ResourceNotFound
from service.engine.engine_run import EngineResult
from service.errors import Conflict, PermissionDenied
from service.operations import operation_service
from service.operations.operation_model import Operation
from service.resources import resource_service
from service.resources.resource_model import Resource
from service.resources.resource_states import State, Status
from service.runs import run_executor, run_service
from service.runs.run_model import Run


@pytest.fixture
def version(db_session):
    return TemplateVersionFactory(template__name="layer")


@pytest.fixture
def tree(version):
    """net <- a <- edge, net <- b (b never provisioned), all the admin's."""
    net = built_on(version, name="net")
    a = built_on(version, net, name="a")
    return {"net": net, "a": a, "edge": built_on(version, a, name="edge"),
            "b": built_on(version, net, name="b", state=State.PROVISION, status=Status.PENDING)}


def _steps(operation):
    return [(s.resource_name, s.action, s.status) for s in operation.shown_steps]


def _finish_step(operation_id, settings, succeeded=True, error=None):
    """The worker's part for the running step: claim its run, record the engine's outcome, report it."""
    run_id = next(s.run_id for s in operation_service.get_operation(ADMIN, operation_id).steps if s.status == "running")
    claimed = run_executor._claim(run_id, settings)
    run_executor._finish(claimed, EngineResult(succeeded=succeeded, outputs={}, error=error), 0)
    operation_service.run_finished(run_id)
    return operation_service.get_operation(ADMIN, operation_id)


def test_the_plan_is_leaves_first_and_deletes_what_was_never_provisioned(tree):
    plan = operation_service.preview_cascade_destroy(ADMIN, tree["net"].id)
    assert [(s.resource_name, s.action) for s in plan.steps] == [
        ("b", "delete"), ("edge", "destroy"), ("a", "destroy"), ("net", "destroy")]
    assert plan.requires_approval is False
    assert db.session.query(Operation).count() == 0  # a preview changes nothing


def test_a_diamond_destroys_the_shared_child_before_either_parent(version):
    net = built_on(version, name="net")
    database = built_on(version, net, name="db")
    built_on(version, net, database, name="app")
    plan = operation_service.preview_cascade_destroy(ADMIN, net.id)
    assert [s.resource_name for s in plan.steps] == ["app", "db", "net"]


def test_cascade_destroy_starts_with_the_first_leaf_and_queues_nothing_else(tree):
    operation = operation_service.cascade_destroy(ADMIN, tree["net"].id)
    assert operation.status == "running"
    # b's record went at once (nothing to destroy); edge's destroy run is queued; nothing above it moved.
    assert _steps(operation) == [("b", "delete", "succeeded"), ("edge", "destroy", "running"),
                                 ("a", "destroy", "waiting"), ("net", "destroy", "waiting")]
    assert db.session.get(Resource, tree["b"].id) is None
    assert (resource_service.get_resource(ADMIN, tree["edge"].id).state,
            resource_service.get_resource(ADMIN, tree["a"].id).state) == ("destroy", "provisioned")
    run = run_service.get_run(ADMIN, operation.steps[1].run_id)
    assert (run.kind, run.status) == ("destroy", "queued")


def test_each_finished_step_starts_the_next_until_all_are_destroyed(tree, settings):
    operation = operation_service.cascade_destroy(ADMIN, tree["net"].id)
    for _ in range(3):
        operation = _finish_step(operation.id, settings)
    assert operation.status == "succeeded"
    assert [s.status for s in operation.steps] == ["succeeded"] * 4
    for name in ("edge", "a", "net"):
        assert resource_service.get_resource(ADMIN, tree[name].id).state == "destroyed"


def test_a_failed_step_stops_the_operation_and_a_retry_finishes_it(tree, settings):
    operation = operation_service.cascade_destroy(ADMIN, tree["net"].id)
    operation = _finish_step(operation.id, settings)  # edge destroyed
    operation = _finish_step(operation.id, settings, succeeded=False, error="provider said no")
    assert (operation.status, operation.error) == ("failed", "step 3 (a): provider said no")
    assert _steps(operation)[2:] == [("a", "destroy", "failed"), ("net", "destroy", "waiting")]
    # The failed step and everything above it stay.
    assert resource_service.get_resource(ADMIN, tree["net"].id).state == "provisioned"
    assert resource_service.get_resource(ADMIN, tree["a"].id).status == "error"

    operation = operation_service.retry(ADMIN, operation.id)
    assert (operation.status, operation.steps[2].status, operation.steps[2].attempts) == ("running", "running", 2)
    for _ in range(2):
        operation = _finish_step(operation.id, settings)
    assert operation.status == "succeeded"
    with pytest.raises(Conflict, match="cannot retry"):
        operation_service.retry(ADMIN, operation.id)


def test_cancel_cancels_the_queued_run_and_starts_nothing_more(tree):
    operation = operation_service.cascade_destroy(ADMIN, tree["net"].id)
    run_id = operation.steps[1].run_id
    operation = operation_service.cancel(ADMIN, operation.id)
    assert (operation.status, operation.cancel_requested_by) == ("cancelled", ADMIN.subject)
    assert run_service.get_run(ADMIN, run_id).status == "cancelled"
    edge = resource_service.get_resource(ADMIN, tree["edge"].id)
    assert (edge.state, edge.status) == ("provisioned", "done")  # put back where it was
    assert db.session.query(Run).filter(Run.status.in_(["queued", "running"])).count() == 0
    retried = operation_service.retry(ADMIN, operation.id)
    assert (retried.status, retried.steps[1].attempts) == ("running", 2)


def test_cancel_of_a_running_step_waits_for_it_then_queues_nothing_more(tree, settings):
    operation = operation_service.cascade_destroy(ADMIN, tree["net"].id)
    run_id = operation.steps[1].run_id
    claimed = run_executor._claim(run_id, settings)
    assert operation_service.cancel(ADMIN, operation.id).status == "running"  # the engine is asked to stop
    run_executor._finish(claimed, EngineResult(succeeded=False, cancelled=True, error="stopped"), 0)
    operation_service.run_finished(run_id)
    operation = operation_service.get_operation(ADMIN, operation.id)
    assert (operation.status, _steps(operation)[1:3]) == (
        "cancelled", [("edge", "destroy", "cancelled"), ("a", "destroy", "waiting")])


def test_children_the_caller_may_not_act_on_make_it_403_before_anything_starts(version):
    alice = member("user:default/alice")
    net = built_on(version, name="net-alice", owner=alice.subject)
    built_on(version, net, name="bobs-app", owner="user:default/bob")
    db.session.commit()  # (the test's savepoint: the refusal's rollback keeps these rows)
    with pytest.raises(PermissionDenied) as refused:
        operation_service.cascade_destroy(alice, net.id)
    assert "1 resource(s) built on net-alice are not yours" in refused.value.message
    assert "bobs-app" not in refused.value.message  # hidden from alice: counted, never named
    assert db.session.query(Operation).count() == 0
    assert resource_service.get_resource(alice, net.id).state == "provisioned"


def test_a_busy_resource_in_the_tree_makes_it_409_before_anything_starts(tree):
    row = db.session.get(Resource, tree["a"].id)
    row.status = Status.IN_PROGRESS
    db.session.commit()  # (the test's savepoint: the refusal's rollback keeps these rows)
    with pytest.raises(Conflict, match=r"cannot destroy now: a \(provisioned, in_progress\)"):
        operation_service.cascade_destroy(ADMIN, tree["net"].id)
    assert db.session.get(Resource, tree["b"].id) is not None  # not even the records were deleted


def test_a_resource_in_an_unfinished_operation_cannot_be_in_another(tree):
    operation_service.cascade_destroy(ADMIN, tree["a"].id)
    with pytest.raises(Conflict):
        operation_service.cascade_destroy(ADMIN, tree["net"].id)


def test_a_template_that_requires_approval_makes_it_wait_then_approve_starts_it(db_session):
    gated = TemplateVersionFactory(template__name="gated", template__requires_approval=True)
    net = built_on(gated, name="gated-net")
    child = built_on(gated, net, name="gated-app")
    operation = operation_service.cascade_destroy(ADMIN, net.id)
    assert (operation.status, operation.requires_approval) == ("approval_pending", True)
    assert resource_service.get_resource(ADMIN, child.id).status == "done"  # nothing queued
    with pytest.raises(PermissionDenied):
        operation_service.approve(MEMBER, operation.id)
    operation_service.cancel(ADMIN, operation.id)
    assert operation_service.retry(ADMIN, operation.id).status == "approval_pending"  # still not approved
    operation = operation_service.approve(PLATFORM, operation.id)
    assert (operation.status, operation.approved_by, _steps(operation)[0][2]) == (
        "running", PLATFORM.subject, "running")


def test_a_rejected_operation_destroys_nothing(db_session):
    gated = TemplateVersionFactory(template__name="gated", template__requires_approval=True)
    net = built_on(gated, name="gated-net")
    operation = operation_service.cascade_destroy(ADMIN, net.id)
    operation = operation_service.reject(PLATFORM, operation.id, "not during the freeze")
    assert (operation.status, operation.reject_reason) == ("rejected", "not during the freeze")
    assert resource_service.get_resource(ADMIN, net.id).status == "done"
    with pytest.raises(Conflict):
        operation_service.retry(ADMIN, operation.id)
    assert operation_service.cascade_destroy(ADMIN, net.id).status == "approval_pending"  # its hold was released


def test_an_operation_on_a_hidden_resource_answers_as_absent(version):
    net = built_on(version, name="net-bob", owner="user:default/bob")
    operation = operation_service.cascade_destroy(ADMIN, net.id)
    alice = member("user:default/alice")
    with pytest.raises(operation_service.OperationNotFound):
        operation_service.get_operation(alice, operation.id)
    with pytest.raises(operation_service.OperationNotFound):
        operation_service.cancel(alice, operation.id)
    assert operation_service.list_operations(alice, {}, "-created_at", 1, 50) == ([], 0)
    with pytest.raises(ResourceNotFound):
        operation_service.preview_cascade_destroy(alice, net.id)


def test_a_stalled_operation_is_moved_on_by_the_sweeper(tree, settings):
    operation = operation_service.cascade_destroy(ADMIN, tree["net"].id)
    run_id = operation.steps[1].run_id
    run_service.cancel_run(ADMIN, run_id)  # cancelled on its own, not through the operation
    assert operation_service.resume_stalled() == 1
    operation = operation_service.get_operation(ADMIN, operation.id)
    assert (operation.status, operation.steps[1].status) == ("cancelled", "cancelled")


def _finished(actor, resource_id, outputs, started_at=None):
    db.session.get(Resource, resource_id).status = Status.IN_PROGRESS  # as its run left it
    resource_service.mark_run_finished(actor, resource_id, True, outputs, {}, started_at)
    return resource_service.get_resource(ADMIN, resource_id).parent_outputs_changed_at


def test_parent_outputs_changed_until_the_child_is_applied_again(version):
    net = built_on(version, name="net", outputs={"id": {"sensitive": False, "value": "n-1"}})
    child = built_on(version, net, name="app", wiring=[{"output": "id", "variable": "name"}])
    assert _finished(ADMIN, net.id, {"id": {"sensitive": False, "value": "n-1"}}) is None  # the same value
    before_the_change = db.utcnow()
    _finished(ADMIN, net.id, {"id": {"sensitive": False, "value": "n-2"}})
    assert resource_service.get_resource(ADMIN, child.id).parent_outputs_changed_at is not None
    # A run of the child that started before the change did not pick it up; one after it did.
    assert _finished(ADMIN, child.id, {}, before_the_change) is not None
    assert _finished(ADMIN, child.id, {}, db.utcnow()) is None


def test_a_tree_never_provisioned_has_nothing_to_destroy(version):
    root = built_on(version, name="draft", state=State.PROVISION, status=Status.READY)
    built_on(version, root, name="draft-child", state=State.PROVISION, status=Status.PENDING)
    db.session.commit()  # (the test's savepoint: the refusal's rollback keeps these rows)
    with pytest.raises(Conflict, match="nothing to destroy: draft and what is built on it were never provisioned"):
        operation_service.cascade_destroy(ADMIN, root.id)
    assert db.session.get(Resource, root.id) is not None
