"""Orchestration overhead: a provision through the API and a real worker (A) against the engine alone doing the same
work (B), alternated in one run, then where A's extra time goes.

A: POST /resources/{id}/provision, then the run's row is watched until it has finished; A is the run's
   `finished_at` minus the moment the request was sent. The API is `infrakitchen serve` with its defaults, the
   worker `infrakitchen worker` with its defaults (sandboxed as RUN_SANDBOX=auto makes it here), on a RabbitMQ
   queue of their own, with a fresh PostgreSQL database. The row is read straight from PostgreSQL every 20 ms (a
   primary-key read); polling GET /runs/{id} as often would load the shared cores during A and not during B.
B: the same module (one terraform_data and an output, bench/run_support.py) in a temp dir, the engine run
   directly as the worker would run it (same launcher, flags, var file and backend override): init, apply,
   output, with the same backend: the platform's HTTP state backend of the same API (a resource of its own, a
   service-account token as the password), so state round trips are in A and B alike. B is the sum of the three
   engine processes' wall times, unsandboxed; "B in the sandbox" is the same inside the worker's bubblewrap
   sandbox, to tell the sandbox's share of A - B.

Every resource is new, so A and B both start from no state. After warm-up, every measure runs once per round
(`--pairs` rounds, the order reversed every other round); a ratio is the median of the per-round ratios. With
`--baseline-tree DIR` (a checkout of an older commit: `git worktree add /tmp/ik-old HEAD`) an API and a worker
from DIR run beside today's, and A and B of that tree (B with its engine launcher) join the rounds: before and
after in one run.

The breakdown: the run's timestamps (published_at, started_at, finished_at), the worker's per-run timing line
(run_executor: claim, prepare, each engine step, outputs, cleanup, last log flush, finish), B's per-step times,
and a second pass (`--trips-pairs`) whose worker and engine reach the state API through a recording proxy in this
process, which counts and times every state request (the proxy's own cost is in those times, not in the A/B
figures).

    .venv/bin/python bench/orchestration.py [--pairs 12] [--trips-pairs 4] [--baseline-tree /tmp/ik-old]

Needs PostgreSQL and RabbitMQ (TEST_DATABASE_ADMIN_URL, BENCH_BROKER_URL). Prints figures; asserts nothing. On a
shared 2-core machine absolute times move with the load: read the ratios of one run.
"""

import argparse
import contextlib
import itertools
import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import psycopg
import requests
from harness import fresh_database, median, percentile, serving
from run_support import Api, delete_queue, new_queue, prepare, serving_env, stamp, timing_lines, worker

from service import db
from service.auth import auth_service
from service.config import load_settings
from service.engine import engine_run, sandbox

FINISHED = ("succeeded", "failed", "cancelled")


class StateProxy:
    """An HTTP proxy to the API that records (resource id, method, seconds) of every request it forwards."""

    def __init__(self, upstream: str):
        self.trips: list[tuple[str, str, float]] = []
        proxy = self
        local = threading.local()

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def forward(self):
                started = time.perf_counter()
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if not hasattr(local, "session"):
                    local.session = requests.Session()
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
                upstream_response = local.session.request(self.command, upstream + self.path.removeprefix("/api/v1"),
                                                          data=body, headers=headers, timeout=60)
                self.send_response(upstream_response.status_code)
                for name in ("Content-Type", "Content-MD5"):
                    if name in upstream_response.headers:
                        self.send_header(name, upstream_response.headers[name])
                self.send_header("Content-Length", str(len(upstream_response.content)))
                self.end_headers()
                self.wfile.write(upstream_response.content)
                resource_id = self.path.split("/resources/")[1].split("/")[0]
                proxy.trips.append((resource_id, self.command, time.perf_counter() - started))

            do_GET = do_POST = do_LOCK = do_UNLOCK = do_DELETE = do_PUT = forward  # noqa: N815 (http.server's names)

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self._server.server_address[1]}/api/v1"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def of(self, resource_id: str) -> list[tuple[str, float]]:
        return [(method, seconds) for rid, method, seconds in self.trips if rid == resource_id]

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


