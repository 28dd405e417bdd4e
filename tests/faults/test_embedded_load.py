"""Fault 6: the demo's embedded default under load: SQLite and kombu's filesystem queue, with a worker process of
its own (what `infrakitchen demo`, or `serve` and `worker` without DATABASE_URL and BROKER_URL, use).

Concurrent provisions and reads from several threads, while the worker writes runs, logs and heartbeats into the
same SQLite file: every accepted run finishes, no request answers 5xx (SQLite's "database is locked" never
reaches a client, a run or a log), and the invariants hold.
"""

import time

import pytest
from factories.modules import APPLY_COUNTING_TF
from support import wait_for

from faults.invariants import assert_invariants, check_answers

pytestmark = [pytest.mark.e2e, pytest.mark.faults]


def test_the_embedded_default_under_concurrent_provisions_and_reads(stack, beacon, tmp_path):
    ik = stack(None, broker_url=None)  # the embedded default
    ik.serve()
    api = ik.sign_in()
    ik.worker("--concurrency", "2", "--beat")
    health = api("get", "/health")
    assert (health["database"], health["broker"]) == ("ok", "ok")
    load = ik.load(api.template(tmp_path, "counting", APPLY_COUNTING_TF), beacon, writers=3, readers=2, pause=1,
                   resources_per_writer=5)
    with load:
        wait_for(load.writers_done, timeout=90, what="the writers to ask for all their provisions")

    check_answers(load, allowed={200, 201, 202})
    outcome = assert_invariants(api, load, beacon, ik.timing, fault_ended_at=time.time())
    assert len(load.runs) == 15 and all(r["status"] == "succeeded" for r in outcome.runs.values()), \
        {r["id"]: (r["status"], r["error"]) for r in outcome.runs.values() if r["status"] != "succeeded"}
    for name in ("api.log", "worker-0.log"):
        assert "database is locked" not in ik.log(name), f"SQLite's lock surfaced in {name}"
