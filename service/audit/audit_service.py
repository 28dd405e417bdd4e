"""Append audit entries inside the caller's transaction, and read them back."""

import uuid

from flask import g, has_request_context, request

from service import access, db
from service.audit import audit_crud
from service.audit.audit_model import AuditLog
from service.auth.principal import Principal
from service.errors import NotFound
from service.listing import apply_sort, page_of

SORTS = {"created_at": AuditLog.created_at, "id": AuditLog.id}


@db.joins_unit_of_work
def record(actor: Principal, action: str, entity_type: str, entity_id, before=None, after=None) -> None:
    """Add an entry to the open transaction: it commits with the change it describes, or not at all."""
    in_request = has_request_context()
    request_id = g.get("request_id") if in_request else None
    # The peer address; behind a proxy, run with the proxy's forwarded-for handling configured in front.
    source_address = request.remote_addr if in_request else None
    audit_crud.add_audit_log(
        db.session(),
        AuditLog(
            actor=actor.subject,
            action=action,
            entity_type=entity_type,
            entity_id=str(entity_id),
            before=before,
            after=after,
            request_id=request_id,
            source_address=source_address,
        ),
    )


@db.unit_of_work
def list_audit_logs(actor: Principal, filters: dict, sort: str, page: int, page_size: int):
    """(entries, total), newest first by default. The whole log needs 'audit:read'; so does the trail of any
    entity but a resource or run the caller sees (an `entity_id` filter), which is open to them."""
    actor.require("audit:read" if not filters.get("entity_id") else "read")
    if filters.get("entity_id") and not actor.can("audit:read"):
        _require_visible(actor, filters["entity_id"])
    query = audit_crud.select_audit_logs(**filters)
    query = apply_sort(query, sort, SORTS, AuditLog.id)
    return page_of(db.session(), query, page, page_size)


def _require_visible(actor: Principal, entity_id: str) -> None:
    # Resources and runs that exist and that the caller sees (state changes are filed under the resource). Not
    # deleted resources, service accounts, integrations or users: their trails are for auditors.
    try:
        entity = uuid.UUID(entity_id)
    except ValueError:
        entity = None
    owner = entity and (access.owner_of(entity) or access.owner_of_run(entity))
    if owner is None or not actor.may_see(owner):
        raise NotFound(f"no audit trail for {entity_id}")
