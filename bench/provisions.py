"""Throughput: 200 provisions asked for at once, run by 1 and then by 2 worker processes.

The resources (of the one-resource module, bench/run_support.py) are created first; then `--clients` threads
fire every POST /resources/{id}/provision at once, and the clock runs from the first request to the last run's
`finished_at`. Each phase has a fresh queue and fresh workers: `infrakitchen worker` with its defaults (a pool of
2 threads, `--concurrency 2`; Celery's prefetch of 1 per thread, acks after the run), all consuming that one
queue; the API is `infrakitchen serve` with its defaults, on a fresh PostgreSQL database.

Then, from the database: every run succeeded (none lost), and none ran twice: one `run.started` event per run
(the claim is a compare-and-set; a second execution would have to claim again), one timing line per run in the
workers' logs, and one state version per resource (a second apply would have written another). Also the
resident memory of each worker process while it runs runs (sampled every half second; alone, and with the
engine processes it has started), the CPU time a run costs the API, the worker processes, PostgreSQL and the
whole machine (from /proc: what the cores allow at most), and the 2-worker / 1-worker throughput ratio.

    .venv/bin/python bench/provisions.py [--runs 200] [--clients 16] [--workers 1,2] [--baseline-tree /tmp/ik-old]

With --baseline-tree (an older checkout, e.g. `git worktree add /tmp/ik-old HEAD`), each worker count runs again
with that tree's API and workers, before and after in one run. Needs PostgreSQL and RabbitMQ. Prints figures;
asserts nothing (but says what it found). The machine's cores are shared by the API, the workers, their engines,
PostgreSQL and RabbitMQ: on 2 cores, more workers mostly queue for the same cores.
"""

import argparse
import contextlib
import os
import shutil
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
from harness import descendants, fresh_database, median, rss_mib, serving
from run_support import TIMING_LINE, Api, delete_queue, new_queue, prepare, serving_env, worker

from service import db
from service.auth import auth_service


