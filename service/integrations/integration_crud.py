import uuid

from sqlalchemy import Select, delete, insert, select
from sqlalchemy.orm import Session

from service.integrations.integration_model import Integration, IntegrationGrant, resource_integrations


def get_integration(session: Session, integration_id: uuid.UUID) -> Integration | None:
    return session.get(Integration, integration_id)


def get_integration_by_name(session: Session, name: str) -> Integration | None:
    return session.scalar(select(Integration).where(Integration.name == name))


def select_integrations() -> Select:
    return select(Integration)


def add_integration(session: Session, integration: Integration) -> Integration:
    session.add(integration)
    session.flush()  # need integration.id for the audit entry
    return integration


def delete_integration(session: Session, integration: Integration) -> None:
    session.delete(integration)


def grant_subjects(session: Session, integration_id: uuid.UUID) -> list[str]:
    return list(session.scalars(select(IntegrationGrant.subject).where(
        IntegrationGrant.integration_id == integration_id).order_by(IntegrationGrant.subject)))


def put_grant(session: Session, grant: IntegrationGrant) -> None:
    session.merge(grant)


def delete_grant(session: Session, integration_id: uuid.UUID, subject: str) -> None:
    session.execute(delete(IntegrationGrant).where(IntegrationGrant.integration_id == integration_id,
                                                   IntegrationGrant.subject == subject))


def attach(session: Session, resource_id: uuid.UUID, integration_ids: list[uuid.UUID]) -> None:
    if integration_ids:
        session.execute(insert(resource_integrations),
                        [{"resource_id": resource_id, "integration_id": i} for i in integration_ids])


def integrations_of(session: Session, resource_id: uuid.UUID) -> list[Integration]:
    return list(session.scalars(
        select(Integration).join(resource_integrations, resource_integrations.c.integration_id == Integration.id)
        .where(resource_integrations.c.resource_id == resource_id).order_by(Integration.name)
    ))


def used_by_any_resource(session: Session, integration_id: uuid.UUID) -> bool:
    return session.scalar(select(resource_integrations.c.resource_id).where(
        resource_integrations.c.integration_id == integration_id).limit(1)) is not None
