"""One hub per API process: learns about new event rows and hands each to the subscriptions it matches.

Any process may commit an event (the worker, above all), so the hub reads them back from the table: it waits
for PostgreSQL's NOTIFY (sent by every commit that wrote events) and also polls, so a missed notification or
a lost listening connection delays delivery by at most one poll. On SQLite it only polls. Events are read in
id order, which is commit order (see event_recorder), so moving `position` forward never skips one.
"""

import json
import logging
import threading
from collections import defaultdict
from dataclasses import dataclass, field

import psycopg
from sqlalchemy.orm import Session

from service import db
from service.auth.principal import Principal
from service.events import event_crud
from service.events.event_model import Event, EventType
from service.events.event_recorder import NOTIFY_CHANNEL

log = logging.getLogger(__name__)
BATCH = 500


@dataclass(frozen=True)
class Topic:
    """What a subscription follows: one resource, one catalog entity, one run (with its log), or everything."""

    kind: str  # "resource_id", "entity_ref", "run_id" or "all"
    value: str | None = None

    def matches(self, event: Event) -> bool:
        if self.kind == "run_id":
            return str(event.run_id) == self.value
        if event.type == EventType.RUN_LOG:
            return False  # log lines go only to those who follow the run
        if self.kind == "all":
            return True
        return str(getattr(event, self.kind)) == self.value

    def filters(self) -> dict:
        return {} if self.kind == "all" else {self.kind: self.value}


@dataclass(eq=False)
class Subscription:
    name: str
    topic: Topic
    viewer: "Viewer"
    skip_through: int = 0  # live events up to this id were (or will be) sent by the backfill


class Viewer:
    """Someone receiving events (a socket, a long poll): who they are and where events go."""

    principal: Principal

    def deliver(self, message: str) -> None:
        """Take one event message (JSON text); called by the hub's thread, so it must not block."""
        raise NotImplementedError

    def wake(self) -> None:
        """Look at the hub again (it is stopping)."""


@dataclass
class _Index:
    by_key: dict = field(default_factory=lambda: defaultdict(set))
    everything: set = field(default_factory=set)


class EventHub:
    def __init__(self, database_url: str, poll_seconds: float):
        self.database_url = database_url
        self.engine = None  # made at start, in the process that uses it
        self.poll_seconds = poll_seconds
        self.position = 0
        self._lock = threading.Lock()
        self._index = _Index()
        self._arrived = threading.Condition(self._lock)  # long polls wait on this
        self._wake = threading.Event()
        self._started = False
        self._stopped = threading.Event()
        self._viewers: set[Viewer] = set()

    def start(self) -> None:
        """Start the reader threads (at first use: after gunicorn's fork, never before)."""
        with self._lock:
            if self._started:
                return
            self.engine = db.make_engine(self.database_url)
            with Session(self.engine) as session:
                self.position = event_crud.last_id(session)
            self._started = True
        threading.Thread(target=self._read_forever, name="event-hub", daemon=True).start()
        if self.engine.dialect.name == "postgresql":
            threading.Thread(target=self._listen_forever, name="event-hub-listen", daemon=True).start()

    def stop(self) -> None:
        """Stop reading; open sockets notice and close (the process is shutting down)."""
        self._stopped.set()
        self._wake.set()
        with self._lock:
            viewers = list(self._viewers)
        for viewer in viewers:
            viewer.wake()

    def attach(self, viewer: Viewer) -> None:
        with self._lock:
            self._viewers.add(viewer)

    def detach(self, viewer: Viewer) -> None:
        with self._lock:
            self._viewers.discard(viewer)

    @property
    def stopped(self) -> bool:
        return self._stopped.is_set()

    def subscribe(self, subscription: Subscription) -> int:
        """Register; returns the position: events after it are delivered live, those up to it are history."""
        self.start()
        with self._lock:
            self._bucket(subscription.topic).add(subscription)
            return self.position

    def unsubscribe(self, subscription: Subscription) -> None:
        with self._lock:
            self._bucket(subscription.topic).discard(subscription)

    def wait_past(self, position: int, timeout: float) -> int:
        """Block until an event after `position` has been read or `timeout` passes; returns the position."""
        self.start()
        with self._arrived:
            self._arrived.wait_for(lambda: self.position > position or self._stopped.is_set(), timeout)
            return self.position

    def _bucket(self, topic: Topic) -> set:
        return self._index.everything if topic.kind == "all" else self._index.by_key[(topic.kind, topic.value)]

    def _read_forever(self) -> None:
        while not self._stopped.is_set():
            self._wake.wait(self.poll_seconds)
            self._wake.clear()
            try:
                self._read_new()
            except Exception:  # the database blinked: the next poll tries again from the same position
                log.warning("could not read new events", exc_info=True)

    def _read_new(self) -> None:
        while True:
            with Session(self.engine) as session:
                events = event_crud.list_after(session, self.position, BATCH)
            if not events:
                return
            for event in events:
                self._dispatch(event)
            if len(events) < BATCH:
                return

    def _dispatch(self, event: Event) -> None:
        body = json.dumps(event.as_message())[1:]  # '"type": ...}', completed per subscription name below
        with self._lock:
            candidates = set(self._index.everything)
            for kind in ("resource_id", "entity_ref", "run_id"):
                value = getattr(event, kind)
                if value is not None:
                    candidates |= self._index.by_key.get((kind, str(value)), set())
            messages: dict[str, str] = {}  # one string per subscription name, shared by every viewer using it
            for sub in candidates:
                if event.id > sub.skip_through and sub.topic.matches(event) and sub.viewer.principal.may_see(
                        event.owner):
                    message = messages.get(sub.name)
                    if message is None:
                        message = messages[sub.name] = '{"subscription": ' + json.dumps(sub.name) + ", " + body
                    sub.viewer.deliver(message)
            self.position = event.id
            self._arrived.notify_all()

    def _listen_forever(self) -> None:
        url = self.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        while not self._stopped.is_set():
            try:
                with psycopg.connect(url, autocommit=True) as conn:
                    conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
                    self._wake.set()  # catch up on anything committed while not listening
                    while not self._stopped.is_set():
                        for _ in conn.notifies(timeout=1.0, stop_after=1):
                            self._wake.set()
            except Exception:
                log.warning("lost the event notification connection; polling until it is back", exc_info=True)
                self._stopped.wait(self.poll_seconds)