class EngineAlone:
    """B: init, apply, output of the module in a temp dir, as the worker would run them, timed per process."""

    def __init__(self, module: Path, token: str, runs_sandbox: sandbox.Sandbox | None, tree: Path | None = None):
        self.settings = load_settings()
        self.module = module
        self.token = token
        self.sandbox = runs_sandbox
        self.root = Path(tempfile.mkdtemp(prefix="ik_bench_engine", dir=module.parent))
        self.visible = (*sandbox.engine_paths(self.settings.engine_binary), self.settings.plugin_cache_dir)
        # The engine as that tree's worker starts it: for the embedded engine, its launcher script.
        self.base = engine_run.engine_argv(self.settings)
        if tree is not None and not self.settings.engine_binary:
            self.base = [sys.executable, "-I", str(tree / "service" / "engine" / "embedded_terraform.py")]

    def __call__(self, state_api: str, resource: dict, sandboxed: bool = False) -> dict[str, float]:
        work = Path(tempfile.mkdtemp(dir=self.root))
        source = work / "src"
        shutil.copytree(self.module, source)
        (source / engine_run.VAR_FILE).write_text(json.dumps(resource["variables"]))
        (source / engine_run.BACKEND_OVERRIDE).write_text(engine_run.BACKEND_OVERRIDE_TF)
        backend = engine_run.StateBackend(f"{state_api}/resources/{resource['id']}/state", self.token)
        env = {**engine_run.engine_env(work, self.settings.plugin_cache_dir, sandboxed), **backend.env()}
        base = self.base
        steps = [("init", [*base, "init", *engine_run.COMMON_FLAGS]),
                 ("apply", [*base, "apply", "-auto-approve", f"-var-file={engine_run.VAR_FILE}",
                            *engine_run.COMMON_FLAGS]),
                 ("output", [*base, "output", "-json", "-no-color"])]
        times = {}
        for name, argv in steps:
            wrap = sandboxed and self.sandbox is not None
            started = time.perf_counter()
            # Started as the worker starts it: behind prlimit when there is one, else with the limits set after fork.
            preexec = self.sandbox.apply_limits if wrap and not self.sandbox.prlimit else None
            done = subprocess.run(self.sandbox.launch_argv(argv, work, self.visible) if wrap else argv, cwd=source,
                                  env=env, capture_output=True, check=False, preexec_fn=preexec)  # noqa: PLW1509
            times[name] = time.perf_counter() - started
            if done.returncode != 0:
                raise SystemExit(f"engine {name}: exit {done.returncode}\n{done.stdout.decode()[-2000:]}")
        shutil.rmtree(work)
        times["total"] = sum(times.values())
        return times


def provision(api: Api, template: dict, name: str, database) -> dict:
    """A: one provision, request to finished_at; and the run's other timestamps, relative to the request. While it
    runs, its row is looked at every 20 ms straight in the database (a primary-key read: polling the API as often
    would load the machine's cores during A and not during B); then the run is read once through the API."""
    resource = api.resource(template, name)
    sent = time.time()
    run = api("post", f"/resources/{resource['id']}/provision")
    answered = time.time()
    while database.execute("SELECT status FROM runs WHERE id = %s", (run["id"],)).fetchone()[0] not in FINISHED:
        time.sleep(0.02)
    run = api("get", f"/runs/{run['id']}")
    if run["status"] != "succeeded":
        raise SystemExit(f"run {run['id']} {run['status']}: {run['error']}")
    return {"run_id": run["id"], "resource_id": resource["id"], "total": stamp(run["finished_at"]) - sent,
            "answered": answered - sent, "published": stamp(run["published_at"]) - sent,
            "claimed": stamp(run["started_at"]) - sent}


