"""What must hold after any fault, checked through the API once the fault is over:

(a) no lost request: every resource and run the API answered 2xx for exists and ends in a final state;
(b) no run executed twice: one `run.started` event, one engine execution in its log, one apply at the beacon;
(c) nothing stuck: every resource settles, and a run whose worker was lost is failed within the sweeper's
    margin (WORKER_LOST_SECONDS plus two sweeps) of its last sign of life or of the fault's end;
(d) no state lock left held;
(e) no event missing for a client resuming with `after`: from id 0, ids strictly increase without duplicates, and
    each resource's and run's last event agrees with its final status.
And of the answers themselves: every request was answered within the client's timeout, never with a 500.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

from support import Api, wait_for

from faults.load import Answer, Load

FINAL_RUN_STATUSES = {"succeeded", "failed", "cancelled"}
BUSY_RESOURCE_STATUSES = {"queued", "in_progress"}
SLACK_SECONDS = 5  # process scheduling, a beat tick's own delay
UNAVAILABLE_BODY = {"code": 503, "status": "Service Unavailable",
                    "message": "the database is unavailable; try again shortly"}


@dataclass(frozen=True)
class Timing:
    """The stack's recovery settings (the `isolated` fixture's short fuses)."""

    heartbeat_seconds: int = 1
    worker_lost_seconds: int = 4
    sweep_interval_seconds: int = 1

    def env(self) -> dict:
        return {"HEARTBEAT_SECONDS": str(self.heartbeat_seconds), "WORKER_LOST_SECONDS": str(self.worker_lost_seconds),
                "SWEEP_INTERVAL_SECONDS": str(self.sweep_interval_seconds)}

    @property
    def lost_run_margin(self) -> float:
        return self.worker_lost_seconds + 2 * self.sweep_interval_seconds + SLACK_SECONDS


@dataclass
class Outcome:
    """The final resources and runs (as GET shows them) and every event, for a test's own further checks."""

    resources: dict = field(default_factory=dict)
    runs: dict = field(default_factory=dict)
    events: list = field(default_factory=list)


def check_answers(load: Load, allowed: set[int]) -> None:
    """Every request was answered, never with a 500, and only with `allowed` statuses (a 503 only in the error
    shape with Retry-After)."""
    unanswered = [a for a in load.answers if a.status is None]
    assert not unanswered, "requests without an answer within the client's timeout:\n" + _lines(unanswered)
    broken = [a for a in load.answers if a.status == 500]
    assert not broken, "500s:\n" + _lines(broken)
    unexpected = [a for a in load.answers if a.status not in allowed]
    assert not unexpected, f"answers other than {sorted(allowed)}:\n" + _lines(unexpected)
    for answer in load.answers:
        if answer.status == 503:
            check_unavailable(answer)


def check_unavailable(answer: Answer) -> None:
    assert answer.body == UNAVAILABLE_BODY, answer
    assert int(answer.headers.get("Retry-After", "0")) > 0, answer


