"""Fault 3: a worker killed with -9 under load, mid-apply, and after a successful apply but before its outcome is
recorded.

Killed after the apply. The engine has saved the state (the platform's backend now holds everything the apply
did) and released the lock; what the dead worker never did is record the run's outcome and outputs. The sweeper
cannot tell that apart from an apply that died half-way (both leave a state written and the lock released, and
only the engine's exit code, gone with the worker, says which), so the run is failed as worker-lost and the
resource is `error`, like any lost run. A retry is safe: the next provision starts from that state, plans no
change, and reads the same outputs; the resource's identity (a terraform_data id, made once) is the one the
killed run created, and nothing is created twice.

To kill at that exact point, the worker's STATE_API_URL is a relay (faults/relay.py) that holds the answer to the
apply's UNLOCK, sent after its final state write: the apply's last exchange, after which only reading the outputs
back (from the platform's copy of the state, or with `output -json` where that cannot be read) and recording the
outcome remain. The worker is killed while the engine waits for that answer.
"""

import os
import signal
import textwrap
import time
from datetime import UTC, datetime

import pytest
from factories.modules import APPLY_COUNTING_TF, SLEEPY_TF, sleepy_variables
from support import wait_for

from faults.invariants import assert_invariants, check_answers
from faults.relay import HoldingRelay

pytestmark = [pytest.mark.e2e, pytest.mark.faults]
# The load's writers pause this long: fewer runs than one worker slot takes, so the worker that takes over has no
# backlog (the last test gives it one: the sweep does not wait behind it).
BELOW_ONE_SLOT = 3

# Made once (its provisioner reports the creating run to the beacon), kept by every later apply.
IDENTITY_TF = textwrap.dedent('''
    variable "name" {
      type = string
    }
    variable "beacon_url" {
      type = string
    }
    resource "terraform_data" "identity" {
      input = var.name
      provisioner "local-exec" {
        command = "curl -fsS ${var.beacon_url}/created/$(basename $HOME)"
      }
    }
    output "identity" {
      value = terraform_data.identity.id
    }
''')


def _kill(process) -> None:
    os.kill(process.pid, signal.SIGKILL)
    process.wait()


def _ready(ik, index: int) -> float:
    """When worker `index` was ready to take runs (and its beat to sweep)."""
    wait_for(lambda: " ready." in ik.log(f"worker-{index}.log"), timeout=60, what=f"worker {index} to start")
    return time.time()


def test_a_worker_killed_mid_apply_is_noticed_and_a_retry_succeeds(fault_database, stack, beacon, tmp_path):
    ik = stack(fault_database)
    ik.serve()
    api = ik.sign_in()
    resource = api.resource(api.template(tmp_path, "sleepy", SLEEPY_TF), "sleepy", sleepy_variables(beacon, 60))
    load = ik.load(api.template(tmp_path, "counting", APPLY_COUNTING_TF), beacon, pause=BELOW_ONE_SLOT)
    doomed = ik.worker("--concurrency", "2")

    with load:
        run = api("post", f"/resources/{resource['id']}/provision")
        wait_for(lambda: "started" in " ".join(api("get", f"/runs/{run['id']}/logs")["lines"]), timeout=60,
                 what="the apply to start")
        _kill(doomed)
        ik.worker("--concurrency", "2", "--beat")  # its beat sweeps every second
        sweeping_at = _ready(ik, 1)
        failed = wait_for(lambda: (r := api("get", f"/runs/{run['id']}"))["status"] != "running" and r, timeout=60,
                          what="the sweeper to fail the lost run")
        wait_for(lambda: any(a.at > sweeping_at and a.status == 202 for a in load.answers), timeout=30,
                 what="a provision accepted after the kill")

    assert failed["status"] == "failed" and failed["error"].startswith("worker lost"), failed
    assert api("get", f"/resources/{resource['id']}")["status"] == "error"
    assert api("get", f"/resources/{resource['id']}/state/lock-status") == {"locked": False}
    sleepy_variables(beacon, 0)
    again = api.finished_run(api("post", f"/resources/{resource['id']}/provision")["id"])
    assert again["status"] == "succeeded"
    assert api("get", f"/resources/{resource['id']}")["state"] == "provisioned"

    check_answers(load, allowed={200, 201, 202})
    assert_invariants(api, load, beacon, ik.timing, fault_ended_at=sweeping_at, extra_resources=[resource["id"]],
                      extra_runs=[run["id"], again["id"]])


