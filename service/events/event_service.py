"""Reading events for a caller: what a subscription to a topic holds after an id, limited to what it may see."""

import time
import uuid
from datetime import timedelta

from service import access, db
from service.auth.principal import Principal
from service.errors import NotFound
from service.events import event_crud
from service.events.event_hub import EventHub, Topic
from service.events.event_model import Event


def check_topic(actor: Principal, topic: Topic) -> None:
    """Raises NotFound for a resource or run that exists but is not the caller's to see. One that does not
    exist (any more) may be followed: its remaining events, `resource.deleted` included, are still sent."""
    actor.require("read")
    if topic.kind == "resource_id" and access.resource_hidden_from(actor, uuid.UUID(topic.value)):
        raise NotFound(f"resource {topic.value} not found")
    if topic.kind == "run_id" and access.run_hidden_from(actor, uuid.UUID(topic.value)):
        raise NotFound(f"run {topic.value} not found")


@db.unit_of_work
def read_events(actor: Principal, topic: Topic, after: int, limit: int) -> tuple[list[Event], int, bool]:
    """(events after id `after` that the caller may see, the last id looked at, whether events after `after`
    were already pruned, so that the caller must reload what it shows instead of resuming)."""
    session = db.session()
    scanned = event_crud.list_after(session, after, limit, topic.filters())
    visible = [e for e in scanned if topic.matches(e) and actor.may_see(e.owner)]
    first = event_crud.first_id(session)
    pruned = first is not None and after + 1 < first and after > 0
    return visible, (scanned[-1].id if scanned else after), pruned


@db.unit_of_work
def last_id() -> int:
    return event_crud.last_id(db.session())


@db.unit_of_work
def prune(retention_seconds: int) -> int:
    """Delete events older than the retention; returns how many."""
    return event_crud.delete_before(db.session(), db.utcnow() - timedelta(seconds=retention_seconds))


def poll_events(actor: Principal, topic: Topic, after: int | None, wait_seconds: float, limit: int,
                hub: EventHub) -> tuple[list[Event], int, bool]:
    """read_events, waiting up to `wait_seconds` for the first event to arrive. Without `after`, starts
    from now: no history, and the last id to resume from."""
    check_topic(actor, topic)
    if after is None:
        after = last_id()
        if not wait_seconds:
            return [], after, False
    deadline = time.monotonic() + wait_seconds
    while True:
        seen = hub.position if wait_seconds else 0
        events, scanned_to, pruned = read_events(actor, topic, after, limit)
        remaining = deadline - time.monotonic()
        if events or pruned or remaining <= 0:
            return events, scanned_to, pruned
        after = scanned_to
        hub.wait_past(seen, remaining)
