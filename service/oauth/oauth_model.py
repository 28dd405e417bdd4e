"""OAuth login state (one row per login attempt) and refresh tokens (stored hashed)."""

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from service.db import Base, UtcDateTime, utcnow


class OAuthLoginState(Base):
    __tablename__ = "oauth_login_states"
    __table_args__ = (Index("ix_oauth_login_states_address_created", "client_address", "created_at"),
                      Index("ix_oauth_login_states_created", "created_at"))

    state: Mapped[str] = mapped_column(String(64), primary_key=True)
    provider: Mapped[str] = mapped_column(String(20))
    code_verifier: Mapped[str] = mapped_column(String(128))
    # Who started the login (the peer address): logins are unauthenticated, so they are counted per address.
    client_address: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class RefreshToken(Base):
    __tablename__ = "refresh_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    subject: Mapped[str] = mapped_column(String(300))
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