def test_a_worker_killed_after_the_apply_leaves_a_failed_run_whose_retry_changes_nothing(fault_database, stack,
                                                                                         beacon, tmp_path):
    ik = stack(fault_database)
    ik.serve()
    api = ik.sign_in()
    relay = HoldingRelay(ik.root)
    try:
        variables = {"name": "kept", "beacon_url": beacon.url("")}
        resource = api.resource(api.template(tmp_path, "identity", IDENTITY_TF), "kept", variables)
        relay.hold_end_of_apply(resource["id"])
        load = ik.load(api.template(tmp_path, "counting", APPLY_COUNTING_TF), beacon, pause=BELOW_ONE_SLOT)
        doomed = ik.worker("--concurrency", "2", env={"STATE_API_URL": relay.base})

        with load:
            run = api("post", f"/resources/{resource['id']}/provision")
            assert wait_for(relay.holding.is_set, timeout=60, what="the end of the apply (its UNLOCK) at the relay")
            state = api("get", f"/resources/{resource['id']}/state")  # what the apply saved
            assert api("get", f"/runs/{run['id']}")["status"] == "running"
            _kill(doomed)
            relay.release.set()
            ik.worker("--concurrency", "2", "--beat")
            sweeping_at = _ready(ik, 1)
            failed = wait_for(lambda: (r := api("get", f"/runs/{run['id']}"))["status"] != "running" and r,
                              timeout=60, what="the sweeper to fail the lost run")
            wait_for(lambda: any(a.at > sweeping_at and a.status == 202 for a in load.answers), timeout=30,
                     what="a provision accepted after the kill")
    finally:
        relay.close()

    assert failed["status"] == "failed" and failed["error"].startswith("worker lost"), failed
    assert failed["outputs"] is None
    assert api("get", f"/resources/{resource['id']}")["status"] == "error"
    assert api("get", f"/resources/{resource['id']}/state/lock-status") == {"locked": False}
    identity = next(r for r in state["resources"] if r["type"] == "terraform_data")["instances"][0]["attributes"]["id"]
    assert beacon.hits[f"/created/{run['id']}"] == 1  # the killed run did create it

    again = api.finished_run(api("post", f"/resources/{resource['id']}/provision")["id"])
    assert again["status"] == "succeeded", again
    retried = api("get", f"/resources/{resource['id']}")
    assert (retried["state"], retried["status"]) == ("provisioned", "done")
    assert retried["outputs"]["identity"]["value"] == identity
    assert beacon.hits[f"/created/{again['id']}"] == 0  # nothing made twice
    assert any("No changes." in line for line in api("get", f"/runs/{again['id']}/logs")["lines"])

    check_answers(load, allowed={200, 201, 202})
    assert_invariants(api, load, beacon, ik.timing, fault_ended_at=sweeping_at, extra_resources=[resource["id"]],
                      extra_runs=[run["id"], again["id"]])


def test_a_lost_run_is_failed_within_the_sweepers_margin_even_behind_a_backlog(fault_database, stack, beacon,
                                                                              tmp_path):
    ik = stack(fault_database)
    ik.serve()
    api = ik.sign_in()
    sleepy = api.template(tmp_path, "sleepy", SLEEPY_TF)
    lost = api.resource(sleepy, "lost", sleepy_variables(beacon, 60))
    doomed = ik.worker("--concurrency", "1")
    run = api("post", f"/resources/{lost['id']}/provision")
    wait_for(lambda: "started" in " ".join(api("get", f"/runs/{run['id']}/logs")["lines"]), timeout=60,
             what="the apply to start")
    _kill(doomed)
    sleepy_variables(beacon, 3)
    backlog = [api("post", f"/resources/{api.resource(sleepy, f'queued-{i}', sleepy_variables(beacon, 3))['id']}"
                           f"/provision")["id"] for i in range(6)]  # some 25 s of applies for its one slot
    ik.worker("--concurrency", "1", "--beat")
    sweeping_at = _ready(ik, 1)
    failed = wait_for(lambda: (r := api("get", f"/runs/{run['id']}"))["status"] != "running" and r, timeout=120,
                      what="the sweeper to fail the lost run")
    late = (datetime.fromisoformat(failed["finished_at"]) - datetime.fromtimestamp(sweeping_at, UTC)).total_seconds()
    assert late <= ik.timing.lost_run_margin, f"failed {late:.1f} s after a sweeper could see it, behind " \
                                              f"{len(backlog)} queued applies"
