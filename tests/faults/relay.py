"""An HTTP relay for runs' state backend (a worker's STATE_API_URL): every request is forwarded to the served
API as it came, except that the answer ending one resource's apply can be held, so that a test can act (kill the
worker) at that exact point: the state written, the lock released, the run's outcome not yet recorded."""

import http.client
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade",
              "content-length"}


class HoldingRelay:
    def __init__(self, target_root: str):
        target = urlsplit(target_root)
        self.target = (target.hostname, target.port)
        self.seen: list[tuple[str, str, int]] = []  # (method, path, status) of every forwarded request
        self.holding = threading.Event()  # set once the held answer is waiting
        self.release = threading.Event()
        self._hold_state_path: str | None = None
        self._lock = threading.Lock()
        relay = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _relay(self):
                relay._forward(self)

            do_GET = do_POST = do_PUT = do_DELETE = do_LOCK = do_UNLOCK = _relay  # noqa: N815 (http.server's names)

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        self.base = f"http://127.0.0.1:{self._server.server_address[1]}/api/v1"

    def hold_end_of_apply(self, resource_id: str) -> None:
        """Hold the answer to the UNLOCK that follows a state write of `resource_id` (the end of its apply: the
        engine has saved the state and released the lock, and waits for this answer before it exits)."""
        self._hold_state_path = f"/api/v1/resources/{resource_id}/state"

    def _forward(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else None
        headers = {k: v for k, v in handler.headers.items() if k.lower() not in HOP_BY_HOP}
        connection = http.client.HTTPConnection(*self.target, timeout=60)
        try:
            connection.request(handler.command, handler.path, body=body, headers=headers)
            response = connection.getresponse()
            payload = response.read()
        finally:
            connection.close()
        with self._lock:
            self.seen.append((handler.command, handler.path, response.status))
            written = any(m == "POST" and p.split("?")[0] == self._hold_state_path and s == 200
                          for m, p, s in self.seen)
        if (self._hold_state_path and handler.command == "UNLOCK" and written
                and handler.path == f"{self._hold_state_path}/lock" and not self.holding.is_set()):
            self.holding.set()
            self.release.wait(timeout=120)
        try:
            handler.send_response(response.status)
            for name, value in response.getheaders():
                if name.lower() not in HOP_BY_HOP:
                    handler.send_header(name, value)
            handler.send_header("Content-Length", str(len(payload)))
            handler.end_headers()
            handler.wfile.write(payload)
        except OSError:
            pass  # the engine is gone (its worker was killed while the answer was held)

    def close(self) -> None:
        self.release.set()
        self._server.shutdown()
        self._server.server_close()
