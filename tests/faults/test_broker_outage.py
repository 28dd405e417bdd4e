"""Fault 2: RabbitMQ stopped under load (the application of a private node, so that nothing else on this machine
loses its broker), then started again.

The database is the record and the broker only wakes workers, so provisions asked for meanwhile are accepted
(202, their runs `queued` with no `published_at`), /health says the broker is unavailable and the database ok,
and once RabbitMQ is back the sweeper publishes those runs again and each runs once.
"""

import os
import time

import pytest
import requests
from factories.modules import APPLY_COUNTING_TF, SLEEPY_TF, sleepy_variables
from support import health_status, wait_for

from faults.conftest import CLIENT_TIMEOUT
from faults.invariants import assert_invariants, check_answers

pytestmark = [pytest.mark.e2e, pytest.mark.faults]
# The 30 s; shorter only on purpose (e.g. FAULT_BROKER_OUTAGE_SECONDS=10 while working on the suite).
OUTAGE_SECONDS = float(os.environ.get("FAULT_BROKER_OUTAGE_SECONDS", "30"))


def test_provisions_asked_for_while_rabbitmq_is_stopped_run_once_it_is_back(private_rabbitmq, fault_database, stack,
                                                                            beacon, tmp_path):
    ik = stack(fault_database, broker_url=private_rabbitmq.url)
    ik.serve()
    api = ik.sign_in()
    ik.worker("--concurrency", "2", "--beat")
    template = api.template(tmp_path, "counting", APPLY_COUNTING_TF)
    # Enough to go on asking after the outage, a few a minute: the backlog it leaves is what the worker then runs.
    load = ik.load(template, beacon, pause=4, resources_per_writer=int(OUTAGE_SECONDS / 4) + 6)

    sleepy = api.resource(api.template(tmp_path, "sleepy", SLEEPY_TF), "sleepy", sleepy_variables(beacon, 8))

    with load:
        wait_for(lambda: any(api("get", f"/runs/{r}")["status"] == "succeeded" for r in list(load.runs)), timeout=60,
                 what="a run of the load to succeed before the outage")
        # The outage starts while a run is mid-flight: its worker holds its message, unacknowledged, meanwhile.
        slow = api("post", f"/resources/{sleepy['id']}/provision")
        wait_for(lambda: "started" in " ".join(api("get", f"/runs/{slow['id']}/logs")["lines"]), timeout=60,
                 what="the slow apply to start")
        private_rabbitmq.stop_app()
        down_at = time.time()
        try:
            health = requests.get(f"{ik.base}/health", timeout=CLIENT_TIMEOUT)
            assert health.status_code == 503
            assert (health.json()["broker"], health.json()["database"]) == ("unavailable", "ok")
            wait_for(lambda: _accepted_after(load, down_at), timeout=OUTAGE_SECONDS + 10,
                     what="a provision accepted during the outage")
            time.sleep(max(0.0, down_at + OUTAGE_SECONDS - time.time()))
            during = _accepted_after(load, down_at)
            # Accepted, recorded, and waiting for the broker.
            assert all(api("get", f"/runs/{r}")["published_at"] is None for r in during)
        finally:
            private_rabbitmq.start_app()
        recovered_at = time.time()
        wait_for(lambda: health_status(ik.base) == 200, timeout=30, what="the API to see the broker again")
        wait_for(lambda: any(a.at > recovered_at and a.status == 202 for a in load.answers), timeout=30,
                 what="a provision accepted after the outage")

    check_answers(load, allowed={200, 201, 202})
    outcome = assert_invariants(api, load, beacon, ik.timing, fault_ended_at=recovered_at,
                                extra_resources=[sleepy["id"]], extra_runs=[slow["id"]])
    assert outcome.runs[slow["id"]]["status"] == "succeeded"  # it ran on while the broker was away
    assert during
    for run_id in during:  # ran once the broker was back, once
        assert outcome.runs[run_id]["status"] == "succeeded", outcome.runs[run_id]
        assert outcome.runs[run_id]["published_at"] is not None
        assert beacon.hits[f"/applied/{run_id}"] == 1
    assert all(w.poll() is None for w in ik.workers), "the worker outlived the outage"


def _accepted_after(load, moment: float) -> list[str]:
    """The runs of provisions asked for after `moment` and answered 202."""
    return [a.body["id"] for a in list(load.answers)
            if a.status == 202 and a.at > moment and a.path.endswith("/provision")]
