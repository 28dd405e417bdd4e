"""A bounded load of provisions and reads against a served API, recording every answer.

Writers create a resource and provision it, then pause; readers list resources and read one resource, one run
and a page of events. Every request is bounded by the client's timeout, and whatever came back (or did not) is
an `Answer`, so a fault's test can say which answers were allowed and the invariants can follow every resource
and run the API accepted.
"""

import random
import threading
import time
from dataclasses import dataclass, field

import requests
from support import HttpClient


@dataclass
class Answer:
    method: str
    path: str
    status: int | None  # None: no answer within the client's timeout, or no connection
    body: object = None
    headers: dict = field(default_factory=dict)
    at: float = 0.0  # time.time() when it was asked
    seconds: float = 0.0
    error: str | None = None

    def __str__(self) -> str:
        return f"{self.method} {self.path} -> {self.status or self.error} {self.body!r:.300}"


class Load:
    def __init__(self, client: HttpClient, token: str, template_id: str, variables_for, *, writers: int = 2,
                 readers: int = 1, resources_per_writer: int = 10, pause: float = 1.5, name: str = "load"):
        """`variables_for(name)`: the variables of the resource called `name`. At most `writers` *
        `resources_per_writer` resources (and as many provisions) are asked for, `pause` seconds apart per writer."""
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"}
        self.template_id = template_id
        self.variables_for = variables_for
        self.writers, self.readers = writers, readers
        self.resources_per_writer = resources_per_writer
        self.pause = pause
        self.name = name
        self.answers: list[Answer] = []
        self.resources: list[str] = []  # ids answered 201
        self.runs: dict[str, str] = {}  # run id answered 202 -> its resource id
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._threads: list[threading.Thread] = []

    # --- driving ------------------------------------------------------------------------------------------------

    def start(self) -> "Load":
        self._threads = [threading.Thread(target=self._write, args=(i,), name=f"load-writer-{i}", daemon=True)
                         for i in range(self.writers)]
        self._threads += [threading.Thread(target=self._read, name=f"load-reader-{i}", daemon=True)
                          for i in range(self.readers)]
        for thread in self._threads:
            thread.start()
        return self

    def stop(self) -> None:
        self._stopped.set()
        for thread in self._threads:
            thread.join(timeout=self.client.timeout * 3 + 10)
        assert not any(t.is_alive() for t in self._threads), "a load thread is stuck"

    def writers_done(self) -> bool:
        """True once every writer has asked for all its resources."""
        return not any(t.is_alive() for t in self._threads if t.name.startswith("load-writer"))

    def __enter__(self) -> "Load":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def ask(self, method: str, path: str, json=None) -> Answer:
        """One request, recorded."""
        started, at = time.monotonic(), time.time()
        try:
            response = self.client.open(f"/api/v1{path}", method, json=json, headers=self.headers)
            answer = Answer(method, path, response.status_code, response.get_json(silent=True),
                            dict(response.headers), at)
        except requests.RequestException as error:
            answer = Answer(method, path, None, at=at, error=f"{type(error).__name__}: {error}")
        answer.seconds = time.monotonic() - started
        with self._lock:
            self.answers.append(answer)
        return answer

    def _write(self, writer: int) -> None:
        for i in range(self.resources_per_writer):
            if self._stopped.is_set():
                return
            name = f"{self.name}-{writer}-{i}"
            created = self.ask("POST", "/resources/", {"name": name, "template_id": self.template_id,
                                                       "variables": self.variables_for(name)})
            if created.status == 201:
                with self._lock:
                    self.resources.append(created.body["id"])
                provision = self.ask("POST", f"/resources/{created.body['id']}/provision")
                if provision.status == 202:
                    with self._lock:
                        self.runs[provision.body["id"]] = created.body["id"]
            self._stopped.wait(self.pause)

    def _read(self) -> None:
        while not self._stopped.is_set():
            self.ask("GET", "/resources/")
            with self._lock:
                resource = random.choice(self.resources) if self.resources else None  # noqa: S311 (not crypto)
                run = random.choice(list(self.runs)) if self.runs else None  # noqa: S311
            if resource:
                self.ask("GET", f"/resources/{resource}")
            if run:
                self.ask("GET", f"/runs/{run}")
            self.ask("GET", "/events/?limit=20")
            self._stopped.wait(0.3)

    # --- what came back -----------------------------------------------------------------------------------------

    def statuses(self) -> dict:
        counts: dict = {}
        for answer in self.answers:
            counts[answer.status] = counts.get(answer.status, 0) + 1
        return counts

    def answered_between(self, start: float, end: float) -> list[Answer]:
        return [a for a in self.answers if start <= a.at <= end]
