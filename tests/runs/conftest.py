"""A real worker process (`infrakitchen worker`) consuming this session's queue (its runs use the state
backend of `live_server`)."""

import os
import subprocess
import sys

import pytest


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
