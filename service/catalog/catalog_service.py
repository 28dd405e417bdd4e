"""The catalog feed: every resource a caller sees as a Backstage entity, read in full (paged by a cursor) or as the
changes after an event id (long-polled), so an entity provider need not read everything again to stay current.

A full read remembers the newest event id before its first page: whatever commits after that has a later event
(ids follow commit order, see event_recorder), so deltas from that id miss nothing the pages did not show.
"""

import base64
import binascii
import uuid

from service import access, db
from service.auth.principal import Principal
from service.catalog import catalog_crud
from service.catalog.catalog_entities import entity, entity_ref
from service.errors import Conflict, ValidationFailed
from service.events import event_service
from service.events.event_hub import EventHub, Topic

DELTA_EVENTS = 500  # events looked at per delta; `more` says when there are others waiting


class CatalogReset(Conflict):
    def __init__(self):
        super().__init__("events after `after` were pruned: read the catalog in full again", reset=True)


@db.unit_of_work
def read_page(actor: Principal, cursor: str | None, limit: int, public_url: str) -> dict:
    """One page of the full catalog, by resource id; `next_cursor` reads the next one (None: that was the last)."""
    actor.require("read")
    last_event_id, after_id = _parse(cursor) if cursor else (event_service.last_id(), None)
    rows = catalog_crud.page_after(db.session(), after_id, limit + 1, access.visible_owners(actor))
    more = len(rows) > limit
    rows = rows[:limit]
    return {"entities": [entity(row, public_url) for row in rows], "removed": [],
            "next_cursor": _cursor(last_event_id, rows[-1].id) if more else None,
            "last_event_id": last_event_id, "more": False}


def read_changes(actor: Principal, after: int, wait: float, public_url: str, hub: EventHub) -> dict:
    """The entities of resources changed after event `after` (waiting up to `wait` seconds for a change), and the
    refs of those that left the catalog (destroyed, deleted, or out of the caller's sight). Raises CatalogReset
    when those events were already pruned."""
    events, scanned_to, pruned = event_service.poll_events(actor, Topic("all"), after, wait, DELTA_EVENTS, hub)
    if pruned:
        raise CatalogReset()
    names = {event.resource_id: event.data.get("name") for event in events
             if str(event.type).startswith("resource.") and event.resource_id is not None}
    live = _live(actor, list(names))
    present = {row.id for row in live}
    return {"entities": [entity(row, public_url) for row in live],
            "removed": [entity_ref(name, resource_id) for resource_id, name in names.items()
                        if resource_id not in present and name],
            "next_cursor": None, "last_event_id": scanned_to, "more": scanned_to < event_service.last_id()}


@db.unit_of_work
def _live(actor: Principal, resource_ids: list[uuid.UUID]):
    return catalog_crud.of_ids(db.session(), resource_ids, access.visible_owners(actor))


def _cursor(last_event_id: int, after_id: uuid.UUID) -> str:
    return base64.urlsafe_b64encode(f"{last_event_id}.{after_id.hex}".encode()).decode().rstrip("=")


def _parse(cursor: str) -> tuple[int, uuid.UUID]:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        event_id, _, resource_id = text.partition(".")
        return int(event_id), uuid.UUID(hex=resource_id)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise ValidationFailed("malformed cursor", errors={"cursor": ["not a cursor this API gave out"]}) from None