def own_rss_mib(pid: int) -> float:
    """Resident memory of `pid` alone, in MiB."""
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pids: list[int], with_descendants: bool = False) -> float:
    """CPU time (user + system) of `pids` (and of their live descendants), in seconds. Not of children they have
    reaped: a sandboxed engine is reaped by bwrap's init, not by the worker, so it never shows there."""
    members = {m for pid in pids for m in ([pid, *descendants(pid)] if with_descendants else [pid])}
    total = 0
    for member in members:
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def machine_busy_seconds() -> float:
    """CPU time every core of the machine has spent busy (all of /proc/stat but idle and iowait), in seconds."""
    fields = [int(f) for f in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return (sum(fields[:8]) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


def postgres_pids(database) -> list[int]:
    return [pid for (pid,) in database.execute(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")]


class MemorySampler:
    """RSS of each worker every half second while its runs run: (alone, with its engine processes)."""

    def __init__(self, pids: list[int]):
        self.samples: dict[int, list[tuple[float, float]]] = {pid: [] for pid in pids}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        while not self._stop.wait(0.5):
            for pid, samples in self.samples.items():
                samples.append((own_rss_mib(pid), rss_mib(pid)))

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def phase(url: str, key: str, token: str, module: Path, workers: int, runs: int, clients: int,
          tree: Path | None, label: str) -> dict:
    queue = new_queue()
    try:
        with serving(url, env=serving_env(key, queue, tree)) as (base, server), contextlib.ExitStack() as stack:
            started = [stack.enter_context(worker(url, base, queue, key, tree=tree)) for _ in range(workers)]
            api = Api(base, token)
            template = api.template(module, f"t-{label}")
            with ThreadPoolExecutor(clients) as pool:
                resources = list(pool.map(lambda i: api.resource(template, f"{label}-{i}"), range(runs)))
            per_thread = threading.local()

            def provision(resource: dict) -> str:
                if not hasattr(per_thread, "api"):
                    per_thread.api = Api(base, token)
                return per_thread.api("post", f"/resources/{resource['id']}/provision")["id"]

            database = stack.enter_context(psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"),
                                                           autocommit=True))
            worker_pids = [process.pid for process, _ in started]
            cpu_before = (cpu_seconds([server.pid], with_descendants=True), cpu_seconds(worker_pids),
                          cpu_seconds(postgres_pids(database)), machine_busy_seconds())
            pg_seen = set(postgres_pids(database))
            with MemorySampler(worker_pids) as memory:
                sent = time.time()
                with ThreadPoolExecutor(clients) as pool:
                    run_ids = list(pool.map(provision, resources))
                asked = time.time() - sent
                deadline = time.monotonic() + 60 + runs * 5
                while time.monotonic() < deadline:
                    left = database.execute("SELECT count(*) FROM runs WHERE id = ANY(%s) AND status IN "
                                            "('queued', 'running')", (run_ids,)).fetchone()[0]
                    if not left:
                        break
                    pg_seen.update(postgres_pids(database))
                    time.sleep(0.2)
            # PostgreSQL backends that ended during the phase are not counted (the pool keeps its connections).
            cpu = (cpu_seconds([server.pid], with_descendants=True) - cpu_before[0],
                   cpu_seconds(worker_pids) - cpu_before[1], cpu_seconds(sorted(pg_seen)) - cpu_before[2],
                   machine_busy_seconds() - cpu_before[3])
            return {"cpu": cpu, **check(database, run_ids, [log for _, log in started]), "sent": sent, "asked": asked,
                    "memory": memory.samples}
    finally:
        delete_queue(queue)


def check(database, run_ids: list[str], logs: list[Path]) -> dict:
    statuses = Counter(dict(database.execute(
        "SELECT status, count(*) FROM runs WHERE id = ANY(%s) GROUP BY status", (run_ids,)).fetchall()))
    finished = database.execute("SELECT max(finished_at) FROM runs WHERE id = ANY(%s)", (run_ids,)).fetchone()[0]
    starts = Counter(dict(database.execute(
        "SELECT run_id::text, count(*) FROM events WHERE type = 'run.started' AND run_id = ANY(%s) GROUP BY run_id",
        (run_ids,)).fetchall()))
    versions = Counter(n for (n,) in database.execute(
        "SELECT count(v.id) FROM runs r LEFT JOIN state_versions v ON v.resource_id = r.resource_id "
        "WHERE r.id = ANY(%s) GROUP BY r.id", (run_ids,)).fetchall())
    executions = Counter()  # the workers' timing lines: one per run executed to its end
    for log in logs:
        for line in log.read_text(errors="replace").splitlines():
            match = TIMING_LINE.search(line)
            if match:
                executions[match["id"]] += 1
    return {"statuses": dict(statuses), "finished": finished.timestamp() if finished else None,
            "started_once": sum(1 for run_id in run_ids if starts[run_id] == 1),
            "started_more": sum(1 for run_id in run_ids if starts[run_id] > 1),
            "state_versions": dict(versions), "logged_once": sum(1 for run_id in run_ids if executions[run_id] == 1),
            "logged_more": sum(1 for run_id in run_ids if executions[run_id] > 1)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--baseline-tree", type=Path, help="a checkout whose API and workers run the same phases")
    args = parser.parse_args()

    key, scratch, module = prepare("ik_bench_prov")
    trees = {"now": None, **({"old": args.baseline_tree.resolve()} if args.baseline_tree else {})}
    print(f"{args.runs} provisions from {args.clients} client threads; each worker: `infrakitchen worker` defaults "
          f"(--pool=threads --concurrency=2, prefetch 1, acks late); {os.cpu_count()} cores", flush=True)
    print(f"{'tree':<5} {'workers':>7} {'succeeded':>9} {'lost':>5} {'twice':>5} {'asked s':>8} {'done s':>7} "
          f"{'runs/min':>9} {'worker RSS MiB':>15} {'+engines':>9}", flush=True)
    rates: dict = {}
    with fresh_database("ik_bench_prov") as url:
        db.bind(db.make_engine(url))
        _, token = auth_service.create_service_account("bench", "admin")
        for count in [int(n) for n in args.workers.split(",")]:
            for name, tree in trees.items():
                result = phase(url, key, token, module, count, args.runs, args.clients, tree, f"{name}{count}")
                elapsed = (result["finished"] or time.time()) - result["sent"]
                succeeded = result["statuses"].get("succeeded", 0)
                rate = succeeded / elapsed * 60
                rates[(name, count)] = rate
                alone = [a for samples in result["memory"].values() for a, _ in samples]
                together = [t for samples in result["memory"].values() for _, t in samples]
                twice = max(result["started_more"], result["logged_more"])
                print(f"{name:<5} {count:>7} {succeeded:>9} {args.runs - succeeded:>5} {twice:>5} "
                      f"{result['asked']:>8.1f} {elapsed:>7.1f} {rate:>9.0f} "
                      f"{median(alone):>7.0f} (max {max(alone, default=0):>3.0f}) {median(together):>9.0f}",
                      flush=True)
                api_cpu, worker_cpu, pg_cpu, all_cpu = (seconds / max(succeeded, 1) for seconds in result["cpu"])
                cores = os.cpu_count() or 1
                print(f"      CPU per run: API {api_cpu:.2f} s, worker processes {worker_cpu:.2f} s, PostgreSQL "
                      f"{pg_cpu:.2f} s; the whole machine {all_cpu:.2f} s (with the engines, bwrap, RabbitMQ, the "
                      f"clients, and any other job): {cores} cores at that rate run {cores * 60 / all_cpu:.0f}/min")
                print(f"      statuses {result['statuses']}; one run.started event: {result['started_once']}, more: "
                      f"{result['started_more']}; one timing line: {result['logged_once']}, more: "
                      f"{result['logged_more']}; state versions per resource: {result['state_versions']}",
                      flush=True)
        db.session.remove()
    shutil.rmtree(scratch, ignore_errors=True)
    for name in trees:
        counts = sorted(c for n, c in rates if n == name)
        if len(counts) > 1:
            print(f"{name}: {counts[-1]} workers / {counts[0]} worker: "
                  f"{rates[(name, counts[-1])] / rates[(name, counts[0])]:.2f}x the runs per minute")
    if "old" in trees:
        for count in sorted({c for _, c in rates}):
            ratio = rates[("now", count)] / rates[("old", count)]
            print(f"{count} worker(s): now / old {ratio:.2f}x the runs per minute")


if __name__ == "__main__":
    main()
