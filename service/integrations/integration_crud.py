import uuid

from sqlalchemy import Select, delete, insert, select
from sqlalchemy.orm import Session

from service import db
from service.errors import Conflict
from service.integrations.integration_model import Integration, IntegrationGrant, resource_integrations


def get_integration(session: Session, integration_id: uuid.UUID) -> Integration | None:
    return session.get(Integration, integration_id)


def select_integrations() -> Select:
    return select(Integration)


def add_integration(session: Session, integration: Integration) -> Integration:
    return db.add_unique(session, integration, Conflict(f"an integration named {integration.name!r} already exists"))


def delete_integration(session: Session, integration: Integration) -> None:
    session.delete(integration)


def grant_subjects(session: Session, integration_id: uuid.UUID) -> list[str]:
    return list(session.scalars(select(IntegrationGrant.subject).where(
        IntegrationGrant.integration_id == integration_id).order_by(IntegrationGrant.subject)))


def put_grant(session: Session, grant: IntegrationGrant) -> None:
    """Add the grant unless it exists (one statement: two requests granting at once both succeed)."""
    session.execute(db.insert(session, IntegrationGrant)
                    .values(integration_id=grant.integration_id, subject=grant.subject, created_by=grant.created_by)
                    .on_conflict_do_nothing(index_elements=["integration_id", "subject"]))


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