def assert_invariants(api: Api, load: Load, beacon, timing: Timing, *, fault_ended_at: float, settle_seconds=90,
                      extra_resources=(), extra_runs=(), counted_runs=None) -> Outcome:
    """(a) to (e) for what `load` was answered 2xx for, and `extra_resources`/`extra_runs` the test made itself.
    `counted_runs`: the runs whose module reports each apply to `beacon` (default: the load's)."""
    resource_ids = list(dict.fromkeys([*load.resources, *extra_resources]))
    run_ids = list(dict.fromkeys([*load.runs, *extra_runs]))
    counted = set(load.runs if counted_runs is None else counted_runs)
    outcome = Outcome()

    # (a) and (c): everything accepted exists and settles.
    def settled():
        for rid in run_ids:
            if outcome.runs.get(rid, {}).get("status") not in FINAL_RUN_STATUSES:
                outcome.runs[rid] = api("get", f"/runs/{rid}")
        for rid in resource_ids:
            if outcome.resources.get(rid, {"status": "queued"})["status"] in BUSY_RESOURCE_STATUSES:
                outcome.resources[rid] = api("get", f"/resources/{rid}")
        busy_runs = [r for r in outcome.runs.values() if r["status"] not in FINAL_RUN_STATUSES]
        busy = [r for r in outcome.resources.values() if r["status"] in BUSY_RESOURCE_STATUSES]
        return not busy_runs and not busy

    try:
        wait_for(settled, timeout=settle_seconds, interval=0.5, what="every accepted resource and run to settle")
    except AssertionError as error:
        if not str(error).startswith("timed out"):
            raise  # a read that failed (Api asserts its answer): that, not a timeout
        stuck = [f"run {r['id']}: {r['status']}" for r in outcome.runs.values()
                 if r["status"] not in FINAL_RUN_STATUSES]
        stuck += [f"resource {r['id']}: {r['state']}/{r['status']}" for r in outcome.resources.values()
                  if r["status"] in BUSY_RESOURCE_STATUSES]
        raise AssertionError("(a)/(c) still busy after the fault: " + "; ".join(stuck)) from None
    # A resource read before its last run finished has moved since (in that run's final transaction).
    outcome.resources = {rid: api("get", f"/resources/{rid}") for rid in resource_ids}

    # (c) a lost run was noticed within the sweeper's margin.
    fault_end = datetime.fromtimestamp(fault_ended_at, UTC)
    for run in outcome.runs.values():
        if run["status"] == "failed" and (run["error"] or "").startswith("worker lost"):
            last_sign = max(_when(run["heartbeat_at"] or run["started_at"]), fault_end)
            late = (_when(run["finished_at"]) - last_sign).total_seconds()
            assert late <= timing.lost_run_margin, f"(c) run {run['id']} was failed {late:.1f} s after its worker " \
                                                   f"went quiet (margin {timing.lost_run_margin} s)"

    # (d) no lock left held.
    for rid in resource_ids:
        assert api("get", f"/resources/{rid}/state/lock-status") == {"locked": False}, f"(d) resource {rid} locked"

    # (e) the event stream, read as a client resuming with `after` from the start.
    outcome.events = read_all_events(api)
    ids = [e["id"] for e in outcome.events]
    assert ids == sorted(set(ids)), "(e) event ids are not strictly increasing, or repeat"
    for rid, resource in outcome.resources.items():
        last = _last_event(outcome.events, "resource_id", rid, "resource.")
        assert last is not None, f"(e) no event of resource {rid}"
        assert (last["data"]["state"], last["data"]["status"]) == (resource["state"], resource["status"]), \
            f"(e) resource {rid} is {resource['state']}/{resource['status']} but its last event says " \
            f"{last['data']['state']}/{last['data']['status']}"
    started = Counter(e["run_id"] for e in outcome.events if e["type"] == "run.started")
    for rid, run in outcome.runs.items():
        last = _last_event(outcome.events, "run_id", rid, "run.")
        assert last is not None and last["data"]["status"] == run["status"], \
            f"(e) run {rid} is {run['status']}, its last event: {last}"

        # (b) executed once: one claim, one engine execution in its log, one apply at the beacon.
        assert started[rid] <= 1, f"(b) run {rid} was started {started[rid]} times"
        lines = api("get", f"/runs/{rid}/logs?limit=5000")["lines"]
        executions = sum(1 for line in lines if line == "==> init")
        assert executions <= 1, f"(b) run {rid}'s log shows {executions} executions"
        applies = beacon.hits[f"/applied/{rid}"]
        assert applies <= 1, f"(b) run {rid} applied {applies} times"
        if rid in counted and run["status"] == "succeeded" and run["kind"] == "provision":
            assert applies == 1, f"(b) run {rid} succeeded without applying"
    return outcome


def read_all_events(api: Api) -> list[dict]:
    """Every event (all topics) from id 0, a page at a time, as a client resuming with `after` would."""
    events, after = [], 0
    while True:
        page = api("get", f"/events/?after={after}&limit=500")
        assert not page["reset"], "(e) events were pruned"
        events += page["events"]
        if page["last_id"] == after:
            return events
        after = page["last_id"]


def _last_event(events: list[dict], key: str, value: str, prefix: str) -> dict | None:
    return next((e for e in reversed(events) if e[key] == value and e["type"].startswith(prefix)), None)


def _when(moment: str) -> datetime:
    return datetime.fromisoformat(moment)


def _lines(answers: list[Answer]) -> str:
    return "\n".join(str(a) for a in answers[:20])
