"""A real engine client (as a person at a terminal would run it) against the platform's state backend."""

import os
import shutil
import subprocess
import sys

import pytest
import requests
from factories.auth import ADMIN, make_token
from factories.modules import write_module
from factories.resources import make_resource
from factories.templates import make_template
from support import wait_for

pytestmark = pytest.mark.e2e

SLOW_TF = '''
terraform {
  backend "http" {}
}
resource "terraform_data" "slow" {
  provisioner "local-exec" {
    command = "sleep 4"
  }
}
'''


def _engine(*args, cwd, env, **kw):
    return subprocess.Popen([sys.executable, "-m", "service.engine.embedded_terraform", *args, "-no-color",
                             "-input=false"], cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, **kw)


def test_two_engine_clients_contend_for_the_lock_and_the_state_is_kept(live_server, committed_db, tmp_path):
    template, _ = make_template(write_module(tmp_path / "registered"), actor=ADMIN)
    resource = make_resource(template)
    token = make_token("admin", "terminal-user")
    address = f"{live_server}/resources/{resource.id}/state"
    (tmp_path / "tfrc").write_text("")
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "TF_CLI_CONFIG_FILE": str(tmp_path / "tfrc"),
           "TF_HTTP_ADDRESS": address, "TF_HTTP_LOCK_ADDRESS": f"{address}/lock",
           "TF_HTTP_UNLOCK_ADDRESS": f"{address}/lock", "TF_HTTP_USERNAME": "me", "TF_HTTP_PASSWORD": token}
    first, second = write_module(tmp_path / "a", SLOW_TF), tmp_path / "b"
    init = _engine("init", cwd=first, env=env)
    init_output, _ = init.communicate(timeout=60)
    assert init.returncode == 0, init_output
    shutil.copytree(first, second)
    auth = {"Authorization": f"Bearer {token}"}

    with _engine("apply", "-auto-approve", cwd=first, env=env) as apply:  # waited for even when a check fails
        wait_for(lambda: requests.get(f"{address}/lock-status", headers=auth, timeout=5).json()["locked"],
                 timeout=30, what="the first client to take the lock")
        blocked = _engine("plan", "-lock-timeout=0s", cwd=second, env=env)
        output, _ = blocked.communicate(timeout=60)
        assert blocked.returncode != 0
        assert "Error acquiring the state lock" in output
        assert "OperationTypeApply" in output  # the holder's lock info came back with the 423

        applied, _ = apply.communicate(timeout=60)
        assert apply.returncode == 0, applied
    assert requests.get(f"{address}/lock-status", headers=auth, timeout=5).json() == {"locked": False}
    state = requests.get(address, headers=auth, timeout=5).json()
    assert state["resources"][0]["type"] == "terraform_data"
    assert len(requests.get(f"{address}/versions", headers=auth, timeout=5).json()) >= 1
