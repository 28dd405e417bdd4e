import uuid

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from service.auth.auth_model import ServiceAccount


def get_service_account_by_hash(session: Session, token_hash: str) -> ServiceAccount | None:
    return session.scalar(select(ServiceAccount).where(ServiceAccount.token_hash == token_hash))


def get_service_account_by_name(session: Session, name: str) -> ServiceAccount | None:
    return session.scalar(select(ServiceAccount).where(ServiceAccount.name == name))


def add_service_account(session: Session, account: ServiceAccount) -> ServiceAccount:
    session.add(account)
    session.flush()  # need the unique checks now, to answer 409 rather than fail at commit
    return account


def get_service_account(session: Session, account_id: uuid.UUID) -> ServiceAccount | None:
    return session.get(ServiceAccount, account_id)


def select_service_accounts() -> Select:
    return select(ServiceAccount)
