import uuid

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from service.auth.auth_model import ServiceAccount, User


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


def touch_user(session: Session, ref: str, now) -> None:
    """Record a user as seen now (created on first sight)."""
    user = session.get(User, ref)
    if user is None:
        session.add(User(ref=ref, first_seen_at=now, last_seen_at=now))
    else:
        user.last_seen_at = now


def select_users() -> Select:
    return select(User).order_by(User.ref)
