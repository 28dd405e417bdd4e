"""Change requests through the services: edits recorded and checked like creation, the resource unchanged until
the apply run succeeds, approval by someone else, supersede, and upgrades to another version. The worker's two
halves (`_claim`, `_finish`) stand in for the engine; tests/runs/test_change_e2e.py runs it for real."""

import pytest
from factories.auth import ADMIN, PLATFORM, member
from factories.modules import GREETER_TF
from factories.resources import ResourceFactory, built_on
from factories.templates import TemplateVersionFactory

from service import db
from service.access import ResourceNotFound
from service.audit.audit_model import AuditLog
from service.changes import change_service
from service.changes.change_model import ResourceChange
from service.engine.engine_run import EngineResult
from service.errors import Conflict, InvalidState, PermissionDenied, ValidationFailed
from service.resources import resource_service
from service.resources.resource_states import State, Status
from service.runs import run_executor
from service.templates import template_service

# Version 2 of the greeter: `tags` is gone, `region` is new and required.
V2_TF = GREETER_TF.replace('variable "tags" {\n  type    = map(string)\n  default = {}\n}',
                           'variable "region" {\n  type = string\n}')
assert V2_TF != GREETER_TF


@pytest.fixture
def version(db_session):
    return TemplateVersionFactory(template__name="greeter")


def _provisioned(version, **fields):
    return ResourceFactory(version=version, **{"state": State.PROVISIONED, "status": Status.DONE,
                                               "variables": {"name": "world"}, "secret_names": ["token"],
                                               "secret_variables": {"token": "tok-old"}, **fields})


def _worker(run, settings, succeeded=True, plan_summary=None):
    """The worker's part: claim the run (returning the job it would give the engine) and record an outcome."""
    claimed = run_executor._claim(run.id, settings)
    run_executor._finish(claimed, EngineResult(succeeded=succeeded, outputs={}, plan_summary=plan_summary,
                                               error=None if succeeded else "boom"), 0)
    return claimed.job


def test_a_resource_never_applied_is_edited_at_once(version):
    resource = ResourceFactory(version=version)
    change = change_service.request_change(ADMIN, resource.id, {"name": "mars"})
    assert change.status == "applied"
    assert resource_service.get_resource(ADMIN, resource.id).variables == {"name": "mars"}


def test_a_provisioned_resource_keeps_its_values_until_the_change_is_applied(version, settings):
    resource = _provisioned(version)
    change = change_service.request_change(ADMIN, resource.id, {"name": "mars", "token": "tok-new"})
    assert (change.status, change.diff) == ("open", [
        {"name": "variables.name", "old": "world", "new": "mars"},
        {"name": "variables.token", "old": "(sensitive)", "new": "(sensitive)"}])
    assert "tok-new" not in str(db.session.query(AuditLog.after).all())
    assert resource_service.get_resource(ADMIN, resource.id).variables == {"name": "world"}

    run = change_service.apply(ADMIN, change.id)
    assert (run.kind, run.change_id) == ("provision", change.id)
    job = _worker(run, settings)
    assert job.variables == {"name": "mars", "token": "tok-new"}  # the engine got the change's values
    assert change_service.get_change(ADMIN, change.id).status == "applied"
    adopted = resource_service.get_resource(ADMIN, resource.id)
    assert (adopted.variables, adopted.secret_variables) == ({"name": "mars"}, {"token": "tok-new"})


def test_a_failed_apply_keeps_the_old_values(version, settings):
    resource = _provisioned(version)
    change = change_service.request_change(ADMIN, resource.id, {"name": "mars"})
    _worker(change_service.apply(ADMIN, change.id), settings, succeeded=False)
    failed = change_service.get_change(ADMIN, change.id)
    assert (failed.status, failed.error) == ("failed", "boom")
    assert resource_service.get_resource(ADMIN, resource.id).variables == {"name": "world"}


