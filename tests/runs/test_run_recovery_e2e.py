"""Recovery: runs whose message never reached the broker, backed-up queues, racing requests, timeouts.

These tests use a queue of their own and their own worker (with the beat sweeper on a short fuse), so no
other worker takes their runs. Workers killed with -9 and a RabbitMQ restart are in the fault suite
(tests/faults/), which stops and starts servers of its own.
"""

import os
import subprocess
import sys
import threading

import pytest
from factories.auth import bearer, make_token
from factories.modules import SLEEPY_TF, sleepy_variables
from support import Api, stop, wait_for

from service.app import create_app
from service.config import load_settings

pytestmark = pytest.mark.e2e

def _worker(env, *flags):
    return subprocess.Popen([sys.executable, "-m", "service.cli", "worker", *flags], env={**os.environ, **env},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def test_runs_requested_while_the_broker_is_unreachable_all_complete_later(isolated, base_env, tmp_path):
    env, _ = isolated
    # The API sees no broker (nothing listens on port 1), as during a RabbitMQ outage.
    unreachable = create_app(load_settings({**env, "BROKER_URL": "amqp://guest:guest@127.0.0.1:1//"}),
                             bind_database=False)
    api = Api(unreachable.test_client(), make_token("admin", "outage-admin"))
    template = api.template(tmp_path, "greeter")
    runs = []
    for i in range(3):
        resource = api("post", "/resources/", {"name": f"r{i}", "template_id": template["id"],
                                               "variables": {"name": str(i)}})
        runs.append(api("post", f"/resources/{resource['id']}/provision"))
    assert all(api("get", f"/runs/{r['id']}")["status"] == "queued" for r in runs)

    worker = _worker(env, "--beat")  # the broker is back for the worker and its sweeper
    try:
        wait_for(lambda: all(api("get", f"/runs/{r['id']}")["status"] == "succeeded" for r in runs),
                 timeout=90, what="every run requested during the outage to succeed")
    finally:
        stop(worker)


def test_when_runs_back_up_applies_go_before_plans(isolated, tmp_path):
    env, client = isolated
    api = Api(client, make_token("admin", "busy-admin"))
    template = api.template(tmp_path, "greeter")
    resources = [api("post", "/resources/", {"name": f"q{i}", "template_id": template["id"],
                                             "variables": {"name": str(i)}}) for i in range(3)]
    # No worker yet: two plans wait in the queue, then an apply is asked for.
    plans = [api("post", f"/resources/{r['id']}/plan") for r in resources[:2]]
    apply = api("post", f"/resources/{resources[2]['id']}/provision")

    worker = _worker(env, "--concurrency", "1")
    try:
        runs = [*plans, apply]
        wait_for(lambda: all(api("get", f"/runs/{r['id']}")["status"] == "succeeded" for r in runs), timeout=90,
                 what="the backed-up runs to finish")
    finally:
        stop(worker)
    started = {r["id"]: api("get", f"/runs/{r['id']}")["started_at"] for r in runs}
    assert started[apply["id"]] < min(started[p["id"]] for p in plans)


def test_two_concurrent_provision_requests_make_exactly_one_run(isolated, tmp_path):
    _, client = isolated
    token = make_token("admin", "racer")
    api = Api(client, token)
    template = api.template(tmp_path, "greeter")
    resource = api("post", "/resources/", {"name": "race", "template_id": template["id"], "variables": {"name": "r"}})
    barrier, statuses = threading.Barrier(2), []

    def provision():
        barrier.wait()
        statuses.append(client.post(f"/api/v1/resources/{resource['id']}/provision", headers=bearer(token)).status_code)

    threads = [threading.Thread(target=provision) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [202, 409]
    assert len(api("get", f"/resources/{resource['id']}/runs")) == 1


def test_a_run_past_its_timeout_fails_with_the_reason(isolated, tmp_path, beacon):
    env, client = isolated
    api = Api(client, make_token("admin", "patient-admin"))
    resource = api.resource(api.template(tmp_path, "sleepy", SLEEPY_TF), "slow", sleepy_variables(beacon, 60))
    worker = _worker({**env, "APPLY_TIMEOUT_SECONDS": "5"})
    try:
        run = api("post", f"/resources/{resource['id']}/provision")
        failed = wait_for(lambda: (r := api("get", f"/runs/{run['id']}"))["status"] == "failed" and r, timeout=60,
                          what="the run to time out")
    finally:
        stop(worker)
    assert failed["error"] == "timed out after 5 s"
    assert api("get", f"/resources/{resource['id']}")["status"] == "error"
    assert api("get", f"/resources/{resource['id']}/state/lock-status") == {"locked": False}
