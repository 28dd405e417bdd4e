"""Resources that build on each other, through the services: template dependencies and their wiring, parents
named at creation, `pending` until they are provisioned, wired values at run time, and destroy order."""

import pytest
from factories.auth import ADMIN, MEMBER, PLATFORM, member
from factories.modules import APP_TF, NETWORK_TF, write_module
from factories.resources import ResourceFactory
from factories.templates import LIMITS, TemplateVersionFactory

from service.access import ResourceNotFound
from service.errors import Conflict, PermissionDenied, ValidationFailed
from service.resources import resource_service, resource_tree
from service.resources.resource_states import InvalidResourceTransition, State, Status
from service.runs import run_service
from service.runs.run_model import RunKind
from service.templates import template_dependencies, template_service
from service.templates.module_source import ModuleSource

WIRING = [{"output": "network_id", "variable": "network_id"}, {"output": "db_password", "variable": "db_password"}]


@pytest.fixture
def network(db_session):
    return TemplateVersionFactory(template__name="network", main_tf=NETWORK_TF).template


@pytest.fixture
def application(db_session, network):
    template = TemplateVersionFactory(template__name="app", main_tf=APP_TF).template
    template_dependencies.declare(PLATFORM, template.id, network.id, WIRING)
    return template


def _net(network, **fields):
    defaults = {"state": State.PROVISIONED, "status": Status.DONE, "variables": {},
                "outputs": {"network_id": {"sensitive": False, "value": "net-1"}, "db_password": {"sensitive": True}},
                "secret_outputs": {"db_password": "pw-secret-1"}}
    return ResourceFactory(version=network.versions[0], **{**defaults, **fields})


def _app(template, *parents, actor=ADMIN, **extra):
    return resource_service.create_resource(actor, f"app-{len(parents)}", template.id, extra.pop("variables", {}),
                                            parent_ids=[p.id for p in parents], **extra)


# -- template dependencies ----------------------------------------------------------------------------------

def test_a_declared_dependency_is_listed_from_both_sides(application, network):
    (parent,) = template_dependencies.list_dependencies(MEMBER, application.id)
    (child,) = template_dependencies.list_dependencies(MEMBER, network.id, children=True)
    assert parent.id == child.id and parent.wiring == WIRING and parent.required


def test_wiring_that_does_not_fit_the_templates_is_422_per_variable(network, db_session):
    application = TemplateVersionFactory(template__name="app2", main_tf=APP_TF).template
    with pytest.raises(ValidationFailed) as refused:
        template_dependencies.declare(PLATFORM, application.id, network.id, [
            {"output": "nope", "variable": "network_id"}, {"output": "network_id", "variable": "missing"}])
    assert refused.value.errors["wiring"] == {"network_id": ["the parent has no output 'nope'"],
                                              "missing": ["this template has no variable 'missing'"]}


def test_a_cycle_of_templates_is_409(application, network):
    with pytest.raises(Conflict, match="would make a cycle"):
        template_dependencies.declare(PLATFORM, network.id, application.id, [])
    with pytest.raises(Conflict, match="would make a cycle"):
        template_dependencies.declare(PLATFORM, application.id, application.id, [])
    with pytest.raises(Conflict, match="already builds on"):
        template_dependencies.declare(PLATFORM, application.id, network.id, [])


def test_only_platform_declares_dependencies(network, db_session):
    application = TemplateVersionFactory(template__name="app3", main_tf=APP_TF).template
    with pytest.raises(PermissionDenied):
        template_dependencies.declare(MEMBER, application.id, network.id, [])


def test_a_new_version_that_drops_a_wired_output_is_refused(application, network, tmp_path):
    module = write_module(tmp_path / "net2", NETWORK_TF.replace('output "network_id"', 'output "renamed"'))
    with pytest.raises(ValidationFailed) as refused:
        template_service.create_version(ADMIN, network.id, "2", ModuleSource(url=str(module)), LIMITS)
    assert refused.value.errors["wiring"] == [f"output 'network_id' is wired into variable 'network_id' of "
                                              f"template {application.id}"]


# -- parents at creation ------------------------------------------------------------------------------------

def test_a_required_parent_must_be_given(application, network):
    with pytest.raises(ValidationFailed) as refused:
        _app(application)
    assert refused.value.errors["parent_ids"] == [f"a parent of template {network.id} is required"]


def test_a_wired_variable_given_by_hand_is_422_naming_its_source(application, network):
    parent = _net(network, name="net-a")
    with pytest.raises(ValidationFailed) as refused:
        _app(application, parent, variables={"network_id": "mine"})
    assert refused.value.errors["variables"] == {"network_id": ["set from parent net-a output network_id"]}


def test_a_parent_of_a_template_not_declared_is_422(application):
    stranger = ResourceFactory(name="greeter-1", state=State.PROVISIONED, status=Status.DONE)
    with pytest.raises(ValidationFailed, match="invalid parents") as refused:
        _app(application, stranger)
    assert "greeter-1: this template does not build on" in refused.value.errors["parent_ids"][0]


def test_a_destroyed_parent_is_422(application, network):
    gone = _net(network, name="net-gone", state=State.DESTROYED)
    with pytest.raises(ValidationFailed) as refused:
        _app(application, gone)
    assert refused.value.errors["parent_ids"] == ["net-gone: destroyed or marked for destruction"]


