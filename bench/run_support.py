"""What the run benchmarks share: the trivial module, the API as one admin caller, `infrakitchen worker` processes
on a queue of their own in RabbitMQ, and the worker's per-run timing line.

Run from any directory: the service and workers import `service` from the checkout given as `tree` (the default,
None, is the installed one), so a benchmark can put an older commit's worker and API beside today's
(`git worktree add /tmp/ik-old HEAD`)."""

import contextlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime
from pathlib import Path

import requests
from cryptography.fernet import Fernet
from kombu import Connection

from service import crypto

BROKER_URL = os.environ.get("BENCH_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")

# One resource of a built-in type and an output: all the engine does is init, apply, output, and no provider is
# downloaded, so what is measured is the engine's fixed cost and ours.
MODULE_TF = '''
variable "name" {
  type = string
}
resource "terraform_data" "one" {
  input = "hello ${var.name}"
}
output "greeting" {
  value = terraform_data.one.output
}
'''

# `run <id> succeeded: claim=0.0123 prepare=... log_flushes=2 heartbeat_checks=0` (service/runs/run_executor.py)
TIMING_LINE = re.compile(r"run (?P<id>[0-9a-f-]{36}) (?:succeeded|ended): (?P<fields>.*)$")


def prepare(prefix: str) -> tuple[str, Path, Path]:
    """(a Fernet key, now this process's key ring and to be handed to the children; a scratch dir; the bench module
    written in it). The working dir moves to the temp dir: the children import `service` from the tree they are
    given, never from here."""
    key = Fernet.generate_key().decode()
    crypto.set_key_ring(crypto.SecretBox([key]))
    os.chdir(tempfile.gettempdir())
    scratch = Path(tempfile.mkdtemp(prefix=prefix))
    return key, scratch, write_module(scratch)


def write_module(root: Path) -> Path:
    module = root / "module"
    module.mkdir(parents=True, exist_ok=True)
    (module / "main.tf").write_text(MODULE_TF)
    return module


def tree_env(tree: Path | None) -> dict:
    """The environment that makes a child process import `service` from `tree` (None: the installed checkout).
    The children start in a directory holding no `service`, so only PYTHONPATH decides."""
    return {"PYTHONPATH": str(tree)} if tree else {"PYTHONPATH": ""}


class Api:
    def __init__(self, base: str, token: str):
        self.base = base
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"

    def __call__(self, method: str, path: str, json=None, expect: int | None = None):
        response = self.session.request(method, self.base + path, json=json, timeout=60)
        if (expect is None and response.status_code >= 300) or (expect is not None and response.status_code != expect):
            raise SystemExit(f"{method} {path}: {response.status_code} {response.text[:500]}")
        return response.json() if response.content else None

    def template(self, module: Path, name: str) -> dict:
        template = self("post", "/templates/", {"name": name})
        self("post", f"/templates/{template['id']}/versions", {"version": "1.0.0", "source": {"url": str(module)}})
        return template

    def resource(self, template: dict, name: str) -> dict:
        return self("post", "/resources/", {"name": name, "template_id": template["id"], "variables": {"name": name}})


def stamp(value: str | None) -> float | None:
    """An API timestamp as seconds since the epoch (the bench, the API and the workers share one clock)."""
    return datetime.fromisoformat(value).timestamp() if value else None


@contextlib.contextmanager
def worker(database_url: str, state_api_url: str, queue: str, key: str, *, tree: Path | None = None,
           concurrency: int | None = None, env: dict | None = None):
    """`infrakitchen worker` (its defaults, unless `concurrency`) consuming `queue`; yields (process, log file)
    once Celery says it is ready. Its data dir (and log) is removed when it has stopped."""
    data_dir = Path(tempfile.mkdtemp(prefix="ik_bench_worker"))
    log_path = data_dir / "worker.log"
    environment = {**os.environ, "DATABASE_URL": database_url, "BROKER_URL": BROKER_URL, "RUN_QUEUE": queue,
                   "ENCRYPTION_KEYS": key, "INFRAKITCHEN_DATA_DIR": str(data_dir), "WORK_DIR": str(data_dir / "work"),
                   "STATE_API_URL": state_api_url, "LOG_LEVEL": "INFO", **tree_env(tree), **(env or {})}
    argv = [sys.executable, "-m", "service.cli", "worker", *([f"--concurrency={concurrency}"] if concurrency else [])]
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(argv, env=environment, stdout=log_file, stderr=subprocess.STDOUT,
                                   cwd=tempfile.gettempdir())
    try:
        deadline = time.monotonic() + 120
        while b" ready." not in log_path.read_bytes():
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the worker did not start:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.1)
        yield process, log_path
    finally:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(data_dir, ignore_errors=True)


def delete_queue(queue: str) -> None:
    with Connection(BROKER_URL) as connection, contextlib.suppress(Exception):
        connection.default_channel.queue_delete(queue)


def new_queue() -> str:
    return f"ik-bench-{uuid.uuid4().hex[:8]}"


def serving_env(key: str, queue: str, tree: Path | None = None) -> dict:
    """What `harness.serving` needs on top of its defaults for runs: the broker, the queue, the key ring."""
    return {"BROKER_URL": BROKER_URL, "RUN_QUEUE": queue, "ENCRYPTION_KEYS": key, **tree_env(tree)}


def timing_lines(log_path: Path) -> dict[str, dict[str, float]]:
    """run id -> {phase: seconds, ...} from a worker's log (empty for a worker from before those lines)."""
    found = {}
    for line in log_path.read_text(errors="replace").splitlines():
        match = TIMING_LINE.search(line)
        if match:
            found[match["id"]] = {k: float(v) for k, v in (f.split("=", 1) for f in match["fields"].split())}
    return found
