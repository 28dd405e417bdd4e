"""Buffer a run's log lines and store them in batches while the engine is still running.

The engine's output arrives on a reader thread; a flusher thread commits whatever has accumulated every
half second in its own short transaction, so readers see a live log without a commit per line.
"""

import logging
import threading
import uuid
from collections.abc import Callable

from service import db
from service.runs import run_crud

log = logging.getLogger(__name__)
FLUSH_INTERVAL_SECONDS = 0.5
MAX_LINE_LENGTH = 8192


class RunLogWriter:
    def __init__(self, run_id: uuid.UUID, mask: Callable[[str], str]):
        self.run_id = run_id
        self._mask = mask
        self._pending: list[str] = []
        self._written = 0
        self.flushes = 0  # transactions that stored lines
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._flusher = threading.Thread(target=self._flush_periodically, name="run-log-flush", daemon=True)

    @property
    def line_count(self) -> int:
        return self._written + len(self._pending)

    def __enter__(self) -> "RunLogWriter":
        self._flusher.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stopped.set()
        self._flusher.join()
        self.flush()

    def write(self, line: str) -> None:
        # Masked before it is buffered: a secret never reaches the database, not even briefly.
        line = self._mask(line)[:MAX_LINE_LENGTH]
        with self._lock:
            self._pending.append(line)

    def _flush_periodically(self) -> None:
        while not self._stopped.wait(FLUSH_INTERVAL_SECONDS):
            try:
                self.flush()
            except Exception:  # the database blinked: the lines stay buffered and the final flush retries
                log.warning("could not store log lines of run %s yet", self.run_id, exc_info=True)

    def flush(self) -> None:
        with self._lock:
            lines, self._pending = self._pending, []
            start = self._written
            if not lines:
                return
            # A session of its own: this runs on the flusher thread, outside the caller's unit of work.
            try:
                with db.session.session_factory() as session:
                    run_crud.add_log_lines(session, self.run_id, start, lines)
                    session.commit()
            except Exception:
                self._pending = lines + self._pending  # keep them for the next attempt
                raise
            self._written += len(lines)
            self.flushes += 1
