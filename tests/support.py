"""Small helpers for tests that talk to other processes."""

import json
import socket
import time

import requests


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


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


class Socket:
    """A WebSocket client to /api/v1/ws that reads JSON messages with a timeout."""

    def __init__(self, base_url: str, token: str | None = None, subprotocols: list[str] | None = None):
        from simple_websocket import Client

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
        from simple_websocket import ConnectionClosed

        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                self.ws.receive(timeout=0.2)
        except ConnectionClosed as closed:
            return closed.reason
        raise AssertionError("the server did not close the socket")

    def close(self) -> None:
        from simple_websocket import ConnectionClosed

        try:
            self.ws.close()
        except ConnectionClosed:
            pass
