"""Schemathesis against the committed openapi.yaml on a running server, in every phase (examples, coverage,
fuzzing, and stateful scenarios that follow the contract's links with real ids): no 5xx, and no status code,
content type or body the contract does not document."""

import os
import subprocess
import sys
import textwrap
from string import Template

import pytest
from factories.auth import ADMIN
from factories.modules import write_module
from factories.templates import make_template

from service.auth import auth_service
from service.integrations import integration_service
from service.openapi_file import OPENAPI_FILE

pytestmark = pytest.mark.e2e
HOOKS = os.path.join(os.path.dirname(__file__), "schemathesis_hooks.py")
# Its one variable has a default, so a resource needs no variables to be valid.
MODULE_TF = textwrap.dedent('''
    variable "name" {
      type    = string
      default = "world"
    }
    resource "terraform_data" "greeting" {
      input = "hello ${var.name}"
    }
''')
CONFIG = Template(textwrap.dedent('''
    # Generated ids are almost never real: POST /resources mostly names the seeded template (and its version), so
    # resources get made and the stateful phase follows their links to every {resource_id} path, and from
    # provision/plan/destroy to the run's.
    [dictionaries.template]
    values = ["$template_id"]
    [dictionaries.version]
    values = ["$version_id"]
    # GET /events long-polls for up to `wait` seconds (25 at most): mostly short waits keep the budget for testing.
    [dictionaries.short-wait]
    values = [0, 1]

    [phases.examples]
    fill-missing = true  # the contract has no examples: one generated case per operation instead
    [phases.stateful]
    max-steps = 10

    [[operations]]
    include-name = "POST /api/v1/resources/"
    [operations.parameters]
    "body.template_id" = { dictionary = "template", probability = 0.9 }
    "body.template_version_id" = { dictionary = "version", probability = 0.9 }

    [[operations]]
    include-name = "GET /api/v1/events/"
    [operations.parameters]
    "query.wait" = { dictionary = "short-wait", probability = 0.95 }
'''))


@pytest.fixture
def server(live_server, committed_db, app, tmp_path):
    """The session's live API server (live_server ends in /api/v1), an admin token for it and that account's id,
    a template with a version for resources, and an integration."""
    account, token = auth_service.create_service_account("schemathesis", "admin")
    template, version = make_template(write_module(tmp_path / "module", MODULE_TF), name="schemathesis-module")
    integration_service.create_integration(ADMIN, app.extensions["secret_box"], "schemathesis-env", "env",
                                           {"GREETING": "hello"})
    return live_server.removesuffix("/api/v1"), token, str(account.id), template, version


def test_the_api_honours_its_contract_under_generated_input(server, tmp_path):
    base, token, account_id, template, version = server
    config = tmp_path / "schemathesis.toml"
    config.write_text(CONFIG.substitute(template_id=template.id, version_id=version.id))
    result = subprocess.run(
        [
            os.path.join(os.path.dirname(sys.executable), "schemathesis"), "--config-file", str(config),
            "run", str(OPENAPI_FILE),
            "--url", base, "--header", f"Authorization: Bearer {token}",
            "--checks", "not_a_server_error,response_schema_conformance,status_code_conformance,"
                        "content_type_conformance,use_after_free,ensure_resource_availability",
            "--phases", "examples,coverage,fuzzing,stateful",
            # Fuzzing and stateful testing repeat until the time budget is spent; --max-time bounds the run.
            "--max-examples", "12", "--max-time", "150", "--max-failures", "20",
            "--seed", "20261128", "--workers", "1",
            "--generation-database", "none", "--no-color", "--request-timeout", "20",
            # Registering a version fetches a URL from the body: generated URLs must not leave this machine.
            "--exclude-name", "POST /api/v1/templates/{template_id}/versions",
            "--report", "junit", "--report-dir", str(tmp_path),
        ],
        capture_output=True, text=True, timeout=280, cwd=tmp_path,
        # The hooks keep the run from revoking the service account it authenticates with.
        env={**os.environ, "SCHEMATHESIS_HOOKS": HOOKS, "INFRAKITCHEN_SCHEMATHESIS_ACCOUNT_ID": account_id},
    )
    assert result.returncode == 0, result.stdout[-6000:]
