"""Commit -> client latency of live updates, and memory per idle WebSocket.

Starts a real API server (gunicorn, one process) on a fresh PostgreSQL database, opens N sockets subscribed
to one catalog entity, then commits changes to a resource of that entity from this process (as a worker
would) and times each event from the commit's return to its arrival on every socket. The clients are one
asyncio loop speaking WebSocket with wsproto, so the client side adds as little as it can.

    .venv/bin/python bench/live_updates.py [--sockets 1,100,1000] [--changes 40]

Needs PostgreSQL (TEST_DATABASE_ADMIN_URL, default postgres@127.0.0.1:5432). Prints figures; asserts nothing.
"""

import argparse
import asyncio
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

import requests
from cryptography.fernet import Fernet
from harness import free_port, fresh_database, rss_mib
from wsproto import ConnectionType, WSConnection
from wsproto.events import AcceptConnection, Ping, Request, TextMessage

import service.models  # noqa: F401  (every table, and the listeners that record events)
from service import crypto, db
from service.auth import auth_service
from service.resources.resource_model import Resource
from service.templates.template_model import Template, TemplateVersion

ENTITY = "component:default/bench"
CHANGE = re.compile(rb'"name": "(change-[0-9-]+)"')


class Client:
    """One socket: authenticates, subscribes, and stamps each event's arrival."""

    def __init__(self, arrivals: dict):
        self.arrivals = arrivals
        self.ws = WSConnection(ConnectionType.CLIENT)
        self.ready = asyncio.Event()

    async def connect(self, port: int, token: str) -> None:
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", port)
        self.writer.write(self.ws.send(Request(host="127.0.0.1", target="/api/v1/ws",
                                               subprotocols=["infrakitchen.v1", token])))
        asyncio.get_running_loop().create_task(self._read())
        await self.ready.wait()

    async def _read(self) -> None:
        while data := await self.reader.read(65536):
            now = time.perf_counter()
            if self.ready.is_set():
                # Subscribed: only stamp events. Finding the name in the raw (uncompressed) frames keeps the
                # client's own parsing out of the figures; the server's pings are off for this run.
                for name in CHANGE.findall(data):
                    self.arrivals.setdefault(name.decode(), []).append(now)
                continue
            self.ws.receive_data(data)
            for event in self.ws.events():
                if isinstance(event, AcceptConnection):
                    self.writer.write(self.ws.send(TextMessage(json.dumps(
                        {"type": "subscribe", "subscription": "b", "entity_ref": ENTITY}))))
                elif isinstance(event, Ping):
                    self.writer.write(self.ws.send(event.response()))
                elif isinstance(event, TextMessage):
                    message = json.loads(event.data)
                    if message["type"] == "subscribed":
                        self.ready.set()


async def _measure(port: int, token: str, server_pid: int, sockets: int, changes: int, resource) -> dict:
    arrivals: dict = {}
    before = rss_mib(server_pid) * 1024
    clients = [Client(arrivals) for _ in range(sockets)]
    for start in range(0, sockets, 50):  # a few at a time, as browsers would arrive
        await asyncio.gather(*(c.connect(port, token) for c in clients[start:start + 50]))
    await asyncio.sleep(2)
    per_socket = (rss_mib(server_pid) * 1024 - before) / sockets
    committed = {}
    for i in range(changes):
        resource.name = f"change-{sockets}-{i}"
        db.session.commit()
        committed[resource.name] = time.perf_counter()
        await asyncio.sleep(0.1)
    await asyncio.sleep(3)
    latencies = sorted((t - committed[name]) * 1000 for name, times in arrivals.items() for t in times
                       if name in committed)
    for client in clients:
        client.writer.close()
    await asyncio.sleep(2)
    return {"latencies": latencies, "expected": sockets * changes, "kib_per_socket": per_socket}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sockets", default="1,100,1000")
    parser.add_argument("--changes", type=int, default=40)
    args = parser.parse_args()
    counts = [int(n) for n in args.sockets.split(",")]

    server = None
    key = Fernet.generate_key().decode()  # the resource row seals its (empty) secret columns with it
    crypto.set_key_ring(crypto.SecretBox([key]))
    with fresh_database() as url:
        try:
            db.bind(db.make_engine(url))
            _, token = auth_service.create_service_account("bench", "admin")
            port = free_port()
            env = {**os.environ, "DATABASE_URL": url, "BROKER_URL": "memory://", "LOG_LEVEL": "WARNING",
                   "WS_PING_SECONDS": "3600", "ENCRYPTION_KEYS": key,
                   "INFRAKITCHEN_DATA_DIR": tempfile.mkdtemp(prefix="ik_bench")}
            server = subprocess.Popen(
                [sys.executable, "-m", "service.cli", "serve", "--port", str(port), "--workers", "1",
                 "--threads", str(max(counts) + 50)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for _ in range(150):
                try:
                    requests.get(f"http://127.0.0.1:{port}/api/v1/openapi.json", timeout=5)
                    break
                except requests.RequestException:
                    time.sleep(0.2)
            resource = _resource()
            print(f"{'sockets':>8} {'events':>9} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'KiB/socket':>11}")
            for count in counts:
                result = asyncio.run(_measure(port, token, server.pid, count, args.changes, resource))
                lat = result["latencies"]
                p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))] if lat else float("nan")
                print(f"{count:>8} {len(lat):>4}/{result['expected']:<4} {statistics.median(lat):>8.1f} "
                      f"{p99:>8.1f} {max(lat):>8.1f} {result['kib_per_socket']:>11.1f}")
        finally:
            if server is not None:
                server.terminate()
                server.wait(timeout=60)
            db.session.remove()


def _resource():
    """A resource row to change (its template is irrelevant to events; inserted directly)."""
    session = db.session()
    template = Template(name="bench", description="", created_by="bench")
    session.add(template)
    session.flush()
    version = TemplateVersion(template_id=template.id, version="1.0.0", source_url="bench", variables=[], outputs=[],
                              archive=b"", created_by="bench")
    session.add(version)
    session.flush()
    resource = Resource(name="bench", template_id=template.id, template_version_id=version.id, entity_ref=ENTITY,
                        owner="group:default/bench", created_by="bench")
    session.add(resource)
    session.commit()
    return resource


if __name__ == "__main__":
    main()