def test_a_plan_of_the_change_runs_its_values_and_keeps_the_summary(version, settings):
    resource = _provisioned(version)
    change = change_service.request_change(ADMIN, resource.id, {"count_of": 2})
    run = change_service.plan(ADMIN, change.id)
    summary = {"add": 1, "change": 0, "destroy": 0, "has_changes": True, "resources": [
        {"address": "terraform_data.greeting[1]", "actions": ["create"]}], "drifted": []}
    job = _worker(run, settings, plan_summary=summary)
    assert (job.kind, job.variables["count_of"]) == ("plan", 2)
    assert change_service.get_change(ADMIN, change.id).plan_summary == summary
    assert resource_service.get_resource(ADMIN, resource.id).status == "done"  # a plan moves nothing


def test_a_new_edit_supersedes_the_open_change(version):
    resource = _provisioned(version)
    first = change_service.request_change(ADMIN, resource.id, {"name": "mars"})
    second = change_service.request_change(ADMIN, resource.id, {"name": "venus"})
    assert (change_service.get_change(ADMIN, first.id).status, second.status) == ("superseded", "open")
    assert db.session.query(AuditLog).filter_by(action="change.supersede", entity_id=str(first.id)).count() == 1


def test_an_edit_while_a_change_is_being_applied_is_409(version):
    resource = _provisioned(version)
    change = change_service.request_change(ADMIN, resource.id, {"name": "mars"})
    change_service.apply(ADMIN, change.id)
    with pytest.raises(InvalidState, match="being applied"):
        change_service.request_change(ADMIN, resource.id, {"name": "venus"})


def test_approval_is_someone_elses_and_a_rejected_change_never_runs(db_session):
    gated = TemplateVersionFactory(template__name="gated", template__requires_approval=True)
    resource = _provisioned(gated)
    change = change_service.request_change(ADMIN, resource.id, {"name": "mars"})
    assert change.requires_approval is True
    with pytest.raises(InvalidState, match="waits for approval"):
        change_service.apply(ADMIN, change.id)
    with pytest.raises(PermissionDenied, match="whoever asked"):
        change_service.decide(ADMIN, change.id, True, None)
    rejected = change_service.decide(PLATFORM, change.id, False, "too big for a Friday")
    assert (rejected.status, rejected.reason, rejected.decided_by) == ("rejected", "too big for a Friday",
                                                                        PLATFORM.subject)
    with pytest.raises(InvalidState):
        change_service.apply(ADMIN, change.id)

    again = change_service.request_change(ADMIN, resource.id, {"name": "venus"})
    change_service.decide(PLATFORM, again.id, True, "fine")
    assert change_service.apply(ADMIN, again.id).change_id == again.id


def test_an_upgrade_drops_what_the_new_version_lacks_and_needs_its_new_required_values(version):
    v2 = TemplateVersionFactory(template=version.template, main_tf=V2_TF, version="2.0.0")
    resource = _provisioned(version, variables={"name": "world", "tags": {"team": "a"}})
    change = change_service.request_change(ADMIN, resource.id, {"region": "eu"}, template_version_id=v2.id)
    assert change.diff == [
        {"name": "template_version", "old": version.version, "new": "2.0.0"},
        {"name": "variables.region", "old": None, "new": "eu"},
        {"name": "variables.tags", "old": {"team": "a"}, "new": None, "dropped": True}]
    assert change.variables == {"name": "world", "region": "eu"}
    with pytest.raises(ValidationFailed) as refused:
        change_service.request_change(ADMIN, resource.id, {}, template_version_id=v2.id)
    assert refused.value.errors == {"variables": {"region": ["required: the module gives it no default"]}}


@pytest.mark.parametrize(("variables", "errors"), [
    ({"nope": 1}, {"nope": ["unknown variable; the module declares: count_of, name, tags, token"]}),
    ({"count_of": "many"}, {"count_of": ["expected a number, got string"]}),
    ({"name": "world"}, None),  # nothing to change
])
def test_a_bad_edit_is_422_per_field_and_stores_nothing(version, variables, errors):
    resource = _provisioned(version)
    db.session.commit()  # (the test's savepoint: the refusal's rollback keeps these rows)
    with pytest.raises(ValidationFailed) as refused:
        change_service.request_change(ADMIN, resource.id, variables)
    if errors:
        assert refused.value.errors == {"variables": errors}
    assert db.session.query(ResourceChange).count() == 0