def sandbox_cost(runs_sandbox: sandbox.Sandbox | None, visible: tuple, count: int = 15) -> float:
    """Seconds bwrap adds to starting one process (/bin/true inside the sandbox minus /bin/true)."""
    if runs_sandbox is None:
        return 0.0
    with tempfile.TemporaryDirectory() as empty:
        def timed(argv, preexec=None):
            started = time.perf_counter()
            subprocess.run(argv, check=True, preexec_fn=preexec)  # noqa: PLW1509 (setrlimit calls only)
            return time.perf_counter() - started
        preexec = None if runs_sandbox.prlimit else runs_sandbox.apply_limits
        inside = median([timed(runs_sandbox.launch_argv(["/bin/true"], Path(empty), visible), preexec)
                         for _ in range(count)])
        outside = median([timed(["/bin/true"]) for _ in range(count)])
    return inside - outside


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.0f}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pairs", type=int, default=12)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--trips-pairs", type=int, default=4, help="pairs of the state-round-trip pass (0: none)")
    parser.add_argument("--baseline-tree", type=Path, help="a checkout whose API and worker run as A(old)")
    args = parser.parse_args()

    key, scratch, module = prepare("ik_bench_orch")
    variants = {"now": None, **({"old": args.baseline_tree.resolve()} if args.baseline_tree else {})}
    queues = {name: new_queue() for name in [*variants, "trips"]}
    settings = load_settings()
    runs_sandbox = sandbox.sandbox_for(settings)
    with fresh_database("ik_bench_orch") as url, contextlib.ExitStack() as stack:
        db.bind(db.make_engine(url))
        _, token = auth_service.create_service_account("bench", "admin")
        apis, workers = {}, {}
        for name, tree in variants.items():
            base, _ = stack.enter_context(serving(url, env=serving_env(key, queues[name], tree)))
            apis[name] = Api(base, token)
            workers[name] = stack.enter_context(worker(url, base, queues[name], key, tree=tree))
        api = apis["now"]
        template = api.template(module, "bench")
        alone = {name: EngineAlone(module, token, runs_sandbox, tree) for name, tree in variants.items()}
        counter = itertools.count()
        database = stack.enter_context(psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"),
                                                       autocommit=True))

        def a(name: str):
            return lambda: provision(apis[name], template, f"r{next(counter)}", database)

        def b(name: str, sandboxed: bool = False):
            return lambda: alone[name](api.base, api.resource(template, f"r{next(counter)}"), sandboxed)

        measures = {**{f"A {name}": a(name) for name in variants}, **{f"B {name}": b(name) for name in variants},
                    "B now, sandboxed": b("now", True)}
        print(f"sandbox: {'bwrap ' + runs_sandbox.bwrap if runs_sandbox else 'none'}"
              f"{' behind prlimit' if runs_sandbox and runs_sandbox.prlimit else ''}; engine: "
              f"{settings.engine_label}; worker concurrency: default (2); state: the HTTP backend of the API, for "
              f"A and B alike", flush=True)
        for _ in range(args.warmup):
            for measure in measures.values():
                measure()
        results = {name: [] for name in measures}
        for i in range(args.pairs):
            for name in list(measures) if i % 2 == 0 else reversed(measures):
                results[name].append(measures[name]())
        timings = timing_lines(workers["now"][1])

        trips = {"A": [], "B": []}
        if args.trips_pairs:
            proxy = StateProxy(api.base)
            with worker(url, proxy.base, queues["trips"], key) as _:
                trip_api = Api(stack.enter_context(serving(url, env=serving_env(key, queues["trips"])))[0], token)
                for _ in range(args.trips_pairs):
                    done = provision(trip_api, template, f"r{next(counter)}", database)
                    trips["A"].append(proxy.of(done["resource_id"]))
                    resource = api.resource(template, f"r{next(counter)}")
                    alone["now"](proxy.base, resource)
                    trips["B"].append(proxy.of(resource["id"]))
            proxy.close()
        per_process_sandbox = sandbox_cost(runs_sandbox, alone["now"].visible)
        report(results, timings, trips, per_process_sandbox)
        db.session.remove()
    for queue in queues.values():
        delete_queue(queue)
    shutil.rmtree(scratch, ignore_errors=True)


