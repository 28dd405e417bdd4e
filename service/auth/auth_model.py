"""Service accounts: random bearer tokens stored only as a SHA-256 digest."""

import uuid
from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from service.db import Base, UtcDateTime, new_id, utcnow

ROLES = ("admin", "platform", "member", "viewer")


class ServiceAccount(Base):
    __tablename__ = "service_accounts"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    # The token's digest; the token itself is shown once at creation and never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters, so a person can tell tokens apart in a list without seeing them.
    token_prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class User(Base):
    """A person seen through a Backstage token or an OAuth login, recorded on first sight (for listings, audit,
    ownership and the role an admin gave them)."""

    __tablename__ = "users"

    ref: Mapped[str] = mapped_column(String(300), primary_key=True)  # e.g. user:default/alice
    # Set by an admin; None: the default role of the way they signed in (BACKSTAGE_USER_ROLE, OAUTH_USER_ROLE).
    role: Mapped[str | None] = mapped_column(String(20))
    first_seen_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
