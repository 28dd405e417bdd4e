"""Schemathesis against the committed openapi.yaml on a running server: no 5xx, no response off the schema."""

import os
import subprocess
import sys

import pytest
import requests
from factories import make_token
from support import free_port, wait_for

from service.openapi_file import OPENAPI_FILE

pytestmark = pytest.mark.e2e


@pytest.fixture
def server(base_env, committed_db):
    token = make_token("admin", "schemathesis")
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "service.cli", "serve", "--port", str(port), "--workers", "1"],
        env={**os.environ, **base_env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"

    def up():
        try:
            return requests.get(f"{base}/api/v1/health", timeout=2).status_code == 200
        except requests.ConnectionError:
            return False

    try:
        wait_for(up, timeout=30, what="the server to start")
    except AssertionError:
        process.kill()  # never leave a server behind when the test cannot use it
        process.wait()
        raise
    yield base, token
    process.terminate()
    process.wait(timeout=30)


def test_the_api_honours_its_contract_under_generated_input(server, tmp_path):
    base, token = server
    result = subprocess.run(
        [
            os.path.join(os.path.dirname(sys.executable), "schemathesis"), "run", str(OPENAPI_FILE),
            "--url", base, "--header", f"Authorization: Bearer {token}",
            "--checks", "not_a_server_error,response_schema_conformance",
            "--max-examples", "12", "--seed", "20261128", "--workers", "1",
            "--generation-database", "none", "--no-color", "--request-timeout", "20",
            # Registering a version fetches a URL from the body: generated URLs must not leave this machine.
            "--exclude-path-regex", "/versions$",
            "--report", "junit", "--report-dir", str(tmp_path),
        ],
        capture_output=True, text=True, timeout=540, cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout[-6000:]