def report(results: dict, timings: dict, trips: dict, per_process_sandbox: float) -> None:
    def totals(name: str) -> list[float]:
        return [r["total"] for r in results[name]]

    def ratio(values: list[float], to: list[float]) -> float:
        return median([x / y for x, y in zip(values, to, strict=True)])

    def spread(values: list[float], to: list[float]) -> str:
        ratios = [x / y for x, y in zip(values, to, strict=True)]
        return f"({percentile(ratios, 0.25):.2f} .. {percentile(ratios, 0.75):.2f})"

    print(f"\n{len(results['B now'])} rounds, each measure once per round (order reversed every other round); "
          f"a ratio is the median of the per-round ratios")
    print(f"{'':<34} {'median s':>9} {'/B same tree':>13} {'(middle half)':>14} {'/(init+apply alone)':>20}")
    for tree in ("now", "old"):
        if f"A {tree}" in results:
            b_core = [r["init"] + r["apply"] for r in results[f"B {tree}"]]
            print(f"{'A ' + tree + ': provision through the API':<34} {median(totals('A ' + tree)):>9.3f} "
                  f"{ratio(totals('A ' + tree), totals('B ' + tree)):>13.2f} "
                  f"{spread(totals('A ' + tree), totals('B ' + tree)):>14} "
                  f"{ratio(totals('A ' + tree), b_core):>20.2f}")
    for tree in ("now", "old"):
        if f"B {tree}" in results:
            print(f"{'B ' + tree + ': init+apply+output alone':<34} {median(totals('B ' + tree)):>9.3f}")
    print(f"{'B now, in the sandbox':<34} {median(totals('B now, sandboxed')):>9.3f} "
          f"{ratio(totals('B now, sandboxed'), totals('B now')):>13.2f}")
    if "A old" in results:
        print(f"{'A now / A old':<34} {ratio(totals('A now'), totals('A old')):>9.2f} {'':>13} "
              f"{spread(totals('A now'), totals('A old')):>14}")
        print(f"{'B now / B old (the engine launcher)':<34} {ratio(totals('B now'), totals('B old')):>9.2f} {'':>13} "
              f"{spread(totals('B now'), totals('B old')):>14}")

    engine = results["B now"]
    now, boxed = results["A now"], results["B now, sandboxed"]
    lines = [timings.get(r["run_id"]) for r in now]
    print(f"\nWhere A(now) - B goes, ms: the median over the rounds (and the middle half of them); per round the "
          f"rows add up to A - B, whose median is "
          f"{median([x['total'] - y['total'] for x, y in zip(now, engine, strict=True)]) * 1000:.0f} ms")

    def row(label: str, values: list[float]) -> None:
        print(f"  {label:<70} {median(values) * 1000:5.0f}   "
              f"({percentile(values, 0.25) * 1000:.0f} .. {percentile(values, 0.75) * 1000:.0f})")

    row("POST /provision until the run is committed and published", [r["published"] for r in now])
    row("  (until the API's answer is back: the client's view)", [r["answered"] for r in now])
    row("pickup: published_at -> the worker's claim (started_at)", [r["claimed"] - r["published"] for r in now])
    if not all(lines):
        print("  (no per-run timing lines in the worker's log: a worker from before they existed)")
        return

    def phase(name: str) -> list[float]:
        return [line.get(name, 0.0) for line in lines]

    row("claim transaction (run and resource moved, inputs, credential, events)", phase("claim"))
    row("work dir, module unpacked, var file, CLI config", phase("prepare"))
    for step in ("init", "apply"):
        row(f"{step}: in the worker minus alone", [x - y[step] for x, y in zip(phase(step), engine, strict=True)])
        row(f"  of which the sandbox ({step} in the sandbox minus alone)",
            [x[step] - y[step] for x, y in zip(boxed, engine, strict=True)])
    row("outputs: the worker's (read from the stored state) minus `output -json`",
        [x - y["output"] for x, y in zip(phase("output"), engine, strict=True)])
    row("work dir removed", phase("cleanup"))
    row("heartbeat stopped, last log lines stored", phase("logs"))
    in_worker = [sum(line.get(p, 0.0) for p in ("claim", "prepare", "init", "apply", "output", "cleanup", "logs"))
                 for line in lines]
    row("finish transaction up to finished_at, and the gaps between phases",
        [r["total"] - r["claimed"] - w for r, w in zip(now, in_worker, strict=True)])
    row("  (the whole finish transaction, its commit after finished_at)", phase("finish"))
    print(f"  log flushes per run: {median(phase('log_flushes')):.0f}; heartbeat checks per run: "
          f"{median(phase('heartbeat_checks')):.0f}; bwrap's own cost per process (/bin/true): "
          f"{per_process_sandbox * 1000:.0f} ms")
    for side in ("A", "B"):
        if trips[side]:
            counts = Counter(method for method, _ in trips[side][0])
            spent = median([sum(seconds for _, seconds in trip) for trip in trips[side]])
            methods = ", ".join(f"{n} {m}" for m, n in counts.items())
            print(f"  state requests per run, {side}: {sum(counts.values())} ({methods}), {spent * 1000:.0f} ms in "
                  f"them (median of {len(trips[side])}, through the recording proxy)")


if __name__ == "__main__":
    main()
