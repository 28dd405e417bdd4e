"""What the benchmarks share: a throw-away PostgreSQL database, the API served the way the README serves it,
percentiles, and the resident memory of a process tree. Nothing here asserts: benchmarks print figures."""

import contextlib
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
from sqlalchemy import create_engine, text

from service.migrate import upgrade

ADMIN_URL = os.environ.get("TEST_DATABASE_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


@contextlib.contextmanager
def fresh_database(prefix: str = "ik_bench"):
    """The URL of a new database with the schema, dropped afterwards."""
    name = f"{prefix}_{os.getpid()}"
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        upgrade(url)
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def serving(database_url: str, *args: str, env: dict | None = None, code: str | None = None):
    """`infrakitchen serve` with its defaults (plus `args`) on a free port: yields (base URL, process). `code`: a
    checkout of another commit (a `git worktree`) to serve instead of this one, for A/B runs."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "BROKER_URL": "memory://", "LOG_LEVEL": "WARNING",
           "INFRAKITCHEN_DATA_DIR": tempfile.mkdtemp(prefix="ik_bench"), **(env or {})}
    if code:
        env["PYTHONPATH"] = code
    process = subprocess.Popen([sys.executable, "-m", "service.cli", "serve", "--port", str(port), *args], env=env,
                               cwd=code, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/api/v1"
    try:
        for _ in range(300):
            with contextlib.suppress(requests.RequestException):
                if requests.get(f"{base}/health", timeout=5).status_code == 200:
                    break
            time.sleep(0.2)
        yield base, process
    finally:
        process.terminate()
        process.wait(timeout=60)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))] if ordered else float("nan")


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def rss_mib(pid: int) -> float:
    """Resident memory of `pid` and its descendants (gunicorn's master and workers), in MiB."""
    total_kib = 0
    for member in [pid, *descendants(pid)]:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{member}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kib += int(line.split()[1])
    return total_kib / 1024


def memory_mib(pid: int) -> tuple[float, float]:
    """(the largest resident memory of one process, the proportional share of all) for `pid` and its descendants,
    in MiB. Workers forked from gunicorn's master share its pages, which RSS counts in each of them and PSS
    divides among them: the sum of PSS is what the tree costs the machine."""
    largest = total = 0.0
    for member in [pid, *descendants(pid)]:
        with contextlib.suppress(OSError):
            fields = dict(line.split(":", 1) for line in Path(f"/proc/{member}/smaps_rollup").read_text()
                          .splitlines()[1:])
            largest = max(largest, int(fields["Rss"].split()[0]) / 1024)
            total += int(fields["Pss"].split()[0]) / 1024
    return largest, total


def descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found
