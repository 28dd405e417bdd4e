"""Serve the app with gunicorn (threaded workers, which flask-sock's WebSockets also need)."""

import signal

from gunicorn.app.base import BaseApplication

from service.config import Settings


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
        from service.app import create_app

        return create_app(self.settings)


def run_server(settings: Settings, host: str, port: int, workers: int, threads: int) -> None:
    _Server(settings, {
        "bind": f"{host}:{port}",
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread",
        "accesslog": "-",
        "graceful_timeout": 30,
        "timeout": 120,
        "post_worker_init": _end_sockets_on_exit,
    }).run()


def _end_sockets_on_exit(worker) -> None:
    # On SIGTERM gunicorn waits for open requests to end, and a WebSocket never ends by itself: stop the
    # event hub too, so each socket closes with 1001 (going away) and its client reconnects elsewhere.
    hub = worker.wsgi.extensions["event_hub"]
    previous = signal.getsignal(signal.SIGTERM)

    def on_exit(signum, frame):
        hub.stop()
        previous(signum, frame)

    signal.signal(signal.SIGTERM, on_exit)
