"""The `infrakitchen` console script, run as a user would."""

import os
import subprocess
import sys

from factories.auth import bearer


def _cli(base_env, *args):
    return subprocess.run([sys.executable, "-m", "service.cli", *args], env={**os.environ, **base_env},
                          capture_output=True, text=True, timeout=60)


def test_migrate_is_idempotent(base_env, database_url):
    for _ in range(2):
        done = _cli(base_env, "migrate")
        assert done.returncode == 0, done.stderr
        assert "up to date" in done.stdout


def test_token_create_prints_a_working_token_once(base_env, app, committed_db):
    done = _cli(base_env, "token", "create", "--name", "cli-bot", "--role", "viewer")
    assert done.returncode == 0, done.stderr
    token = done.stdout.strip()
    assert token.startswith("ik_")
    assert app.test_client().get("/api/v1/resources/", headers=bearer(token)).status_code == 200
    again = _cli(base_env, "token", "create", "--name", "cli-bot", "--role", "viewer")
    assert again.returncode != 0
    assert "already exists" in again.stderr


def test_a_bad_setting_stops_the_cli_with_the_variable_named(base_env):
    done = _cli({**base_env, "APPLY_TIMEOUT_SECONDS": "forever"}, "migrate")
    assert done.returncode != 0
    assert "APPLY_TIMEOUT_SECONDS" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_worker_that_must_sandbox_runs_and_cannot_refuses_to_start(base_env):
    done = _cli({**base_env, "RUN_SANDBOX": "required", "RUN_SANDBOX_BWRAP": "/bin/false"}, "worker")
    assert done.returncode == 1
    assert "not starting: RUN_SANDBOX=required and runs cannot be sandboxed" in done.stderr
