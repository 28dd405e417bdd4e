"""While the engine runs: tell the database this worker is alive, and hear cancel requests.

A cancel request is a column on the run row (so any API process can ask, and any worker hears it), read
every second; the heartbeat itself is written every `heartbeat_seconds`. A run the sweeper has already
failed (its row no longer `running`) is killed at once: somebody else now owns its outcome.
"""

import logging
import threading
import time
import uuid

from service import db
from service.engine.process import RunControl
from service.runs import run_crud

log = logging.getLogger(__name__)
CANCEL_POLL_SECONDS = 1.0


class RunHeartbeat:
    def __init__(self, run_id: uuid.UUID, interval: float, control: RunControl):
        self.run_id = run_id
        self.interval = interval
        self.control = control
        self.cancelled_by: str | None = None
        self.taken_away = False
        self.checks = 0  # reads (and writes) of the run row so far
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="run-heartbeat", daemon=True)

    def __enter__(self) -> "RunHeartbeat":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stopped.set()
        self._thread.join()

    def _loop(self) -> None:
        last_beat = time.monotonic()
        while not self._stopped.wait(CANCEL_POLL_SECONDS):
            try:
                self._check(beat=time.monotonic() - last_beat >= self.interval)
            except Exception:  # the database blinked; the sweeper's margin covers a few missed beats
                log.warning("heartbeat of run %s failed", self.run_id, exc_info=True)
                continue
            if self._stopped.is_set():
                return
            last_beat = time.monotonic() if time.monotonic() - last_beat >= self.interval else last_beat

    def _check(self, beat: bool) -> None:
        self.checks += 1
        with db.session.session_factory() as session:
            run = run_crud.beat(session, self.run_id, db.utcnow()) if beat else run_crud.get_run(session, self.run_id)
            session.commit()
            if run is None or run.status != "running":
                self.taken_away = True
                self.control.force.set()
                return
            if run.cancel_requested_at is not None:
                self.cancelled_by = run.cancel_requested_by
                (self.control.force if run.cancel_force else self.control.cancel).set()
