"""Integrations: create (values sealed at once), grant, attach to resources, and open only for runs."""

import uuid

from service import db
from service.audit import audit_service
from service.auth.principal import Principal
from service.crypto import SecretBox
from service.errors import Conflict, NotFound, PermissionDenied
from service.integrations import integration_crud
from service.integrations.integration_kinds import check_values
from service.integrations.integration_model import Integration, IntegrationGrant
from service.listing import page_of


class IntegrationNotFound(NotFound):
    def __init__(self, which):
        super().__init__(f"integration {which} not found")


def _snapshot(integration: Integration) -> dict:
    return {"name": integration.name, "kind": integration.kind, "variable_names": integration.variable_names}


@db.unit_of_work
def create_integration(actor: Principal, box: SecretBox, name: str, kind: str, values: dict,
                       description: str = "") -> Integration:
    """The new integration; its values are encrypted before they reach the session. Conflict on a taken name."""
    actor.require("integrations:write")
    check_values(kind, values)
    session = db.session()
    integration = integration_crud.add_integration(session, Integration(
        name=name, kind=kind, description=description, variable_names=sorted(values),
        sealed_values=box.seal(values), created_by=actor.subject,
    ))
    audit_service.record(actor, "integration.create", "integration", integration.id, after=_snapshot(integration))
    return integration


@db.unit_of_work
def get_integration(actor: Principal, integration_id: uuid.UUID) -> Integration:
    actor.require("read")
    integration = integration_crud.get_integration(db.session(), integration_id)
    if integration is None:
        raise IntegrationNotFound(integration_id)
    return integration


@db.unit_of_work
def list_integrations(actor: Principal, page: int, page_size: int):
    actor.require("read")
    query = integration_crud.select_integrations().order_by(Integration.name)
    return page_of(db.session(), query, page, page_size)


@db.unit_of_work
def delete_integration(actor: Principal, integration_id: uuid.UUID) -> None:
    """Remove it; Conflict while any resource still uses it."""
    actor.require("integrations:write")
    integration = get_integration(actor, integration_id)
    session = db.session()
    if integration_crud.used_by_any_resource(session, integration_id):
        raise Conflict("resources still use this integration")
    audit_service.record(actor, "integration.delete", "integration", integration.id, before=_snapshot(integration))
    integration_crud.delete_integration(session, integration)


@db.unit_of_work
def grants(actor: Principal, integration_id: uuid.UUID) -> list[str]:
    get_integration(actor, integration_id)
    return integration_crud.grant_subjects(db.session(), integration_id)


@db.unit_of_work
def grant(actor: Principal, integration_id: uuid.UUID, subject: str) -> list[str]:
    """Let `subject` (a principal or an ownership ref such as group:default/team-a) use the integration."""
    actor.require("integrations:write")
    get_integration(actor, integration_id)
    integration_crud.put_grant(db.session(), IntegrationGrant(integration_id=integration_id, subject=subject,
                                                              created_by=actor.subject))
    audit_service.record(actor, "integration.grant", "integration", integration_id, after={"subject": subject})
    return grants(actor, integration_id)


@db.unit_of_work
def revoke_grant(actor: Principal, integration_id: uuid.UUID, subject: str) -> list[str]:
    actor.require("integrations:write")
    get_integration(actor, integration_id)
    integration_crud.delete_grant(db.session(), integration_id, subject)
    audit_service.record(actor, "integration.revoke", "integration", integration_id, before={"subject": subject})
    return grants(actor, integration_id)


def attach_to_resource(actor: Principal, resource_id: uuid.UUID, integration_ids: list[uuid.UUID]) -> None:
    """In the caller's transaction; PermissionDenied for an integration not granted to the caller."""
    session = db.session()
    for integration_id in integration_ids:
        get_integration(actor, integration_id)
        if actor.can("integrations:write"):
            continue
        allowed = set(integration_crud.grant_subjects(session, integration_id))
        if not allowed & {actor.subject, *actor.ownership}:
            raise PermissionDenied(f"integration {integration_id} is not granted to {actor.subject}")
    integration_crud.attach(session, resource_id, list(dict.fromkeys(integration_ids)))


def run_environment(box: SecretBox, resource_id: uuid.UUID) -> dict:
    """The decrypted variables of every integration a resource uses, for its run's environment only."""
    environment = {}
    for integration in integration_crud.integrations_of(db.session(), resource_id):
        environment.update(box.open(integration.sealed_values))
    return environment


@db.unit_of_work
def rotate_keys(box: SecretBox) -> int:
    """Re-encrypt every integration with the newest key; the number re-encrypted."""
    session = db.session()
    count = 0
    for integration in session.scalars(integration_crud.select_integrations()):
        integration.sealed_values = box.reseal(integration.sealed_values)
        count += 1
    return count
