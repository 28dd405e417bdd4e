"""The README's first command: `infrakitchen demo` on the embedded default (SQLite, local queue, own worker)."""

import os
import re
import signal
import subprocess
import sys
import threading
import time

import pytest
import requests
from support import Socket, free_port, health_status, wait_for

pytestmark = pytest.mark.e2e


@pytest.fixture
def demo(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "BROKER_URL", "ENGINE_BINARY")}
    env["INFRAKITCHEN_DATA_DIR"] = str(tmp_path / "data")
    process = subprocess.Popen(
        [sys.executable, "-m", "service.cli", "demo", "--port", str(port)], env=env, cwd=tmp_path,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )
    console = []  # every line the demo printed, stdout and stderr; read to the end, so the pipe never fills
    found = {}
    printed = threading.Event()

    def read():
        for line in process.stdout:
            console.append(line)
            if match := re.search(r"demo resource:\s+(\S+)", line):
                found["resource_url"] = match.group(1)
            if match := re.search(r"export TOKEN=(\S+)", line):
                found["token"] = match.group(1)
                printed.set()
        printed.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    printed.wait(timeout=120)
    yield process, port, found.get("token"), found.get("resource_url"), console
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)
    reader.join(timeout=30)
    process.stdout.close()


def test_the_demo_provisions_its_resource_on_the_embedded_default(demo, tmp_path):
    process, port, token, resource_url, _ = demo
    assert token and resource_url, "the demo did not print its token and resource"
    headers = {"Authorization": f"Bearer {token}"}

    def provisioned():
        try:
            body = requests.get(resource_url, headers=headers, timeout=5).json()
        except requests.RequestException:
            return None
        return body if body.get("status") in ("done", "error") else None

    resource = wait_for(provisioned, timeout=120, what="the demo resource to be provisioned")
    assert (resource["state"], resource["status"]) == ("provisioned", "done")
    assert resource["outputs"]["messages"]["value"] == ["hello, world #0", "hello, world #1"]
    assert resource["variables"]["api_key"] == "(sensitive)"
    health = requests.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=5).json()
    assert health["status"] == health["database"] == health["broker"] == "ok"
    assert (tmp_path / "data" / "infrakitchen.db").exists()


def test_the_demo_streams_its_events_over_sqlite(demo):
    process, port, token, resource_url, _ = demo
    resource_id = resource_url.rsplit("/", 1)[1]
    wait_for(lambda: health_status(f"http://127.0.0.1:{port}/api/v1"), timeout=60, what="the demo's server")
    socket = Socket(f"http://127.0.0.1:{port}/api/v1", token=token)
    socket.expect("ready")
    socket.send({"type": "subscribe", "subscription": "demo", "resource_id": resource_id, "after": 0})
    seen = []
    while not (seen and seen[-1]["type"] == "resource.updated" and seen[-1]["data"]["status"] in ("done", "error")):
        seen.append(socket.receive(timeout=120))  # the history first, then (polled from SQLite) the rest live
    assert seen[0]["type"] == "resource.created"
    assert [m["data"]["status"] for m in seen if m["type"] == "resource.updated"][-2:] == ["in_progress", "done"]
    # Certainly live now: a plan requested after the subscription.
    plan = requests.post(f"{resource_url}/plan", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert plan.status_code == 202
    live = [socket.receive(timeout=60)]
    while not (live[-1]["type"] == "run.finished" and live[-1]["run_id"] == plan.json()["id"]):
        live.append(socket.receive(timeout=60))
    of_plan = [m for m in live if m.get("run_id") == plan.json()["id"]]
    assert [m["type"] for m in of_plan] == ["run.queued", "run.started", "run.finished"]
    assert of_plan[-1]["data"]["status"] == "succeeded"
    socket.close()


def test_the_demo_console_shows_its_block_and_logs_the_rest(demo, tmp_path):
    """Migrations, the worker's banner and warnings that do not apply to the demo go to its log file."""
    process, port, token, resource_url, console = demo
    log_file = tmp_path / "data" / "demo.log"
    # By the time the worker has run the provision, it has long printed whatever it prints on start.
    wait_for(lambda: log_file.exists() and re.search(r"Task infrakitchen.execute_run\[\S+\] succeeded",
                                                     log_file.read_text()),
             timeout=120, what="the worker to log its provision run")
    time.sleep(1)  # what the console got meanwhile reaches `console`
    shown = "".join(console)
    assert token and f"export TOKEN={token}" in shown
    assert f"http://127.0.0.1:{port}/api/v1/docs" in shown and resource_url in shown
    assert re.search(rf"log file \(all the rest\):\s+{re.escape(str(log_file))}", shown)
    for noise in ("alembic", "Running upgrade", "[tasks]", "celery@", "-------------- infrakitchen", "transport:",
                  "No hostname was supplied", "SecurityWarning", "SAWarning", "gunicorn", "GET /api/v1"):
        assert noise not in shown, f"{noise!r} on the demo's console:\n{shown}"
    assert "embedded default" in shown  # a real warning stays on the console
    logged = log_file.read_text()
    for kept in ("alembic.runtime.migration", "[tasks]", "Listening at:", "GET /api/v1/resources/"):
        assert kept in logged, f"{kept!r} is not in {log_file}"
