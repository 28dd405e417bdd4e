"""Plans, cancels and timeouts with a real worker, engine, PostgreSQL and RabbitMQ."""

import dataclasses
import json
import textwrap

import pytest
from factories import GREETER_TF, bearer, make_token, write_module
from support import wait_for

from service.runs import run_sweeper

pytestmark = pytest.mark.e2e

SLOW_TF = textwrap.dedent('''
    variable "name" {
      type = string
    }
    resource "terraform_data" "slow" {
      provisioner "local-exec" {
        command = "echo starting; sleep 60"
      }
    }
''')


@pytest.fixture
def api(app, committed_db, worker_process):
    client = app.test_client()
    admin = bearer(make_token("admin", "control-admin"))

    def call(method, path, json=None):
        response = getattr(client, method)(f"/api/v1{path}", json=json, headers=admin)
        assert response.status_code < 300, response.json
        return response.json

    return call


def _resource(api, tmp_path, main_tf, name):
    template = api("post", "/templates/", {"name": name})
    api("post", f"/templates/{template['id']}/versions",
        {"version": "1", "source": {"url": str(write_module(tmp_path / name, main_tf))}})
    return api("post", "/resources/", {"name": name, "template_id": template["id"], "variables": {"name": "p"}})


def _finished(api, run_id):
    return wait_for(lambda: (r := api("get", f"/runs/{run_id}"))["status"] not in ("queued", "running") and r,
                    timeout=60, what=f"run {run_id} to finish")


def test_a_plan_reports_what_would_change_and_changes_nothing(api, tmp_path):
    resource = _resource(api, tmp_path, GREETER_TF, "planned")
    run = _finished(api, api("post", f"/resources/{resource['id']}/plan")["id"])
    assert run["status"] == "succeeded"
    summary = run["plan_summary"]
    assert (summary["add"], summary["change"], summary["destroy"], summary["has_changes"]) == (1, 0, 0, True)
    assert summary["resources"] == [{"address": "terraform_data.greeting[0]", "actions": ["create"]}]
    after = api("get", f"/resources/{resource['id']}")
    assert (after["state"], after["status"]) == ("provision", "ready")


def _running(api, resource):
    run = api("post", f"/resources/{resource['id']}/provision")
    wait_for(lambda: any("starting" in line for line in api("get", f"/runs/{run['id']}/logs")["lines"]),
             timeout=60, what="the slow apply to start")
    return run


def test_cancelling_a_running_apply_interrupts_it_and_reports_truthfully(api, tmp_path):
    resource = _resource(api, tmp_path, SLOW_TF, "slow")
    run = _running(api, resource)
    api("post", f"/runs/{run['id']}/cancel")
    finished = _finished(api, run["id"])
    assert finished["status"] == "cancelled"
    assert finished["error"] == "cancelled by service-account:control-admin"
    assert api("get", f"/resources/{resource['id']}")["status"] == "error"


def test_force_cancel_kills_at_once(api, tmp_path):
    resource = _resource(api, tmp_path, SLOW_TF, "forced")
    run = _running(api, resource)
    api("post", f"/runs/{run['id']}/cancel", {"force": True})
    assert _finished(api, run["id"])["status"] == "cancelled"
    # Nothing stuck: the killed engine's state lock is gone and the resource takes another run.
    assert api("get", f"/resources/{resource['id']}/state/lock-status") == {"locked": False}
    assert _finished(api, api("post", f"/resources/{resource['id']}/plan")["id"])["status"] == "succeeded"


def _provisioned(api, tmp_path, name):
    resource = _resource(api, tmp_path, GREETER_TF, name)
    _finished(api, api("post", f"/resources/{resource['id']}/provision")["id"])
    return resource


def _check_drift(settings, api, resource):
    assert run_sweeper.schedule_drift_checks(settings) == 1
    runs = api("get", f"/resources/{resource['id']}/runs?kind=drift_check")
    return _finished(api, runs[0]["id"])


def test_a_drift_check_without_changes_leaves_the_resource_done(api, settings, tmp_path):
    resource = _provisioned(api, tmp_path, "steady")
    check = _check_drift(dataclasses.replace(settings, drift_check_interval_seconds=3600), api, resource)
    assert (check["status"], check["plan_summary"]["has_changes"]) == ("succeeded", False)
    assert api("get", f"/resources/{resource['id']}")["status"] == "done"
    assert run_sweeper.schedule_drift_checks(dataclasses.replace(settings, drift_check_interval_seconds=3600)) == 0


def test_state_changed_behind_the_platforms_back_is_reported_as_drift(api, app, settings, tmp_path):
    resource = _provisioned(api, tmp_path, "drifty")
    client, admin = app.test_client(), bearer(make_token("admin", "hand-editor"))
    state = json.loads(client.get(f"/api/v1/resources/{resource['id']}/state", headers=admin).data)
    attributes = state["resources"][0]["instances"][0]["attributes"]
    attributes["input"]["value"] = attributes["output"]["value"] = "changed by hand"
    state["serial"] += 1
    response = client.post(f"/api/v1/resources/{resource['id']}/state", data=json.dumps(state), headers=admin)
    assert response.status_code == 200
    check = _check_drift(dataclasses.replace(settings, drift_check_interval_seconds=3600), api, resource)
    assert check["plan_summary"]["has_changes"] is True
    assert api("get", f"/resources/{resource['id']}")["status"] == "unknown"
    audit = api("get", f"/audit-logs/?entity_id={resource['id']}&action=resource.drift_summary")
    assert audit[0]["after"]["resources"][0]["address"] == "terraform_data.greeting[0]"
