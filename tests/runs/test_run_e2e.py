"""End to end through the HTTP API, PostgreSQL, RabbitMQ, a real worker process and a real engine."""

import textwrap

import pytest
from factories import FAILING_TF, GREETER_TF, bearer, git_repo_with_module, make_token, write_module
from support import wait_for

from service.messaging import EXECUTE_RUN

pytestmark = pytest.mark.e2e


@pytest.fixture
def admin(committed_db):
    return bearer(make_token("admin", "e2e-admin"))


@pytest.fixture
def api(app, committed_db, worker_process, admin):
    client = app.test_client()

    class Api:
        def get(self, path, **kw):
            response = client.get(f"/api/v1{path}", headers=admin, **kw)
            assert response.status_code == 200, response.json
            return response.json

        def post(self, path, json=None, expect=(200, 201, 202)):
            response = client.post(f"/api/v1{path}", json=json, headers=admin)
            assert response.status_code in expect, response.json
            return response.json

        def delete(self, path):
            return client.delete(f"/api/v1{path}", headers=admin)

        def settle(self, resource_id):
            """The resource once its run has finished."""
            return wait_for(
                lambda: (r := self.get(f"/resources/{resource_id}"))["status"] not in ("queued", "in_progress") and r,
                what=f"resource {resource_id} to settle",
            )

        def template_version(self, module_source: dict, name="greeter"):
            template = self.post("/templates/", {"name": name})
            version = self.post(f"/templates/{template['id']}/versions", {"version": "1.0.0", "source": module_source})
            return template, version

    return Api()


def test_template_from_git_to_provisioned_to_destroyed_and_deleted(api, tmp_path):
    repo = git_repo_with_module(tmp_path / "repo", GREETER_TF)
    template, _ = api.template_version({"url": f"file://{repo}", "ref": "v1.0.0", "path": "modules/greeter"})
    resource = api.post("/resources/", {"name": "web", "template_id": template["id"],
                                        "variables": {"name": "e2e", "count_of": 2, "token": "tok-secret-42"}})

    run = api.post(f"/resources/{resource['id']}/provision")
    settled = api.settle(resource["id"])
    assert (settled["state"], settled["status"]) == ("provisioned", "done")
    assert settled["outputs"]["greetings"] == {"sensitive": False, "value": ["hello e2e 0", "hello e2e 1"]}
    assert settled["outputs"]["token_echo"] == {"sensitive": True, "value": "(sensitive)"}

    finished = api.get(f"/runs/{run['id']}")
    assert finished["status"] == "succeeded"
    assert finished["started_at"] and finished["finished_at"] and finished["duration_seconds"] >= 0
    logs = api.get(f"/runs/{run['id']}/logs")
    assert logs["complete"] is True
    assert any("Apply complete! Resources: 2 added" in line for line in logs["lines"])

    destroy = api.post(f"/resources/{resource['id']}/destroy")
    assert destroy["kind"] == "destroy"
    settled = api.settle(resource["id"])
    assert (settled["state"], settled["status"]) == ("destroyed", "done")
    destroy_log = api.get(f"/runs/{destroy['id']}/logs")["lines"]
    assert any("Destroy complete! Resources: 2 destroyed" in line for line in destroy_log)

    assert [r["kind"] for r in api.get(f"/resources/{resource['id']}/runs")] == ["destroy", "provision"]
    assert api.delete(f"/resources/{resource['id']}").status_code == 204
    actions = [e["action"] for e in api.get(f"/audit-logs/?entity_id={resource['id']}&page_size=50")]
    assert actions == ["resource.delete", "resource.run_succeeded", "resource.destroy", "resource.run_succeeded",
                       "resource.provision", "resource.create"]


def test_a_failing_apply_ends_in_error_with_the_reason_and_its_log(api, tmp_path):
    template, _ = api.template_version({"url": str(write_module(tmp_path / "m", FAILING_TF))}, name="failing")
    resource = api.post("/resources/", {"name": "bad", "template_id": template["id"], "variables": {"name": "x"}})
    run = api.post(f"/resources/{resource['id']}/provision")
    settled = api.settle(resource["id"])
    assert (settled["state"], settled["status"]) == ("provision", "error")
    failed = api.get(f"/runs/{run['id']}")
    assert failed["status"] == "failed"
    assert "apply failed" in failed["error"]
    assert any("about to fail for x" in line for line in api.get(f"/runs/{run['id']}/logs")["lines"])
    # Nothing is stuck: the failed resource can be cleaned up.
    api.post(f"/resources/{resource['id']}/destroy")
    assert api.settle(resource["id"])["state"] == "destroyed"


def test_state_kept_by_the_platform_lets_a_reapply_change_nothing(api, tmp_path):
    template, _ = api.template_version({"url": str(write_module(tmp_path / "m", GREETER_TF))})
    resource = api.post("/resources/", {"name": "web", "template_id": template["id"], "variables": {"name": "s"}})
    api.post(f"/resources/{resource['id']}/provision")
    api.settle(resource["id"])
    second = api.post(f"/resources/{resource['id']}/provision")
    api.settle(resource["id"])
    lines = api.get(f"/runs/{second['id']}/logs")["lines"]
    assert any("0 added, 0 changed, 0 destroyed" in line for line in lines)


def test_a_duplicate_delivery_runs_the_engine_once(api, app, tmp_path):
    marker = tmp_path / "applies.txt"
    module = write_module(tmp_path / "m", textwrap.dedent(f'''
        resource "terraform_data" "once" {{
          provisioner "local-exec" {{
            command = "sleep 1; echo applied >> {marker}"
          }}
        }}
    '''))
    template, _ = api.template_version({"url": str(module)}, name="once")
    resource = api.post("/resources/", {"name": "once", "template_id": template["id"], "variables": {}})
    run = api.post(f"/resources/{resource['id']}/provision")
    celery = app.extensions["infrakitchen_celery"]
    for _ in range(2):  # the same message twice more, as a broker redelivery would
        celery.send_task(EXECUTE_RUN, args=[run["id"]], queue=celery.settings.run_queue)
    api.settle(resource["id"])
    wait_for(lambda: api.get(f"/runs/{run['id']}")["status"] == "succeeded", what="run to succeed")
    assert marker.read_text().splitlines() == ["applied"]


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
    template, _ = api.template_version({"url": str(module)}, name="leaky")
    resource = api.post("/resources/", {"name": "leak", "template_id": template["id"],
                                        "variables": {"password": "correct-horse-battery"}})
    run = api.post(f"/resources/{resource['id']}/provision")
    api.settle(resource["id"])
    lines = api.get(f"/runs/{run['id']}/logs")["lines"]
    assert any("the password is ***" in line for line in lines)
    assert not any("correct-horse-battery" in line for line in lines)
