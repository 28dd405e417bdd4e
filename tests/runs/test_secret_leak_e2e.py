"""Known secrets, one stored as an integration and one as a sensitive variable, used by a module that prints them
plainly and encoded and passes one off as a plain output: they appear in no API response, run log, audit entry,
nor in the worker's or the API server's own log output, in any of those forms."""

import base64
import json
import os
import subprocess
import sys
import textwrap

import pytest
from factories.auth import bearer, make_token
from factories.modules import write_module
from support import wait_for

pytestmark = pytest.mark.e2e

SECRET = "sk-live-7f3a9c2e-never-show-me"
PASSWORD = "pw-9d41b7e0-also-hidden"
ECHO_TF = textwrap.dedent('''
    variable "password" {
      type      = string
      sensitive = true
    }
    resource "terraform_data" "uses_credentials" {
      provisioner "local-exec" {
        command = <<-EOT
          echo the key is $VENDOR_API_KEY; echo the key is $VENDOR_API_KEY >&2
          printf %s "$VENDOR_API_KEY" | base64
          printf %s "$VENDOR_API_KEY" | od -An -tx1 | tr -d ' \\n'; echo
        EOT
      }
    }
    output "key_length" {
      value = 29
    }
    output "laundered" {
      value = nonsensitive(base64encode(var.password))
    }
''')


def _forms(secret: str) -> list[str]:
    return [secret, json.dumps(secret), base64.b64encode(secret.encode()).decode(), secret.encode().hex()]


def test_a_known_secret_reaches_the_run_but_nothing_shows_it(isolated, tmp_path, caplog):
    caplog.set_level("DEBUG")  # the API's own log output, at its most talkative
    env, client = isolated
    token = make_token("admin", "leak-hunter")
    headers = bearer(token)
    bodies = []

    def call(method, path, json_body=None):
        response = getattr(client, method)(f"/api/v1{path}", json=json_body, headers=headers)
        assert response.status_code < 300, response.json
        bodies.append(response.get_data(as_text=True))
        return response.json

    integration = call("post", "/integrations/", {"name": "vendor", "kind": "env",
                                                  "values": {"VENDOR_API_KEY": SECRET}})
    template = call("post", "/templates/", {"name": "echo"})
    call("post", f"/templates/{template['id']}/versions",
         {"version": "1", "source": {"url": str(write_module(tmp_path / "m", ECHO_TF))}})
    resource = call("post", "/resources/", {"name": "echo", "template_id": template["id"],
                                            "variables": {"password": PASSWORD},
                                            "integration_ids": [integration["id"]]})

    worker_log = tmp_path / "worker.log"
    with open(worker_log, "w") as log_file:
        worker = subprocess.Popen([sys.executable, "-m", "service.cli", "worker"], env={**os.environ, **env},
                                  stdout=log_file, stderr=subprocess.STDOUT)
        try:
            run = call("post", f"/resources/{resource['id']}/provision")
            wait_for(lambda: call("get", f"/runs/{run['id']}")["status"] == "succeeded", timeout=60,
                     what="the run to succeed")
        finally:
            worker.terminate()
            worker.wait(timeout=30)

    logs = call("get", f"/runs/{run['id']}/logs")
    assert sum("the key is ***" in line for line in logs["lines"]) == 2, "the module got the secret and printed it"
    assert call("get", f"/resources/{resource['id']}")["outputs"]["laundered"]["value"] == "***"
    call("get", f"/resources/{resource['id']}/runs")
    call("get", f"/integrations/{integration['id']}")
    call("get", "/audit-logs/?page_size=100")
    call("get", f"/resources/{resource['id']}/state/versions")
    everything = "\n".join(bodies) + worker_log.read_text() + caplog.text
    for form in _forms(SECRET) + _forms(PASSWORD):
        assert form not in everything
