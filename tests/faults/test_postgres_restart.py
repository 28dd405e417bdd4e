"""Fault 1: PostgreSQL restarted under load (the private cluster stopped with a fast shutdown, then started).

Meanwhile every API request answers 503 in the error shape with Retry-After (never a 500, never a hang: each
request is bounded by the client's timeout), /health says the database is unavailable and the broker ok, a long
poll of /events answers 503 too and a WebSocket closes instead of hanging. Once it is back everything recovers
without restarting the API or the worker: runs caught by the outage finish (the worker waits for the database to
record their outcome) or are failed by the sweeper, and the invariants hold.
"""

import os
import re
import time

import pytest
import requests
from factories.modules import APPLY_COUNTING_TF
from support import Socket, health_status, wait_for

from faults.conftest import CLIENT_TIMEOUT
from faults.invariants import assert_invariants, check_answers, check_unavailable

pytestmark = [pytest.mark.e2e, pytest.mark.faults]
OUTAGE_SECONDS = float(os.environ.get("FAULT_POSTGRES_OUTAGE_SECONDS", "6"))


def test_the_api_answers_503_while_postgres_restarts_and_everything_recovers(private_postgres, fault_database,
                                                                              stack, beacon, tmp_path):
    ik = stack(fault_database)
    ik.serve()
    api = ik.sign_in()
    ik.worker("--concurrency", "1", "--beat")  # one slot: while a run runs, the next one waits in the queue
    template = api.template(tmp_path, "counting", APPLY_COUNTING_TF)
    load = ik.load(template, beacon)

    with load:
        # The outage starts while a run is mid-flight and another one waits in the queue.
        running = wait_for(lambda: _running_and_waiting(api, load), timeout=60,
                           what="a run of the load running and another one waiting in the queue")
        private_postgres.stop()
        down_at = time.time()
        try:
            # A worker that starts now takes the waiting run's message, and waits for the database to claim it.
            ik.worker("--concurrency", "1")
            health = requests.get(f"{ik.base}/health", timeout=CLIENT_TIMEOUT)
            assert health.status_code == 503
            assert (health.json()["database"], health.json()["broker"]) == ("unavailable", "ok")
            check_unavailable(load.ask("GET", "/events/?after=0&wait=5"))  # a long poll
            socket = Socket(ik.base, token=ik.token)
            try:
                assert socket.close_code(timeout=CLIENT_TIMEOUT) == 1013  # "try again later", not left hanging
            finally:
                socket.close()
            wait_for(lambda: "_claim: the database is unavailable" in ik.log("worker-1.log"), timeout=30,
                     what="the late worker to wait for the database to claim its run")
            time.sleep(max(0.0, down_at + OUTAGE_SECONDS - time.time()))
        finally:
            private_postgres.start()
        up_at = time.time()
        wait_for(lambda: health_status(ik.base) == 200, timeout=30, what="the API to see the database again")
        recovered_at = time.time()
        wait_for(lambda: any(a.at > recovered_at and a.status == 202 for a in load.answers), timeout=30,
                 what="a provision accepted after the restart")

    during = load.answered_between(down_at + 0.5, up_at - 0.5)
    assert during and all(a.status == 503 for a in during), [str(a) for a in during if a.status != 503]
    check_answers(load, allowed={200, 201, 202, 503})
    outcome = assert_invariants(api, load, beacon, ik.timing, fault_ended_at=recovered_at)
    assert ik.server.poll() is None and all(w.poll() is None for w in ik.workers), "nothing was restarted"
    # The late worker claimed its run once the database was back, and ran it.
    assert re.search(r"Task infrakitchen.execute_run\[\S+\] succeeded", ik.log("worker-1.log")), ik.log("worker-1.log")
    assert any(r["status"] == "succeeded" for r in outcome.runs.values())
    # Its worker lived through the outage, though no heartbeat could be recorded for longer than
    # WORKER_LOST_SECONDS: the sweeper gave heartbeats time to resume before it looked for lost runs.
    assert not (outcome.runs[running]["error"] or "").startswith("worker lost"), outcome.runs[running]
    assert api("get", "/events/?after=0&limit=1")["events"], "the long poll path reads again"


def _running_and_waiting(api, load) -> str | None:
    """The id of a running run of the load when another one waits in the queue."""
    runs = [api("get", f"/runs/{r}") for r in list(load.runs)]
    running = next((r["id"] for r in runs if r["status"] == "running"), None)
    return running if any(r["status"] == "queued" and r["published_at"] for r in runs) else None
