"""The fault suite's harness: private servers to break, and a stack (a served API, workers) to break them under.

Every fault test runs a bounded load (faults/load.py) against a served API and then checks the same invariants
(faults/invariants.py). The database is a fresh one on a private PostgreSQL cluster (started once for the suite,
stopped and started by the restart test); the broker is the shared RabbitMQ with a queue of the test's own, or a
private node for the broker outage. Nothing here stops, restarts or ends anything on the shared servers.
"""

import contextlib
import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from factories.auth import make_token
from factories.modules import counting_variables
from support import Api, Beacon, HttpClient, free_port, serving, stop

from faults.invariants import Timing
from faults.load import Load
from faults.servers import PrivatePostgres, PrivateRabbitMQ, postgres_bin_dir, rabbitmq_tools
from service import db

SHARED_BROKER_URL = os.environ.get("TEST_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")
CLIENT_TIMEOUT = 10  # every request of the load and of the checks: a hang fails the test instead of stalling it


@pytest.fixture(scope="session")
def private_postgres():
    """A PostgreSQL cluster of the suite's own, started once; a test that stops it starts it again."""
    bin_dir = postgres_bin_dir()
    if bin_dir is None:
        pytest.skip("no PostgreSQL server binaries (initdb, pg_ctl) on this machine")
    cluster = PrivatePostgres(bin_dir)
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.destroy()


@pytest.fixture
def fault_database(private_postgres):
    """A new, migrated database on the private cluster (running again, should a test have left it stopped)."""
    if not private_postgres.running:
        private_postgres.start()
    return private_postgres.new_database()


@pytest.fixture
def private_rabbitmq():
    """A RabbitMQ node of the test's own (its own ports, data and node name), destroyed afterwards."""
    tools = rabbitmq_tools()
    if tools is None:
        pytest.skip("no rabbitmq-server/rabbitmqctl on this machine")
    node = PrivateRabbitMQ(*tools)
    try:
        node.start()
        yield node
    finally:
        node.destroy()


@contextlib.contextmanager
def bound_to(database_url: str):
    """This process's session on `database_url` for the block (to make tokens in a stack's database)."""
    engine = db.make_engine(database_url)
    previous = db.session.session_factory.kw.get("bind")
    db.session.remove()
    db.session.configure(bind=engine)
    try:
        yield
    finally:
        db.session.remove()
        db.session.configure(bind=previous)
        engine.dispose()


class Stack:
    """A served API (`infrakitchen serve`) and workers (`infrakitchen worker`), each a process of its own, on one
    database and broker, with the recovery settings of `timing`. Logs go to files in the test's tmp dir."""

    def __init__(self, exits: contextlib.ExitStack, tmp: Path, database_url: str, broker_url: str, timing: Timing,
                 env: dict):
        self.exits, self.tmp, self.timing = exits, tmp, timing
        port = free_port()
        self.root = f"http://127.0.0.1:{port}"
        self.base = f"{self.root}/api/v1"
        self.env = {
            "DATABASE_URL": database_url,
            "BROKER_URL": broker_url,
            "RUN_QUEUE": f"ik-fault-{uuid.uuid4().hex[:8]}",
            "INFRAKITCHEN_DATA_DIR": str(tmp / "data"),
            "WORK_DIR": str(tmp / "work"),
            "STATE_API_URL": self.base,
            "APPLY_TIMEOUT_SECONDS": "120",
            "PLAN_TIMEOUT_SECONDS": "120",
            "REQUEUE_AFTER_SECONDS": "30",
            "LOG_LEVEL": "INFO",
            **timing.env(),
            **env,
        }
        for name in ("DATABASE_URL", "BROKER_URL"):  # None: the embedded default
            if self.env[name] is None:
                del self.env[name]
        self.workers: list[subprocess.Popen] = []
        self.server = None
        self.token = None
        self.client = HttpClient(self.root, timeout=CLIENT_TIMEOUT)
        self.api: Api | None = None

    def serve(self) -> "Stack":
        log = self.exits.enter_context(open(self.tmp / "api.log", "ab"))  # closed after the server has stopped
        _, self.server = self.exits.enter_context(serving(self.env, stderr=log))
        return self

    def sign_in(self) -> Api:
        """An admin token made in the stack's database (after `serve`, which migrates an embedded one); the Api
        over HTTP."""
        url = self.env.get("DATABASE_URL") or f"sqlite:///{self.tmp / 'data' / 'infrakitchen.db'}"
        with bound_to(url):
            self.token = make_token("admin", f"fault-admin-{uuid.uuid4().hex[:6]}")
        self.api = Api(self.client, self.token)
        return self.api

    def worker(self, *flags: str, env: dict | None = None) -> subprocess.Popen:
        """A worker process (`--beat`: the sweeper too, on threads of its own); stopped at the end of the test,
        with whatever it started (its process group)."""
        index = len(self.workers)
        log = self.exits.enter_context(open(self.tmp / f"worker-{index}.log", "ab"))
        process = subprocess.Popen([sys.executable, "-m", "service.cli", "worker", *flags],
                                   env={**os.environ, **self.env, **(env or {})}, stdout=log, stderr=log,
                                   start_new_session=True)
        self.workers.append(process)
        self.exits.callback(_end_group, process)
        return process

    def load(self, template: dict, beacon: Beacon, **options) -> Load:
        """A load of APPLY_COUNTING_TF resources of `template` (each apply reports to `beacon`)."""
        return Load(self.client, self.token, template["id"], lambda name: counting_variables(beacon, name), **options)

    def log(self, name: str) -> str:
        path = self.tmp / name
        return path.read_text(errors="replace") if path.exists() else ""


def _end_group(process: subprocess.Popen) -> None:
    stop(process, timeout=20)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)  # the group it leads, by its id: only what this test started


@pytest.fixture
def stack(tmp_path, monkeypatch):
    """`stack(database_url, broker_url=shared, timing=Timing(), **env)`: a Stack, torn down after the test
    (`None` for both URLs: the embedded default)."""
    for name in ("DATABASE_URL", "BROKER_URL", "ENGINE_BINARY"):  # the stack's processes get only what it says
        monkeypatch.delenv(name, raising=False)
    with contextlib.ExitStack() as exits:
        def make(database_url, broker_url=SHARED_BROKER_URL, timing: Timing | None = None, **env) -> Stack:
            return Stack(exits, tmp_path, database_url, broker_url, timing or Timing(), env)

        yield make
