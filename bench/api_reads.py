"""Read paths of the API at 1k, 10k and 100k resources: per shape p50/p99 of one client, the raw SQL of the same
page beside it as a ratio, requests per second at 1 and 8 clients, and the server's memory after them: the
largest resident set of one of its processes (gunicorn's master or a worker) and the proportional share of all.

Seeds a fresh PostgreSQL database in bulk (bench/seed.py), serves it with `infrakitchen serve` and its defaults
(the README's production command), and asks as an admin service account (who sees every resource: the largest
pages to count). Clients and server share the machine's cores, as the issue's measurements did.

    .venv/bin/python bench/api_reads.py [--scales 1000,10000,100000] [--requests 200] [--seconds 5] [--against DIR]

With `--against DIR` (e.g. `git worktree add /tmp/base <commit>`), DIR's code serves the same database beside
this checkout's, and each shape's p50 is asked of both in alternating batches: the last columns are DIR's p50 and
this one's as a ratio of it.

Prints figures; asserts nothing.
"""

import argparse
import contextlib
import threading
import time

import psycopg
import requests
from cryptography.fernet import Fernet
from harness import fresh_database, median, memory_mib, percentile, serving
from seed import entity, grow, templates

from service import crypto, db
from service.auth import auth_service

# What a page costs the database alone: the rows of the page (with what the API shows of each: template,
# version, last run) and the number the client is told.
SHAPES = {
    "list": ("/resources/?page_size=50",
             "SELECT r.* FROM resources r ORDER BY r.created_at DESC, r.id DESC LIMIT 50",
             "SELECT count(*) FROM resources"),
    "entity": ("/resources/?entity_ref={entity}&sort=-created_at&page_size=50",
               "SELECT r.* FROM resources r WHERE r.entity_ref = %(entity)s "
               "ORDER BY r.created_at DESC, r.id DESC LIMIT 50",
               "SELECT count(*) FROM resources WHERE entity_ref = %(entity)s"),
    "error-page-10": ("/resources/?status=error&sort=name&page_size=50&page=10",
                      "SELECT r.* FROM resources r WHERE r.status = 'error' ORDER BY r.name, r.id LIMIT 50 "
                      "OFFSET 450",
                      "SELECT count(*) FROM resources WHERE status = 'error'"),
    "one": ("/resources/{resource_id}", "SELECT r.* FROM resources r WHERE r.id = %(resource_id)s", None),
    "golden-state": ("/golden-state/", "SELECT template_version_id, count(*) FROM resources "
                     "WHERE state <> 'destroyed' GROUP BY template_version_id", None),
    # The catalog module's full read, one page of 200 entities (with their parents).
    "catalog-page": ("/catalog/entities?limit=200", "SELECT r.* FROM resources r WHERE r.state <> 'destroyed' "
                     "ORDER BY r.id LIMIT 201", None),
}


def timed_requests(session: requests.Session, url: str, headers: dict, count: int) -> list[float]:
    times = []
    for _ in range(count):
        started = time.perf_counter()
        response = session.get(url, headers=headers, timeout=30)
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url}: {response.status_code} {response.text[:300]}")
    return times


def timed_sql(connection, statements: list[str], params: dict, count: int) -> list[float]:
    times = []
    for _ in range(count):
        started = time.perf_counter()
        for statement in statements:
            connection.execute(statement, params).fetchall()
        times.append((time.perf_counter() - started) * 1000)
    return times


def throughput(url: str, headers: dict, clients: int, seconds: float) -> tuple[float, int]:
    """Requests per second over `seconds` with `clients` threads asking back to back, and the non-200 count."""
    done, errors, stop = [0] * clients, [0] * clients, time.perf_counter() + seconds

    def client(i: int) -> None:
        with requests.Session() as session:
            while time.perf_counter() < stop:
                try:
                    ok = session.get(url, headers=headers, timeout=30).status_code == 200
                except requests.RequestException:
                    ok = False
                done[i] += 1
                errors[i] += not ok

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / (time.perf_counter() - started), sum(errors)


def alternated(base: str, other: str, path: str, headers: dict, count: int) -> tuple[list[float], list[float]]:
    """Request times of the same page from two servers, in alternating batches (the machine's noise falls on
    both alike)."""
    times: tuple[list[float], list[float]] = ([], [])
    with requests.Session() as first, requests.Session() as second:
        for session, server in ((first, base), (second, other)):
            timed_requests(session, server + path, headers, 20)  # warm: connections, caches
        for _ in range(max(1, count // 20)):
            times[0].extend(timed_requests(first, base + path, headers, 20))
            times[1].extend(timed_requests(second, other + path, headers, 20))
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scales", default="1000,10000,100000")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--shapes", default=",".join(SHAPES))
    parser.add_argument("--against", metavar="DIR", help="also serve the checkout in DIR (a `git worktree` of an "
                        "older commit) on the same database: p50 of both, alternated, and their ratio")
    args = parser.parse_args()
    scales = [int(n) for n in args.scales.split(",")]
    shapes = args.shapes.split(",")

    key = Fernet.generate_key().decode()
    crypto.set_key_ring(crypto.SecretBox([key]))
    with fresh_database() as url:
        db.bind(db.make_engine(url))
        _, token = auth_service.create_service_account("bench", "admin")
        headers = {"Authorization": f"Bearer {token}"}
        versions = templates()
        raw = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True)
        with contextlib.ExitStack() as servers:
            base, server = servers.enter_context(serving(url, env={"ENCRYPTION_KEYS": key}))
            other = servers.enter_context(serving(url, env={"ENCRYPTION_KEYS": key}, code=args.against))[0] \
                if args.against else None
            print(f"{'scale':>7} {'shape':<14} {'p50 ms':>7} {'p99 ms':>7} {'SQL p50':>8} {'API/SQL':>8} "
                  f"{'1 client/s':>10} {'8 clients/s':>11} {'errors':>6} {'RSS/proc':>8} {'PSS all':>8}"
                  + (f" {'DIR p50':>8} {'p50/DIR':>8}" if other else ""))
            seeded = 0
            for scale in scales:
                grow(versions, seeded, scale)
                seeded = scale
                params = {"entity": entity(7),
                          "resource_id": raw.execute("SELECT id FROM resources OFFSET %s LIMIT 1",
                                                     (scale // 2,)).fetchone()[0]}
                for name in shapes:
                    path, *statements = SHAPES[name]
                    page_url = base + path.format(**params)
                    if other:
                        api, theirs = alternated(base, other, path.format(**params), headers, args.requests)
                    else:
                        with requests.Session() as session:
                            timed_requests(session, page_url, headers, 20)  # warm: connections, caches
                            api = timed_requests(session, page_url, headers, args.requests)
                    sql = timed_sql(raw, [s for s in statements if s], params, args.requests)
                    one, _ = throughput(page_url, headers, 1, args.seconds)
                    eight, errors = throughput(page_url, headers, 8, args.seconds)
                    largest, shared = memory_mib(server.pid)
                    print(f"{scale:>7} {name:<14} {median(api):>7.1f} {percentile(api, 0.99):>7.1f} "
                          f"{median(sql):>8.1f} {median(api) / median(sql):>8.1f} {one:>10.0f} {eight:>11.0f} "
                          f"{errors:>6} {largest:>8.0f} {shared:>8.0f}"
                          + (f" {median(theirs):>8.1f} {median(api) / median(theirs):>8.2f}" if other else ""),
                          flush=True)
        raw.close()
        db.session.remove()


if __name__ == "__main__":
    main()
