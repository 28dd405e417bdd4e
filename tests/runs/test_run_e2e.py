"""End to end through the HTTP API, PostgreSQL, RabbitMQ, a real worker process and a real engine."""

import textwrap

import pytest
from factories.auth import make_token
from factories.modules import FAILING_TF, git_repo_with_module, write_module
from support import Api, wait_for

from service.messaging import EXECUTE_RUN

pytestmark = pytest.mark.e2e


@pytest.fixture
def api(app, committed_db, worker_process):
    return Api(app.test_client(), make_token("admin", "e2e-admin"))


def _from_git(api, tmp_path):
    """A resource of a template registered from a tagged git repository."""
    repo = git_repo_with_module(tmp_path / "repo")
    template = api.template(tmp_path, "greeter",
                            source={"url": f"file://{repo}", "ref": "v1.0.0", "path": "modules/greeter"})
    return api.resource(template, "web", {"name": "e2e", "count_of": 2, "token": "tok-secret-42"})


def _provisioned(api, tmp_path):
    resource = _from_git(api, tmp_path)
    run = api("post", f"/resources/{resource['id']}/provision")
    return api.settled(resource["id"]), run


def test_a_template_from_git_provisions_with_its_outputs(api, tmp_path):
    settled, _ = _provisioned(api, tmp_path)
    assert (settled["state"], settled["status"]) == ("provisioned", "done")
    assert settled["outputs"]["greetings"] == {"sensitive": False, "value": ["hello e2e 0", "hello e2e 1"]}
    assert settled["outputs"]["token_echo"] == {"sensitive": True, "value": "(sensitive)"}


def test_a_finished_provision_has_its_timings_and_its_whole_log(api, tmp_path):
    _, run = _provisioned(api, tmp_path)
    finished = api("get", f"/runs/{run['id']}")
    assert finished["status"] == "succeeded"
    assert finished["started_at"] and finished["finished_at"] and finished["duration_seconds"] >= 0
    logs = api("get", f"/runs/{run['id']}/logs")
    assert logs["complete"] is True
    assert any("Apply complete! Resources: 2 added" in line for line in logs["lines"])


def test_a_provisioned_resource_is_destroyed_with_its_log(api, tmp_path):
    resource, _ = _provisioned(api, tmp_path)
    destroy = api("post", f"/resources/{resource['id']}/destroy")
    assert destroy["kind"] == "destroy"
    settled = api.settled(resource["id"])
    assert (settled["state"], settled["status"]) == ("destroyed", "done")
    destroy_log = api("get", f"/runs/{destroy['id']}/logs")["lines"]
    assert any("Destroy complete! Resources: 2 destroyed" in line for line in destroy_log)
    assert [r["kind"] for r in api("get", f"/resources/{resource['id']}/runs")] == ["destroy", "provision"]


def test_a_destroyed_resource_is_deleted_and_its_audit_trail_stays(api, tmp_path):
    resource, _ = _provisioned(api, tmp_path)
    api("post", f"/resources/{resource['id']}/destroy")
    api.settled(resource["id"])
    api("delete", f"/resources/{resource['id']}", expect=204)
    actions = [e["action"] for e in api("get", f"/audit-logs/?entity_id={resource['id']}&page_size=50")]
    assert actions == ["resource.delete", "resource.run_succeeded", "resource.destroy", "resource.run_succeeded",
                       "resource.provision", "resource.create"]


def _failed(api, tmp_path):
    resource = api.resource(api.template(tmp_path, "failing", FAILING_TF), "bad", {"name": "x"})
    run = api("post", f"/resources/{resource['id']}/provision")
    return api.settled(resource["id"]), run


def test_a_failing_apply_ends_in_error_with_the_reason_and_its_log(api, tmp_path):
    settled, run = _failed(api, tmp_path)
    assert (settled["state"], settled["status"]) == ("provision", "error")
    failed = api("get", f"/runs/{run['id']}")
    assert failed["status"] == "failed"
    assert "apply failed" in failed["error"]
    assert any("about to fail for x" in line for line in api("get", f"/runs/{run['id']}/logs")["lines"])


def test_a_resource_whose_apply_failed_can_be_destroyed(api, tmp_path):
    resource, _ = _failed(api, tmp_path)
    api("post", f"/resources/{resource['id']}/destroy")
    assert api.settled(resource["id"])["state"] == "destroyed"


def test_state_kept_by_the_platform_lets_a_reapply_change_nothing(api, tmp_path):
    resource = api.resource(api.template(tmp_path, "greeter"), "web", {"name": "s"})
    api("post", f"/resources/{resource['id']}/provision")
    api.settled(resource["id"])
    second = api("post", f"/resources/{resource['id']}/provision")
    api.settled(resource["id"])
    lines = api("get", f"/runs/{second['id']}/logs")["lines"]
    assert any("0 added, 0 changed, 0 destroyed" in line for line in lines)


def test_a_duplicate_delivery_runs_the_engine_once(api, app, tmp_path, beacon):
    module = write_module(tmp_path / "m", textwrap.dedent(f'''
        resource "terraform_data" "once" {{
          provisioner "local-exec" {{
            command = "sleep 1; curl -fsS {beacon.url('/applied')}"
          }}
        }}
    '''))
    resource = api.resource(api.template(tmp_path, "once", source={"url": str(module)}), "once", {})
    run = api("post", f"/resources/{resource['id']}/provision")
    celery = app.extensions["infrakitchen_celery"]
    for _ in range(2):  # the same message twice more, as a broker redelivery would
        celery.send_task(EXECUTE_RUN, args=[run["id"]], queue=celery.settings.run_queue)
    api.settled(resource["id"])
    wait_for(lambda: api("get", f"/runs/{run['id']}")["status"] == "succeeded", what="run to succeed")
    assert beacon.hits["/applied"] == 1


def test_a_sensitive_value_never_reaches_the_log(api, tmp_path):
    module = write_module(tmp_path / "m", textwrap.dedent('''
        variable "password" {
          type      = string
          sensitive = true
        }
        resource "terraform_data" "leak" {
          provisioner "local-exec" {
            command = "echo the password is $PW"
            environment = { PW = nonsensitive(var.password) }
          }
        }
    '''))
    resource = api.resource(api.template(tmp_path, "leaky", source={"url": str(module)}), "leak",
                            {"password": "correct-horse-battery"})
    run = api("post", f"/resources/{resource['id']}/provision")
    api.settled(resource["id"])
    lines = api("get", f"/runs/{run['id']}/logs")["lines"]
    assert any("the password is ***" in line for line in lines)
