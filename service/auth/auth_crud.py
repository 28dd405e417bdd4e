import uuid

from sqlalchemy import Select, bindparam, or_, select, update
from sqlalchemy.orm import Session

from service import db
from service.auth.auth_model import ServiceAccount, User
from service.errors import Conflict

# Built once: every request with a service-account token asks it.
_BY_HASH = select(ServiceAccount).where(ServiceAccount.token_hash == bindparam("token_hash"))


def get_service_account_by_hash(session: Session, token_hash: str) -> ServiceAccount | None:
    return session.scalar(_BY_HASH, {"token_hash": token_hash})


def get_service_account_by_name(session: Session, name: str) -> ServiceAccount | None:
    return session.scalar(select(ServiceAccount).where(ServiceAccount.name == name))


def add_service_account(session: Session, account: ServiceAccount) -> ServiceAccount:
    return db.add_unique(session, account, Conflict(f"a service account named {account.name!r} already exists"))


def mark_service_account_used(session: Session, account_id: uuid.UUID, now, unless_since) -> None:
    """Set last_used_at, unless another request just did (no read-modify-write: requests at once all succeed)."""
    session.execute(update(ServiceAccount)
                    .where(ServiceAccount.id == account_id,
                           or_(ServiceAccount.last_used_at.is_(None), ServiceAccount.last_used_at < unless_since))
                    .values(last_used_at=now))


def get_service_account(session: Session, account_id: uuid.UUID) -> ServiceAccount | None:
    return session.get(ServiceAccount, account_id)


def select_service_accounts() -> Select:
    return select(ServiceAccount)


def touch_user(session: Session, ref: str, now) -> str | None:
    """Record a user as seen now (created on first sight, in one statement: a new user's first page load sends
    several requests at once); returns the role an admin gave them, if any."""
    statement = db.insert(session, User).values(ref=ref, first_seen_at=now, last_seen_at=now)
    return session.scalar(statement.on_conflict_do_update(index_elements=[User.ref], set_={"last_seen_at": now})
                          .returning(User.role))


def role_of_user(session: Session, ref: str) -> str | None:
    return session.scalar(select(User.role).where(User.ref == ref))


def get_user(session: Session, ref: str) -> User | None:
    return session.get(User, ref)


def select_users() -> Select:
    return select(User).order_by(User.ref)
