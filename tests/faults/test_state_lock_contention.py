"""Fault 5: 50 engines lock one resource's state at the same moment (the OpenTofu HTTP backend's LOCK), under load.

Exactly one gets 200 and the other 49 get 423 with the holder's lock JSON (what the engine prints as "Lock Info"),
none a 500; once the holder unlocks, the state is free, and a second round goes the same way.
"""

import base64
import time
from collections import Counter

import pytest
import requests
from factories.modules import APPLY_COUNTING_TF, counting_variables
from support import race, wait_for

from faults.conftest import CLIENT_TIMEOUT
from faults.invariants import assert_invariants, check_answers

pytestmark = [pytest.mark.e2e, pytest.mark.faults]
LOCKERS = 50


def _lock_round(url: str, token: str, round_name: str) -> str:
    """50 LOCKs at once; the winner's lock ID, after checking every answer."""
    auth = {"Authorization": "Basic " + base64.b64encode(f"engine:{token}".encode()).decode()}

    def locker(i: int):
        def attempt():
            body = {"ID": f"{round_name}-{i}", "Operation": "OperationTypeApply", "Who": f"engine-{i}@ci",
                    "Version": "1.10.0", "Created": "2026-12-01T12:00:00Z", "Info": "", "Path": ""}
            # Long enough for 50 requests queued on the API's database pool; a hang still fails the test.
            return requests.request("LOCK", f"{url}/lock", json=body, headers=auth, timeout=CLIENT_TIMEOUT * 3)
        return attempt

    answers = race(*(locker(i) for i in range(LOCKERS)))
    errors = [a for a in answers if not isinstance(a, requests.Response)]
    assert not errors, errors
    assert Counter(a.status_code for a in answers) == {200: 1, 423: LOCKERS - 1}, \
        Counter(a.status_code for a in answers)
    winner = next(a.json()["ID"] for a in answers if a.status_code == 200)
    # Every loser is told who holds it, as the engine expects (the holder's lock JSON).
    assert {a.json()["ID"] for a in answers if a.status_code == 423} == {winner}
    status = requests.get(f"{url}/lock-status", headers=auth, timeout=CLIENT_TIMEOUT).json()
    assert (status["locked"], status["lock_id"]) == (True, winner)
    unlocked = requests.request("UNLOCK", f"{url}/lock", json={"ID": winner}, headers=auth, timeout=CLIENT_TIMEOUT)
    assert unlocked.status_code == 200
    assert requests.get(f"{url}/lock-status", headers=auth, timeout=CLIENT_TIMEOUT).json() == {"locked": False}
    return winner


def test_fifty_lockers_at_once_get_one_200_and_49_423s_and_the_lock_is_free_after(fault_database, stack, beacon,
                                                                                   tmp_path):
    ik = stack(fault_database)
    ik.serve()
    api = ik.sign_in()
    ik.worker("--concurrency", "2", "--beat")
    template = api.template(tmp_path, "counting", APPLY_COUNTING_TF)
    contended = api.resource(template, "contended", counting_variables(beacon, "contended"))
    url = f"{ik.base}/resources/{contended['id']}/state"
    load = ik.load(template, beacon)

    with load:
        wait_for(lambda: load.runs, timeout=30, what="the load to provision")
        first = _lock_round(url, ik.token, "first")
        second = _lock_round(url, ik.token, "second")
        # Unlocked for real: the resource's own run takes the lock, applies and releases it.
        run = api("post", f"/resources/{contended['id']}/provision")
        finished = api.finished_run(run["id"])
        fault_ended_at = time.time()

    assert first.startswith("first-") and second.startswith("second-")
    assert finished["status"] == "succeeded", finished
    check_answers(load, allowed={200, 201, 202})
    assert_invariants(api, load, beacon, ik.timing, fault_ended_at=fault_ended_at, extra_resources=[contended["id"]],
                      extra_runs=[run["id"]], counted_runs=[*load.runs, run["id"]])
