"""Plans, cancels and timeouts with a real worker, engine, PostgreSQL and RabbitMQ."""

import dataclasses
import json

import pytest
from factories.auth import make_token
from factories.modules import SLEEPY_TF, sleepy_variables
from support import Api, wait_for

from service.runs import run_sweeper

pytestmark = pytest.mark.e2e

@pytest.fixture
def api(app, committed_db, worker_process):
    return Api(app.test_client(), make_token("admin", "control-admin"))


def _greeter(api, tmp_path, name):
    return api.resource(api.template(tmp_path, name), name, {"name": "p"})


def _sleepy(api, tmp_path, beacon, name):
    return api.resource(api.template(tmp_path, name, SLEEPY_TF), name, sleepy_variables(beacon, 60))


def test_a_plan_reports_what_would_change_and_changes_nothing(api, tmp_path):
    resource = _greeter(api, tmp_path, "planned")
    run = api.finished_run(api("post", f"/resources/{resource['id']}/plan")["id"])
    assert run["status"] == "succeeded"
    summary = run["plan_summary"]
    assert (summary["add"], summary["change"], summary["destroy"], summary["has_changes"]) == (1, 0, 0, True)
    assert summary["resources"] == [{"address": "terraform_data.greeting[0]", "actions": ["create"]}]
    after = api("get", f"/resources/{resource['id']}")
    assert (after["state"], after["status"]) == ("provision", "ready")


def _running(api, resource):
    run = api("post", f"/resources/{resource['id']}/provision")
    wait_for(lambda: any("started" in line for line in api("get", f"/runs/{run['id']}/logs")["lines"]),
             timeout=60, what="the slow apply to start")
    return run


def test_cancelling_a_running_apply_interrupts_it_and_reports_truthfully(api, tmp_path, beacon):
    resource = _sleepy(api, tmp_path, beacon, "slow")
    run = _running(api, resource)
    api("post", f"/runs/{run['id']}/cancel")
    finished = api.finished_run(run["id"])
    assert finished["status"] == "cancelled"
    assert finished["error"] == "cancelled by service-account:control-admin"
    assert api("get", f"/resources/{resource['id']}")["status"] == "error"


def test_force_cancel_kills_at_once(api, tmp_path, beacon):
    resource = _sleepy(api, tmp_path, beacon, "forced")
    run = _running(api, resource)
    api("post", f"/runs/{run['id']}/cancel", {"force": True})
    assert api.finished_run(run["id"])["status"] == "cancelled"
    # Nothing stuck: the killed engine's state lock is gone and the resource takes another run.
    assert api("get", f"/resources/{resource['id']}/state/lock-status") == {"locked": False}
    assert api.finished_run(api("post", f"/resources/{resource['id']}/plan")["id"])["status"] == "succeeded"


def _provisioned(api, tmp_path, name):
    resource = _greeter(api, tmp_path, name)
    api.finished_run(api("post", f"/resources/{resource['id']}/provision")["id"])
    return resource


def _check_drift(settings, api, resource):
    assert run_sweeper.schedule_drift_checks(settings) == 1
    runs = api("get", f"/resources/{resource['id']}/runs?kind=drift_check")
    return api.finished_run(runs[0]["id"])


def test_a_drift_check_without_changes_leaves_the_resource_done(api, settings, tmp_path):
    resource = _provisioned(api, tmp_path, "steady")
    check = _check_drift(dataclasses.replace(settings, drift_check_interval_seconds=3600), api, resource)
    assert (check["status"], check["plan_summary"]["has_changes"]) == ("succeeded", False)
    assert api("get", f"/resources/{resource['id']}")["status"] == "done"
    assert run_sweeper.schedule_drift_checks(dataclasses.replace(settings, drift_check_interval_seconds=3600)) == 0


def test_state_changed_behind_the_platforms_back_is_reported_as_drift(api, settings, tmp_path):
    resource = _provisioned(api, tmp_path, "drifty")
    client, admin = api.client, api.headers
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
