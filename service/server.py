"""Serve the app with gunicorn (threaded workers, which flask-sock's WebSockets also need)."""

import json
import signal
from http import HTTPStatus

from gunicorn import glogging, util
from gunicorn.app.base import BaseApplication
from gunicorn.http.errors import LimitRequestHeaders, LimitRequestLine
from gunicorn.workers.gthread import ThreadWorker

from service.app import create_app
from service.config import Settings

# gunicorn's maximum (its default is 4094): long list filters fit, and what is longer still gets a JSON 414.
REQUEST_LINE_LIMIT = 8190
# How long an idle kept-alive connection stays open. It must outlast the idle timeout of whoever reuses it
# (Node's agent in Backstage's proxy: 5 s; load balancers: 60 s): with gunicorn's 2 s, a client sending on a
# connection the server is closing at that moment gets "connection reset" for a request that never arrived.
KEEPALIVE_SECONDS = 75


class JsonErrorWorker(ThreadWorker):
    """gunicorn's gthread worker, except that a request gunicorn refuses before the app sees it, for a request
    line or headers over its limits, is answered in the API's error shape `{code, status, message}` (JSON, like
    every other error) instead of gunicorn's HTML page."""

    REFUSALS = (
        (LimitRequestLine, HTTPStatus.REQUEST_URI_TOO_LONG),
        (LimitRequestHeaders, HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE),
    )

    def handle_error(self, req, client, addr, exc):
        status = next((status for kind, status in self.REFUSALS if isinstance(exc, kind)), None)
        if status is None:
            return super().handle_error(req, client, addr, exc)
        self.log.warning("Invalid request from ip=%s: %s", (addr or ("",))[0], exc)
        if status is HTTPStatus.REQUEST_URI_TOO_LONG:
            message = (f"the request line (method, path and query string) is longer than "
                       f"{self.cfg.limit_request_line} bytes")
        else:
            message = f"the request headers are too large: {exc}"
        body = json.dumps({"code": status.value, "status": status.phrase, "message": message}).encode()
        head = (f"HTTP/1.1 {status.value} {status.phrase}\r\nConnection: close\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n")
        try:
            util.write_nonblock(client, head.encode("latin-1") + body)
        except OSError:
            self.log.debug("Failed to send error message.")


class _Server(BaseApplication):
    def __init__(self, settings: Settings, options: dict):
        self.settings = settings
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        # Called in each server process after the fork, so no database connection crosses a fork.
        return create_app(self.settings)


def run_server(settings: Settings, host: str, port: int, workers: int, threads: int, *,
               log_to_root: bool = False) -> None:
    _Server(settings, {
        "bind": f"{host}:{port}",
        "workers": workers,
        "threads": threads,
        "worker_class": JsonErrorWorker,
        "limit_request_line": REQUEST_LINE_LIMIT,
        "keepalive": KEEPALIVE_SECONDS,
        "accesslog": "-",
        "graceful_timeout": 30,
        "timeout": 120,
        "post_worker_init": _end_sockets_on_exit,
        **({"logger_class": _RootLogger} if log_to_root else {}),
    }).run()


class _RootLogger(glogging.Logger):
    """gunicorn's error and access logs through the root logger's handlers instead of its own (`infrakitchen demo`
    sends them to its log file, and only warnings to the console)."""

    def setup(self, cfg):
        super().setup(cfg)
        for logger in (self.error_log, self.access_log):
            for handler in list(logger.handlers):
                logger.removeHandler(handler)
            logger.propagate = True


def _end_sockets_on_exit(worker) -> None:
    # On SIGTERM gunicorn waits for open requests to end, and a WebSocket never ends by itself: stop the
    # event hub too, so each socket closes with 1001 (going away) and its client reconnects elsewhere.
    hub = worker.wsgi.extensions["event_hub"]
    previous = signal.getsignal(signal.SIGTERM)

    def on_exit(signum, frame):
        hub.stop()
        previous(signum, frame)

    signal.signal(signal.SIGTERM, on_exit)
