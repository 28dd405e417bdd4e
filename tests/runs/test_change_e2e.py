"""Change requests with real runs: edit a provisioned resource (plan, apply, new outputs), a failed apply that
keeps the old values, and an upgrade to a version that drops a variable and needs a new one."""

import pytest
from factories.auth import make_token
from factories.modules import GREETER_TF, write_module
from support import Api

pytestmark = pytest.mark.e2e
V2_TF = GREETER_TF.replace('variable "tags" {\n  type    = map(string)\n  default = {}\n}',
                           'variable "region" {\n  type = string\n}').replace('"hello ${var.name}',
                                                                               '"hello ${var.name} in ${var.region}')


@pytest.fixture
def api(app, committed_db, worker_process):
    return Api(app.test_client(), make_token("admin", "change-admin"))


def _provisioned(api, template, variables):
    resource = api.resource(template, "edited", variables)
    api("post", f"/resources/{resource['id']}/provision")
    assert api.settled(resource["id"])["status"] == "done"
    return resource


def test_an_edit_is_planned_then_applied_and_a_failed_one_keeps_the_old_values(api, tmp_path):
    resource = _provisioned(api, api.template(tmp_path, "greeter"), {"name": "world", "token": "tok-1"})
    change = api("patch", f"/resources/{resource['id']}", {"variables": {"name": "mars"}}, expect=201)
    assert (change["status"], change["diff"]) == ("open", [{"name": "variables.name", "old": "world",
                                                            "new": "mars"}])
    assert api("get", f"/resources/{resource['id']}")["variables"]["name"] == "world"  # until applied

    plan = api.finished_run(api("post", f"/changes/{change['id']}/plan")["id"])
    assert plan["status"] == "succeeded", plan["error"]
    summary = api("get", f"/changes/{change['id']}")["plan_summary"]
    assert summary["has_changes"] is True
    assert [r["address"] for r in summary["resources"]] == ["terraform_data.greeting[0]"]

    api.finished_run(api("post", f"/changes/{change['id']}/apply")["id"])
    applied = api("get", f"/resources/{resource['id']}")
    assert (applied["variables"]["name"], applied["outputs"]["greetings"]["value"]) == ("mars", ["hello mars 0"])
    assert api("get", f"/changes/{change['id']}")["status"] == "applied"

    broken = api("patch", f"/resources/{resource['id']}", {"variables": {"count_of": -1}}, expect=201)
    run = api.finished_run(api("post", f"/changes/{broken['id']}/apply")["id"])
    assert run["status"] == "failed"
    after = api("get", f"/resources/{resource['id']}")
    assert (after["variables"].get("count_of"), after["outputs"]["greetings"]["value"]) == (None, ["hello mars 0"])
    failed = api("get", f"/changes/{broken['id']}")
    assert (failed["status"], failed["error"]) == ("failed", run["error"])
    assert [c["status"] for c in api("get", f"/resources/{resource['id']}/changes")] == ["failed", "applied"]
    kinds = [e["type"] for e in api("get", f"/events?after=0&resource_id={resource['id']}")["events"]]
    assert {"change.created", "change.updated"} <= set(kinds)
    assert "tok-1" not in str(api("get", f"/events?after=0&resource_id={resource['id']}"))


def test_an_upgrade_drops_a_variable_needs_the_new_one_and_runs_the_new_module(api, tmp_path):
    template = api.template(tmp_path, "greeter")
    resource = _provisioned(api, template, {"name": "world", "tags": {"team": "a"}})
    v2 = api("post", f"/templates/{template['id']}/versions", {"version": "2.0.0", "source": {
        "url": str(write_module(tmp_path / "v2", V2_TF))}})
    refused = api("patch", f"/resources/{resource['id']}", {"template_version_id": v2["id"]}, expect=422)
    assert refused["errors"] == {"variables": {"region": ["required: the module gives it no default"]}}
    change = api("patch", f"/resources/{resource['id']}", {"template_version_id": v2["id"],
                                                          "variables": {"region": "eu"}}, expect=201)
    assert [d["name"] for d in change["diff"]] == ["template_version", "variables.region", "variables.tags"]
    assert change["diff"][2]["dropped"] is True
    api.finished_run(api("post", f"/changes/{change['id']}/plan")["id"])
    assert api("get", f"/changes/{change['id']}")["plan_summary"]["has_changes"] is True
    run = api.finished_run(api("post", f"/changes/{change['id']}/apply")["id"])
    assert run["status"] == "succeeded", run["error"]
    upgraded = api("get", f"/resources/{resource['id']}")
    assert (upgraded["template_version"], upgraded["variables"]) == ("2.0.0", {"name": "world", "region": "eu"})
    assert upgraded["outputs"]["greetings"]["value"] == ["hello world in eu 0"]
