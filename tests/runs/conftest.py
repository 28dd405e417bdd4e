"""A real worker process (`infrakitchen worker`) consuming this session's queue, and a live API server for
the state backend its runs use."""

import os
import subprocess
import sys

import pytest
import requests
from support import wait_for


@pytest.fixture(scope="session")
def live_server(base_env, database_url):
    base = base_env["STATE_API_URL"]
    port = base.split(":")[2].split("/")[0]
    process = subprocess.Popen(
        [sys.executable, "-m", "service.cli", "serve", "--port", port, "--workers", "1"],
        env={**os.environ, **base_env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )

    def up():
        try:
            return requests.get(f"{base}/health", timeout=2).status_code == 200
        except requests.ConnectionError:
            return False

    wait_for(up, timeout=30, what="the API server to start")
    yield base
    process.terminate()
    process.wait(timeout=30)


@pytest.fixture(scope="session")
def worker_process(base_env, app, live_server):
    env = {**os.environ, **base_env, "LOG_LEVEL": "INFO"}
    process = subprocess.Popen(
        [sys.executable, "-m", "service.cli", "worker", "--concurrency", "2"], env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