def test_a_wired_variable_cannot_be_edited(db_session):
    version = TemplateVersionFactory(template__name="wired")
    net = built_on(version, name="net")
    child = built_on(version, net, name="app", wiring=[{"output": "id", "variable": "name"}])
    with pytest.raises(ValidationFailed) as refused:
        change_service.request_change(ADMIN, child.id, {"name": "x"})
    assert refused.value.errors == {"variables": {"name": ["set from parent net output id"]}}


def test_changes_of_a_hidden_resource_answer_as_absent_and_destroyed_ones_refuse(version):
    bobs = _provisioned(version, owner="user:default/bob")
    change = change_service.request_change(ADMIN, bobs.id, {"name": "mars"})
    alice = member("user:default/alice")
    with pytest.raises(change_service.ChangeNotFound):
        change_service.get_change(alice, change.id)
    with pytest.raises(ResourceNotFound):
        change_service.request_change(alice, bobs.id, {"name": "x"})
    gone = _provisioned(version, state=State.DESTROYED)
    with pytest.raises(InvalidState, match="destroyed"):
        change_service.request_change(ADMIN, gone.id, {"name": "x"})


def test_the_templates_approver_group_may_decide_and_others_may_not(db_session):
    gated = TemplateVersionFactory(template__name="dba-gated", template__requires_approval=True)
    template_service.set_approver_group(PLATFORM, gated.template_id, "group:default/dba")
    resource = _provisioned(gated, owner="group:default/shop")
    change = change_service.request_change(member("user:default/ann", "group:default/shop"), resource.id,
                                           {"name": "mars"})
    with pytest.raises(PermissionDenied, match="approver group"):
        change_service.decide(member("user:default/bob", "group:default/shop"), change.id, True, None)
    dee = member("user:default/dee", "group:default/dba")
    changes, _ = change_service.list_changes(dee, resource.id, {}, "-created_at", 1, 10)  # cannot see the resource
    assert [c.id for c in changes] == [change.id]
    decided = change_service.decide(dee, change.id, True, "ok")
    assert (decided.status, decided.decided_by) == ("approved", "user:default/dee")
    with pytest.raises(ResourceNotFound):  # neither owner nor approver: as if absent
        change_service.list_changes(member("user:default/eve", "group:default/x"), resource.id, {}, "-created_at",
                                    1, 10)


def test_whoever_asked_may_withdraw_a_change_and_one_needing_no_approval_cannot_be_approved(version):
    resource = _provisioned(version)
    change = change_service.request_change(ADMIN, resource.id, {"name": "mars"})
    with pytest.raises(InvalidState, match="does not require approval"):
        change_service.decide(PLATFORM, change.id, True, None)
    assert change_service.decide(ADMIN, change.id, False, "asked by mistake").status == "rejected"


def test_a_new_owner_who_has_a_resource_of_that_name_is_409_and_nothing_moves(version, settings):
    taken = ResourceFactory(version=version, name="web", owner="group:default/shop")
    resource = ResourceFactory(version=version, name="web", owner="group:default/ops")
    db.session.commit()
    with pytest.raises(Conflict, match="group:default/shop already has a resource named 'web'"):
        change_service.request_change(ADMIN, resource.id, {}, owner=taken.owner)
    assert resource_service.get_resource(ADMIN, resource.id).owner == "group:default/ops"


def test_an_apply_after_the_new_owner_took_the_name_keeps_the_values_and_says_the_owner_stayed(version, settings):
    resource = _provisioned(version, name="web", owner="group:default/ops")
    change = change_service.request_change(ADMIN, resource.id, {"name": "mars"}, owner="group:default/shop")
    ResourceFactory(version=version, name="web", owner="group:default/shop")  # taken while the change was open
    db.session.commit()
    _worker(change_service.apply(ADMIN, change.id), settings)
    applied = change_service.get_change(ADMIN, change.id)
    assert applied.status == "applied" and "the owner did not change" in applied.error
    adopted = resource_service.get_resource(ADMIN, resource.id)
    assert (adopted.variables, adopted.owner) == ({"name": "mars"}, "group:default/ops")
