"""Cascade destroy and changed parent outputs with real runs: a network, an app wired to it, a greeter on the app."""

import textwrap

import pytest
from factories.auth import make_token
from factories.modules import APP_TF, NETWORK_TF
from support import Api, wait_for

pytestmark = pytest.mark.e2e
WIRING = [{"output": "network_id", "variable": "network_id"}, {"output": "db_password", "variable": "db_password"}]
# A network whose outputs change on every apply (it is replaced each time).
ROTATING_NETWORK_TF = textwrap.dedent('''
    variable "cidr" {
      type    = string
      default = "10.0.0.0/16"
    }
    resource "terraform_data" "network" {
      input            = "net-${var.cidr}"
      triggers_replace = timestamp()
    }
    output "network_id" {
      value = "net-${substr(terraform_data.network.id, 0, 8)}"
    }
    output "db_password" {
      value     = "pw-${sha1(terraform_data.network.id)}"
      sensitive = true
    }
''')


@pytest.fixture
def api(app, committed_db, worker_process):
    return Api(app.test_client(), make_token("admin", "cascade-admin"))


def _layers(api, tmp_path, network_tf=NETWORK_TF):
    network_t, app_t = api.template(tmp_path, "network", network_tf), api.template(tmp_path, "app", APP_TF)
    api("post", f"/templates/{app_t['id']}/dependencies", {"parent_template_id": network_t["id"], "wiring": WIRING})
    network = api.resource(network_t, "net", {})
    app = api("post", "/resources/", {"name": "shop", "template_id": app_t["id"], "parent_ids": [network["id"]],
                                      "auto_provision": True})
    api("post", f"/resources/{network['id']}/provision")
    wait_for(lambda: api("get", f"/resources/{app['id']}")["status"] in ("done", "error"), what="the app")
    return network_t, app_t, network, app


def _operation(api, operation_id, *statuses):
    return wait_for(lambda: (o := api("get", f"/operations/{operation_id}"))["status"] in statuses and o,
                    timeout=120, what=f"operation to be {statuses}")


def test_a_cascade_that_fails_in_the_middle_keeps_what_is_above_and_a_retry_completes_it(api, tmp_path):
    _, app_t, network, app = _layers(api, tmp_path)
    greeter_t = api.template(tmp_path, "greeter")
    api("post", f"/templates/{greeter_t['id']}/dependencies", {"parent_template_id": app_t["id"], "wiring": []})
    greeter = api("post", "/resources/", {"name": "hello", "template_id": greeter_t["id"],
                                          "variables": {"name": "x"}, "parent_ids": [app["id"]]})
    api("post", f"/resources/{greeter['id']}/provision")
    assert api.settled(greeter["id"])["status"] == "done"

    plan = api("get", f"/resources/{network['id']}/cascade-destroy")
    assert [(s["resource_name"], s["action"]) for s in plan["steps"]] == [
        ("hello", "destroy"), ("shop", "destroy"), ("net", "destroy")]
    # Someone holds the app's state lock: its destroy cannot take it and fails.
    lock = api.client.open(f"/api/v1/resources/{app['id']}/state/lock", method="LOCK", json={"ID": "by-hand"},
                           headers=api.headers)
    assert lock.status_code == 200
    operation = api("post", f"/resources/{network['id']}/cascade-destroy")
    failed = _operation(api, operation["id"], "failed", "succeeded")
    assert [(s["resource_name"], s["status"]) for s in failed["steps"]] == [
        ("hello", "succeeded"), ("shop", "failed"), ("net", "waiting")]
    assert failed["error"].startswith("step 2 (shop)")
    assert api("get", f"/resources/{network['id']}")["state"] == "provisioned"  # nothing above a failure goes

    unlock = api.client.open(f"/api/v1/resources/{app['id']}/state/lock", method="UNLOCK", json={"ID": "by-hand"},
                             headers=api.headers)
    assert unlock.status_code == 200
    api("post", f"/operations/{operation['id']}/retry")
    done = _operation(api, operation["id"], "succeeded", "failed")
    assert done["status"] == "succeeded", done
    assert done["steps"][1]["attempts"] == 2
    runs = {s["resource_name"]: api("get", f"/runs/{s['run_id']}") for s in done["steps"]}
    assert runs["hello"]["finished_at"] < runs["shop"]["started_at"]  # leaves first
    assert runs["shop"]["finished_at"] < runs["net"]["started_at"]
    for resource in (network, app, greeter):
        assert api("get", f"/resources/{resource['id']}")["state"] == "destroyed"
    trail = api("get", f"/audit-logs/?entity_id={operation['id']}")
    assert {"operation.create", "operation.failed", "operation.retry", "operation.succeeded"} <= {
        entry["action"] for entry in trail}


def test_a_parents_changed_output_flags_its_child_until_applied_and_a_plan_shows_it(api, tmp_path):
    _, _, network, app = _layers(api, tmp_path, ROTATING_NETWORK_TF)
    assert api("get", f"/resources/{app['id']}")["parent_outputs_changed"] is False
    api("post", f"/resources/{network['id']}/provision")  # replaced: new outputs
    assert api.settled(network["id"])["status"] == "done"
    assert api("get", f"/resources/{app['id']}")["parent_outputs_changed"] is True

    plan = api.finished_run(api("post", f"/resources/{app['id']}/plan")["id"])
    assert plan["plan_summary"]["has_changes"] is True
    assert "terraform_data.app" in [r["address"] for r in plan["plan_summary"]["resources"]]
    api("post", f"/resources/{app['id']}/provision")
    assert api.settled(app["id"])["parent_outputs_changed"] is False
