"""Version lifecycles: preview for the platform team only, the newest active as the default, deprecated shown as
an upgrade on its resources, archived taking no runs but destroy; and the golden-state report."""

import pytest
from factories.auth import ADMIN, MEMBER, PLATFORM, member
from factories.resources import ResourceFactory
from factories.templates import TemplateFactory, TemplateVersionFactory

from service.changes import change_service
from service.errors import InvalidState, ValidationFailed
from service.resources import resource_service
from service.resources.resource_states import State, Status
from service.runs import run_service
from service.runs.run_model import RunKind
from service.templates import template_service
from service.templates.template_model import Lifecycle


@pytest.fixture
def versions(db_session):
    """v1 (active), v2 (active, newest active), v3 (preview) of one template."""
    template = TemplateFactory(name="bucket")
    return {name: TemplateVersionFactory(template=template, version=name, lifecycle=lifecycle)
            for name, lifecycle in (("1", "active"), ("2", "active"), ("3", "preview"))}


def _lifecycle(versions, name, lifecycle):
    version = versions[name]
    return template_service.set_version_lifecycle(PLATFORM, version.template_id, version.id, lifecycle)


def test_new_resources_get_the_newest_active_version_and_preview_is_for_the_platform_team(versions):
    template_id = versions["1"].template_id
    assert template_service.resolve_version(MEMBER, template_id, None).version == "2"
    with pytest.raises(ValidationFailed) as refused:
        template_service.resolve_version(MEMBER, template_id, versions["3"].id)
    assert refused.value.errors == {"template_version_id": ["in preview: only the platform team may use it yet"]}
    assert template_service.resolve_version(PLATFORM, template_id, versions["3"].id).version == "3"


def test_a_deprecated_version_takes_no_new_resources_and_its_resources_see_the_upgrade(versions):
    _lifecycle(versions, "1", Lifecycle.DEPRECATED)
    with pytest.raises(ValidationFailed, match="deprecated"):
        template_service.resolve_version(ADMIN, versions["1"].template_id, versions["1"].id)
    old = ResourceFactory(version=versions["1"], state=State.PROVISIONED, status=Status.DONE)
    current = ResourceFactory(version=versions["2"])
    upgrade = {"version_id": str(versions["2"].id), "version": "2"}
    assert resource_service.show_resource(ADMIN, old.id)["upgrade_available"] == upgrade
    listed = {r["id"]: r["upgrade_available"] for r in resource_service.list_resources(ADMIN, {}, "name", 1, 50)[0]}
    assert listed == {str(old.id): upgrade, str(current.id): None}
    assert versions["1"].deprecated is True  # what older clients read


def test_an_archived_version_takes_no_runs_but_destroy_and_a_change_moves_off_it(versions):
    resource = ResourceFactory(version=versions["1"], state=State.PROVISIONED, status=Status.DONE,
                               variables={"name": "x"})
    _lifecycle(versions, "1", Lifecycle.ARCHIVED)
    change = change_service.request_change(ADMIN, resource.id, {}, template_version_id=versions["2"].id)
    assert change_service.plan(ADMIN, change.id).kind == "plan"  # runs the change's (active) version
    run_service.cancel_run(ADMIN, change.plan_run_id)
    assert run_service.create_run(ADMIN, resource.id, RunKind.DESTROY).kind == "destroy"
    with pytest.raises(InvalidState, match="archived"):
        run_service.create_run(ADMIN, resource.id, RunKind.PLAN)


def test_a_change_cannot_move_a_resource_to_a_retired_version(versions):
    resource = ResourceFactory(version=versions["2"], state=State.PROVISIONED, status=Status.DONE,
                               variables={"name": "x"})
    _lifecycle(versions, "1", Lifecycle.ARCHIVED)
    with pytest.raises(ValidationFailed) as refused:
        change_service.request_change(ADMIN, resource.id, {}, template_version_id=versions["1"].id)
    assert refused.value.errors == {"template_version_id": ["archived: pick a newer version"]}


def test_the_golden_state_counts_live_resources_per_version(versions):
    for version, owner in (("1", ADMIN.subject), ("2", ADMIN.subject), ("2", "user:default/alice")):
        ResourceFactory(version=versions[version], owner=owner, state=State.PROVISIONED, status=Status.DONE)
    ResourceFactory(version=versions["1"], state=State.DESTROYED, status=Status.DONE)  # not counted
    (report,) = resource_service.golden_state(ADMIN, versions["1"].template_id)
    assert (report["golden_version"], report["total"], report["on_golden"], report["share_on_golden"]) == (
        "2", 3, 2, 0.6667)
    assert [(v["version"], v["lifecycle"], v["resources"]) for v in report["versions"]] == [
        ("3", "preview", 0), ("2", "active", 2), ("1", "active", 1)]
    alice = member("user:default/alice")
    (alices,) = [r for r in resource_service.golden_state(alice) if r["template_name"] == "bucket"]
    assert (alices["total"], alices["on_golden"]) == (1, 1)  # only what she sees


def test_a_template_without_versions_has_an_empty_golden_state(db_session):
    template = TemplateFactory(name="empty")
    assert resource_service.golden_state(ADMIN, template.id)[0]["total"] == 0