def test_a_hidden_parent_answers_as_an_unknown_one(application, network):
    hidden = _net(network, owner="user:default/bob")
    alice = member("user:default/alice")
    with pytest.raises(ResourceNotFound, match=f"resource {hidden.id} not found"):
        _app(application, hidden, actor=alice)


def test_a_child_of_a_provisioned_parent_is_ready(application, network):
    child = _app(application, _net(network))
    assert (child.status, child.pending_reason, [p.parent_id for p in child.parents]) == \
        ("ready", None, [child.parents[0].parent_id])


def test_a_child_waits_pending_and_cannot_be_provisioned(application, network):
    parent = _net(network, name="net-b", state=State.PROVISION, status=Status.QUEUED)
    child = _app(application, parent)
    assert (child.status, child.pending_reason) == ("pending", "waiting for parent net-b (provision, queued) to "
                                                               "be provisioned")
    assert resource_service.allowed_actions(ADMIN, child.id) == ["delete"]
    with pytest.raises(InvalidResourceTransition) as refused:
        run_service.create_run(ADMIN, child.id, RunKind.PROVISION)
    assert refused.value.extra["pending_reason"] == child.pending_reason


def test_the_last_parent_provisioned_makes_its_children_ready(application, network):
    parent = _net(network, state=State.PROVISION, status=Status.IN_PROGRESS)
    waiting, eager = _app(application, parent), resource_service.create_resource(
        ADMIN, "eager", application.id, {}, parent_ids=[parent.id], auto_provision=True)
    to_provision = resource_service.mark_run_finished(ADMIN, parent.id, True, parent.outputs, parent.secret_outputs)
    assert to_provision == [eager.id]
    for child in (waiting, eager):
        assert (resource_service.get_resource(ADMIN, child.id).status, child.pending_reason) == ("ready", None)


def test_a_failed_parent_leaves_its_children_pending(application, network):
    parent = _net(network, state=State.PROVISION, status=Status.IN_PROGRESS)
    child = _app(application, parent)
    assert resource_service.mark_run_finished(ADMIN, parent.id, False, None) == []
    assert resource_service.get_resource(ADMIN, child.id).status == "pending"


def test_approval_of_a_child_whose_parent_waits_leads_to_pending(network, db_session):
    gated = TemplateVersionFactory(template__name="gated-app", template__requires_approval=True,
                                   main_tf=APP_TF).template
    template_dependencies.declare(PLATFORM, gated.id, network.id, WIRING)
    child = _app(gated, _net(network, state=State.PROVISION, status=Status.READY))
    assert child.status == "approval_pending"
    assert resource_service.approve(PLATFORM, child.id).status == "pending"  # not whoever asked


def test_a_run_gets_the_wired_values_from_the_parents_current_outputs(application, network):
    child = _app(application, _net(network), variables={"name": "shop"})
    variables, secrets = resource_service.run_variables(child.id)
    assert variables == {"name": "shop", "network_id": "net-1", "db_password": "pw-secret-1"}
    assert secrets == ["pw-secret-1"]


# -- destroy order ------------------------------------------------------------------------------------------

def test_a_parent_with_live_children_cannot_be_destroyed_or_deleted(application, network):
    parent = _net(network, name="net-c")
    child = _app(application, parent)
    with pytest.raises(Conflict, match="1 resource") as refused:
        run_service.create_run(ADMIN, parent.id, RunKind.DESTROY)
    assert refused.value.extra["children"] == [{"id": str(child.id), "name": child.name, "state": "provision",
                                                "status": "ready"}]
    assert resource_service.get_resource(ADMIN, parent.id).state == "provisioned"  # nothing changed
    waiting_on = _net(network, name="net-d", state=State.PROVISION, status=Status.READY)
    resource_service.create_resource(ADMIN, "waits", application.id, {}, parent_ids=[waiting_on.id])
    with pytest.raises(Conflict, match="cannot delete the record of net-d"):
        resource_service.delete_resource(ADMIN, waiting_on.id)


def test_the_tree_is_depth_first_and_leaves_out_what_the_caller_cannot_see(application, network):
    edge = TemplateVersionFactory(template__name="edge").template  # the greeter, built on the app
    template_dependencies.declare(PLATFORM, edge.id, application.id, [])
    root = _net(network, name="net-t")
    first = resource_service.create_resource(ADMIN, "a", application.id, {}, parent_ids=[root.id])
    resource_service.create_resource(ADMIN, "b", application.id, {}, parent_ids=[root.id])
    resource_service.create_resource(ADMIN, "edge-1", edge.id, {"name": "x"}, parent_ids=[first.id])
    resource_service.create_resource(ADMIN, "c-bobs", application.id, {}, parent_ids=[root.id],
                                     owner="user:default/bob")
    down = resource_tree.tree(ADMIN, root.id)
    assert [(n["name"], n["depth"]) for n in down["nodes"]] == [("a", 1), ("edge-1", 2), ("b", 1), ("c-bobs", 1)]
    up = resource_tree.tree(ADMIN, first.id, "parents")
    assert [(n["name"], n["depth"], n["via"]) for n in up["nodes"]] == [("net-t", 1, first.id)]
    # The admin's own service account, as a member: it owns all but bob's.
    as_member = member("service-account:test-admin")
    assert [n["name"] for n in resource_tree.tree(as_member, root.id)["nodes"]] == ["a", "edge-1", "b"]
