"""Small helpers for tests that talk to the API or to other processes."""

import contextlib
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests
from factories.auth import bearer
from factories.modules import GREETER_TF, write_module
from simple_websocket import Client, ConnectionClosed


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def race(*attempts) -> list:
    """The results of `attempts` (callables), each run by a thread of its own, all released at the same moment.
    An exception is returned as its attempt's result, so one failure does not hide the others."""
    barrier = threading.Barrier(len(attempts))
    results: list = [None] * len(attempts)

    def one(i: int) -> None:
        barrier.wait()
        try:
            results[i] = attempts[i]()
        except Exception as error:  # noqa: BLE001 (reported to the test as the result)
            results[i] = error

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(attempts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def wait_for(predicate, timeout=90.0, interval=0.2, what="condition"):
    """The first truthy value of `predicate()`; AssertionError when `timeout` passes first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {what}")


def health_status(base_url: str) -> int | None:
    """The status of `{base_url}/health`, or None while the server is not listening or still booting (a cold
    worker can take longer than one read timeout to import the app)."""
    try:
        return requests.get(f"{base_url}/health", timeout=5).status_code
    except requests.RequestException:
        return None


@contextlib.contextmanager
def serving(env: dict, workers: int = 1, threads: int | None = None, stderr=None):
    """`infrakitchen serve` in a process of its own with `env`, on the port of env's STATE_API_URL (default: a free
    one); yields (the API's base URL, the process) once it answers. `stderr`: a file for the server's log."""
    base = env.get("STATE_API_URL") or f"http://127.0.0.1:{free_port()}/api/v1"
    port = base.split(":")[2].split("/")[0]
    command = [sys.executable, "-m", "service.cli", "serve", "--port", port, "--workers", str(workers)]
    process = subprocess.Popen(command + (["--threads", str(threads)] if threads else []), env={**os.environ, **env},
                               stdout=subprocess.DEVNULL, stderr=stderr or subprocess.DEVNULL)
    try:
        wait_for(lambda: health_status(base) == 200, timeout=60, what="the API server to start")
        yield base, process
    finally:  # never leave a server behind
        stop(process)


def stop(process: subprocess.Popen, timeout: float = 30) -> None:
    """Terminate `process` (if it still runs) and wait for it; killed when it does not end within `timeout`."""
    if process.poll() is None:
        process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class Socket:
    """A WebSocket client to /api/v1/ws that reads JSON messages with a timeout."""

    def __init__(self, base_url: str, token: str | None = None, subprotocols: list[str] | None = None):
        url = base_url.replace("http://", "ws://") + "/ws"
        self.ws = Client.connect(url, subprotocols=subprotocols or [])
        if token is not None:
            self.send({"type": "auth", "token": token})

    def send(self, message: dict) -> None:
        self.ws.send(json.dumps(message))

    def receive(self, timeout: float = 10.0) -> dict:
        raw = self.ws.receive(timeout=timeout)
        assert raw is not None, f"nothing received in {timeout} s"
        return json.loads(raw)

    def expect(self, message_type: str, timeout: float = 10.0) -> dict:
        message = self.receive(timeout)
        assert message["type"] == message_type, message
        return message

    def close_code(self, timeout: float = 10.0) -> int:
        """The code the server closed with (after any messages still in flight)."""
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                self.ws.receive(timeout=0.2)
        except ConnectionClosed as closed:
            return closed.reason
        raise AssertionError("the server did not close the socket")

    def close(self) -> None:
        try:
            self.ws.close()
        except ConnectionClosed:
            pass


class Api:
    """The API as one caller, through a Flask test client: `api("post", "/resources/", {...})` is the JSON body,
    asserting success (or the status in `expect`)."""

    def __init__(self, client, token: str):
        self.client = client
        self.headers = bearer(token)

    def __call__(self, method: str, path: str, json=None, expect: int | None = None):
        response = getattr(self.client, method)(f"/api/v1{path}", json=json, headers=self.headers)
        body = response.get_json(silent=True)  # None for a 204
        if expect is None:
            assert response.status_code < 300, body
        else:
            assert response.status_code == expect, body
        return body

    def template(self, tmp_path, name: str, main_tf: str = GREETER_TF, source: dict | None = None) -> dict:
        """A template with one version, from a module directory written under `tmp_path` (or `source`)."""
        template = self("post", "/templates/", {"name": name})
        source = source or {"url": str(write_module(tmp_path / name, main_tf))}
        self("post", f"/templates/{template['id']}/versions", {"version": "1.0.0", "source": source})
        return template

    def resource(self, template: dict, name: str, variables: dict) -> dict:
        return self("post", "/resources/", {"name": name, "template_id": template["id"], "variables": variables})

    def finished_run(self, run_id: str, timeout: float = 60) -> dict:
        """The run once it has finished."""
        return wait_for(lambda: (r := self("get", f"/runs/{run_id}"))["status"] not in ("queued", "running") and r,
                        timeout=timeout, what=f"run {run_id} to finish")

    def settled(self, resource_id: str) -> dict:
        """The resource once its run has finished."""
        return wait_for(
            lambda: (r := self("get", f"/resources/{resource_id}"))["status"] not in ("queued", "in_progress") and r,
            what=f"resource {resource_id} to settle",
        )


class HttpResponse:
    """A `requests` response as Api reads a Flask test client's: `status_code`, `headers`, `get_json(silent=)`."""

    def __init__(self, response: requests.Response):
        self.response = response
        self.status_code = response.status_code
        self.headers = response.headers
        self.data = response.content

    def get_json(self, silent: bool = False):
        try:
            return self.response.json()
        except ValueError:
            if silent:
                return None
            raise

    @property
    def json(self):
        return self.get_json(silent=True)


class HttpClient:
    """The Flask test client's calls (`get`, `post`, ..., `open(path, method=)`) over HTTP to a served API at `root`
    (`http://host:port`), each bounded by `timeout` seconds: `Api(HttpClient(root), token)` drives a real server
    as Api drives the app in-process."""

    def __init__(self, root: str, timeout: float = 10.0):
        self.root = root.rstrip("/")
        self.timeout = timeout
        self._http = threading.local()  # one connection pool per thread

    def open(self, path: str, method: str = "GET", json=None, data=None, headers: dict | None = None) -> HttpResponse:
        http = getattr(self._http, "session", None)
        if http is None:
            http = self._http.session = requests.Session()
        return HttpResponse(http.request(method, self.root + path, json=json, data=data, headers=headers,
                                         timeout=self.timeout))

    def get(self, path, **kwargs):
        return self.open(path, "GET", **kwargs)

    def post(self, path, **kwargs):
        return self.open(path, "POST", **kwargs)

    def put(self, path, **kwargs):
        return self.open(path, "PUT", **kwargs)

    def patch(self, path, **kwargs):
        return self.open(path, "PATCH", **kwargs)

    def delete(self, path, **kwargs):
        return self.open(path, "DELETE", **kwargs)


class Beacon:
    """An HTTP server on 127.0.0.1 that modules in sandboxed runs can reach (they share the host's network, and
    see none of the test's files): it counts requests per path and answers what the test set for a path."""

    def __init__(self):
        self.hits: Counter = Counter()
        self._answers: dict[str, str] = {}
        beacon = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                beacon.hits[self.path] += 1
                body = beacon._answers.get(self.path, "").encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}{path}"

    def answer(self, path: str, body: str) -> None:
        self._answers[path] = body

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
