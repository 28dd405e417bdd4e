"""Record an event for every committed change to a resource, a run's status, a run's log or a change request.

Listeners on every Session notice the changes as they are flushed, and just before the commit write one event
row per change into the same transaction: an event exists if and only if its change committed, whichever
code path (API, worker, sweeper) made it.

Ids are handed out in commit order. On PostgreSQL a sequence alone does not promise that: a transaction that
took id 7 may commit after one that took id 8, and a reader that already moved past 8 would never see 7. So
event rows are written under a transaction-level advisory lock, taken after everything else is flushed and
held until the commit ends; the next writer gets its ids only then. SQLite has a single writer anyway.
"""

import uuid

from sqlalchemy import event, inspect, select, text
from sqlalchemy.orm import Session

from service.changes.change_model import ResourceChange
from service.changes.change_schema import ChangeSchema
from service.events.event_model import Event, EventType
from service.resources.resource_model import Resource
from service.resources.resource_schema import ResourceSchema
from service.runs.run_model import Run, RunLogLine
from service.runs.run_schema import RunSchema
from service.runs.run_states import FINISHED_RUN_STATUSES, RunStatus

NOTIFY_CHANNEL = "infrakitchen_events"
_ADVISORY_LOCK = 0x1E7E_0001  # any constant shared by every writer of events
_resource_schema = ResourceSchema()
_run_schema = RunSchema()
_change_schema = ChangeSchema()


def _pending(session: Session) -> dict:
    # resources: {id: (type, resource)} (one event per resource and transaction, the last state wins);
    # runs: [(type, run)] in order; logs: {run_id: [RunLogLine]}; changes: {id: (type, change)} like resources.
    return session.info.setdefault("pending_events", {"resources": {}, "runs": [], "logs": {}, "changes": {}})


def record(session: Session, kind: EventType, obj: Resource | Run) -> None:
    """Record a change made with a bulk UPDATE, which the ORM does not see (a run's compare-and-set claim)."""
    pending = _pending(session)
    if isinstance(obj, Resource):
        pending["resources"][obj.id] = (kind, obj)
    else:
        pending["runs"].append((kind, obj))


@event.listens_for(Session, "after_flush")
def _collect(session: Session, _flush_context) -> None:
    # Runs after the SQL of a flush, while new/dirty/deleted and attribute histories still show what it wrote.
    pending = None
    for obj in (*session.new, *session.dirty, *session.deleted):
        kind = _change_of(session, obj)
        if kind is None:
            continue
        pending = pending or _pending(session)
        if isinstance(obj, Resource):
            previous = pending["resources"].get(obj.id, (None,))[0]
            if previous == EventType.RESOURCE_CREATED and kind == EventType.RESOURCE_UPDATED:
                kind = EventType.RESOURCE_CREATED
            pending["resources"][obj.id] = (kind, obj)
        elif isinstance(obj, Run):
            pending["runs"].append((kind, obj))
        elif isinstance(obj, ResourceChange):
            previous = pending["changes"].get(obj.id, (kind,))[0]
            pending["changes"][obj.id] = (previous if previous == EventType.CHANGE_CREATED else kind, obj)
        else:
            pending["logs"].setdefault(obj.run_id, []).append(obj)


def _change_of(session: Session, obj) -> EventType | None:
    if isinstance(obj, Resource):
        if obj in session.new:
            return EventType.RESOURCE_CREATED
        if obj in session.deleted:
            return EventType.RESOURCE_DELETED
        return EventType.RESOURCE_UPDATED if session.is_modified(obj, include_collections=False) else None
    if isinstance(obj, Run):
        if obj in session.new:
            return EventType.RUN_QUEUED
        added = inspect(obj).attrs.status.history.added
        if not added or obj in session.deleted:
            return None  # heartbeats, cancel requests and the like are not events of their own
        if added[0] == RunStatus.RUNNING:
            return EventType.RUN_STARTED
        return EventType.RUN_FINISHED if added[0] in FINISHED_RUN_STATUSES else None
    if isinstance(obj, ResourceChange) and obj not in session.deleted:
        if obj in session.new:
            return EventType.CHANGE_CREATED
        return EventType.CHANGE_UPDATED if session.is_modified(obj, include_collections=False) else None
    if isinstance(obj, RunLogLine) and obj in session.new:
        return EventType.RUN_LOG
    return None


@event.listens_for(Session, "before_commit")
def _write(session: Session) -> None:
    session.flush()  # every change of the transaction is collected before its events are written
    pending = session.info.pop("pending_events", None)
    if not pending:
        return
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:
        session.execute(select(text(f"pg_advisory_xact_lock({_ADVISORY_LOCK})")))
    session.add_all(_events(session, pending))
    session.flush()  # assign the ids while holding the lock
    session.info.pop("pending_events", None)  # the flush above collects nothing of ours, but be sure
    if postgres:
        session.execute(select(text(f"pg_notify('{NOTIFY_CHANNEL}', '')")))


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop("pending_events", None)


def _events(session: Session, pending: dict) -> list[Event]:
    events = [_resource_event(kind, resource) for kind, resource in pending["resources"].values()]
    events += [_run_event(session, kind, run) for kind, run in pending["runs"]]
    events += [_log_event(session, run_id, lines) for run_id, lines in pending["logs"].items()]
    events += [_change_event(session, kind, change) for kind, change in pending["changes"].values()]
    return [e for e in events if e is not None]


def _resource_event(kind: EventType, resource: Resource) -> Event:
    return Event(type=kind, resource_id=resource.id, entity_ref=resource.entity_ref, owner=resource.owner,
                 data=_resource_schema.dump(resource))


def _run_event(session: Session, kind: EventType, run: Run) -> Event | None:
    resource = session.get(Resource, run.resource_id)
    if resource is None:  # deleted with its resource in this transaction: the resource's event says so
        return None
    return Event(type=kind, resource_id=resource.id, run_id=run.id, entity_ref=resource.entity_ref,
                 owner=resource.owner, data=_run_schema.dump(run))


def _log_event(session: Session, run_id: uuid.UUID, lines: list[RunLogLine]) -> Event | None:
    run = session.get(Run, run_id)
    resource = session.get(Resource, run.resource_id) if run else None
    if resource is None:
        return None
    lines = sorted(lines, key=lambda line: line.seq)
    return Event(type=EventType.RUN_LOG, resource_id=resource.id, run_id=run_id, entity_ref=resource.entity_ref,
                 owner=resource.owner, data={"offset": lines[0].seq, "lines": [line.line for line in lines]})


def _change_event(session: Session, kind: EventType, change: ResourceChange) -> Event | None:
    resource = session.get(Resource, change.resource_id)
    if resource is None:
        return None
    return Event(type=kind, resource_id=resource.id, entity_ref=resource.entity_ref, owner=resource.owner,
                 data=_change_schema.dump(change))
