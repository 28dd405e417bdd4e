"""A real worker process (`infrakitchen worker`) consuming this session's queue."""

import os
import subprocess
import sys

import pytest


@pytest.fixture(scope="session")
def worker_process(base_env, app):
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
