"""The rules of runs on the API side and the sweeper's, called directly: queueing moves the resource in the same
transaction, a person's run supersedes a waiting drift check, cancel restores, lost workers are noticed."""

from datetime import timedelta

import pytest
from factories.auth import ADMIN, MEMBER, VIEWER
from factories.resources import ResourceFactory
from factories.runs import RunFactory

from service import db
from service.access import ResourceNotFound
from service.auth.principal import SYSTEM
from service.errors import Conflict, NotFound, PermissionDenied
from service.resources.resource_model import Resource
from service.resources.resource_states import InvalidResourceTransition, State, Status
from service.runs import run_crud, run_service, run_sweeper
from service.runs.run_model import Run, RunKind
from service.runs.run_states import RunStatus


def _resource(resource_id) -> Resource:
    return db.session().get(Resource, resource_id)


def test_queueing_a_run_moves_the_resource_and_remembers_where_it_was(db_session):
    resource = ResourceFactory(state=State.PROVISIONED, status=Status.DONE)
    run = run_service.create_run(ADMIN, resource.id, RunKind.DESTROY)
    moved = _resource(resource.id)
    assert (run.status, run.resource_state_before, run.resource_status_before) == ("queued", "provisioned", "done")
    assert (moved.state, moved.status, moved.last_run_id) == ("destroy", "queued", run.id)


def test_a_run_the_state_machine_refuses_is_not_queued(db_session):
    resource = ResourceFactory(state=State.DESTROYED, status=Status.DONE)
    with pytest.raises(InvalidResourceTransition, match="cannot provision"):
        run_service.create_run(ADMIN, resource.id, RunKind.PROVISION)
    assert db.session().query(Run).filter_by(resource_id=resource.id).count() == 0


def test_a_run_of_a_hidden_resource_answers_as_absent(db_session):
    resource = ResourceFactory(owner="user:default/bob")
    with pytest.raises(ResourceNotFound):
        run_service.create_run(MEMBER, resource.id, RunKind.PLAN)


def test_a_persons_run_supersedes_a_waiting_drift_check(db_session):
    resource = ResourceFactory(state=State.PROVISIONED, status=Status.DONE)
    check = run_service.create_run(SYSTEM, resource.id, RunKind.DRIFT_CHECK)
    run = run_service.create_run(ADMIN, resource.id, RunKind.PROVISION)
    superseded = run_crud.get_run(db.session(), check.id)
    assert (superseded.status, superseded.error) == ("cancelled", f"superseded by a run asked for by {ADMIN.subject}")
    assert run.status == "queued"


def test_a_drift_check_waits_its_turn_behind_an_active_run(db_session):
    resource = ResourceFactory(state=State.PROVISIONED, status=Status.DONE)
    RunFactory(resource_id=resource.id, kind=RunKind.PLAN, status=RunStatus.RUNNING)
    with pytest.raises(Conflict, match="already has a queued or running run"):
        run_service.create_run(SYSTEM, resource.id, RunKind.DRIFT_CHECK)


def test_cancelling_a_queued_provision_ends_it_and_puts_the_resource_back(db_session):
    resource = ResourceFactory(state=State.PROVISION, status=Status.ERROR)
    run = run_service.create_run(ADMIN, resource.id, RunKind.PROVISION)
    cancelled = run_service.cancel_run(ADMIN, run.id)
    assert (cancelled.status, cancelled.error) == ("cancelled", f"cancelled by {ADMIN.subject} before it started")
    assert (_resource(resource.id).state, _resource(resource.id).status) == ("provision", "error")


def test_cancelling_a_running_run_asks_its_worker_to_stop(db_session):
    run = RunFactory(status=RunStatus.RUNNING, resource__status=Status.IN_PROGRESS)
    asked = run_service.cancel_run(ADMIN, run.id, force=True)
    assert (asked.status, asked.cancel_requested_by, asked.cancel_force) == ("running", ADMIN.subject, True)


def test_a_finished_run_cannot_be_cancelled(db_session):
    run = RunFactory(status=RunStatus.SUCCEEDED)
    with pytest.raises(run_service.RunAlreadyFinished) as refused:
        run_service.cancel_run(ADMIN, run.id)
    assert refused.value.extra == {"run_status": "succeeded"}


def test_a_run_of_a_resource_hidden_from_a_member_cannot_be_cancelled_and_reads_as_absent(db_session):
    run = RunFactory(resource__owner="user:default/bob")
    with pytest.raises(NotFound):
        run_service.cancel_run(MEMBER, run.id)


def test_a_viewer_sees_a_run_but_may_not_cancel_it(db_session):
    run = RunFactory()
    assert run_service.get_run(VIEWER, run.id).id == run.id
    with pytest.raises(PermissionDenied):
        run_service.cancel_run(VIEWER, run.id)


def test_the_sweeper_fails_a_running_run_whose_worker_is_lost(db_session):
    run = RunFactory(status=RunStatus.RUNNING, state_token_hash="f" * 64, resource__status=Status.IN_PROGRESS)
    assert run_sweeper._fail_lost_run(run.id, "worker lost: test") is True
    lost = run_crud.get_run(db.session(), run.id)
    assert (lost.status, lost.error, lost.state_token_hash) == ("failed", "worker lost: test", None)
    assert _resource(lost.resource_id).status == "error"


def test_the_sweeper_leaves_a_queued_run_alone(db_session):
    run = RunFactory(status=RunStatus.QUEUED)
    assert run_sweeper._fail_lost_run(run.id, "worker lost: test") is False
    assert run_crud.get_run(db.session(), run.id).status == "queued"


def test_drift_checks_are_due_in_bounded_batches_the_longest_unchecked_first(db_session):
    now = db.utcnow()
    healthy = {"state": State.PROVISIONED, "status": Status.DONE}
    never = ResourceFactory(**healthy)
    last_week = ResourceFactory(**healthy, drift_checked_at=now - timedelta(days=7))
    yesterday = ResourceFactory(**healthy, drift_checked_at=now - timedelta(days=1))
    ResourceFactory(**healthy, drift_checked_at=now)  # checked just now: not due
    ResourceFactory(state=State.PROVISIONED, status=Status.ERROR)  # not healthy: not checked
    due = run_crud.resources_due_for_drift_check(db.session(), now - timedelta(hours=1), limit=2)
    assert due == [never.id, last_week.id]
    assert run_crud.resources_due_for_drift_check(db.session(), now - timedelta(hours=1), limit=10)[2] == yesterday.id


def test_queueing_a_drift_check_marks_the_resource_checked(db_session):
    resource = ResourceFactory(state=State.PROVISIONED, status=Status.DONE)
    run_service.create_run(SYSTEM, resource.id, RunKind.DRIFT_CHECK)
    assert _resource(resource.id).drift_checked_at > db.utcnow() - timedelta(minutes=1)
