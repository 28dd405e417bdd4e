"""OAuth 2.0 login (authorization code with state and PKCE), then our own session token and a refresh token."""

import base64
import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import delete, func, select, update

from service import db
from service.audit import audit_service
from service.auth import auth_crud
from service.auth.principal import Principal
from service.errors import NotFound, TooManyRequests, Unauthenticated
from service.oauth.oauth_model import OAuthLoginState, RefreshToken
from service.oauth.oauth_providers import Provider
from service.oauth.session_tokens import ACCESS_TOKEN_SECONDS, SessionTokens

LOGIN_STATE_SECONDS = 600
# Login attempts one address may have open at once (each is a row until it is used or expires).
LOGINS_PER_ADDRESS = 20
REFRESH_TOKEN_DAYS = 30


class ProviderNotConfigured(NotFound):
    def __init__(self, name):
        super().__init__(f"no OAuth provider {name!r} is configured")


class OAuthNotConfigured(NotFound):
    def __init__(self):
        super().__init__("OAuth login is not configured on this server")


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


@db.unit_of_work
def start_login(provider: Provider, redirect_uri: str, client_address: str) -> str:
    """Where to send the browser: the provider's consent page, bound to a one-time state and PKCE verifier.
    Expired attempts are pruned here; an address with too many open ones gets TooManyRequests."""
    session = db.session()
    expired = db.utcnow() - timedelta(seconds=LOGIN_STATE_SECONDS)
    session.execute(delete(OAuthLoginState).where(OAuthLoginState.created_at < expired))
    client_address = client_address[:64]
    open_logins = session.scalar(select(func.count()).select_from(OAuthLoginState)
                                 .where(OAuthLoginState.client_address == client_address))
    if open_logins >= LOGINS_PER_ADDRESS:
        raise TooManyRequests("too many logins started from this address: finish one, or wait a few minutes",
                              retry_after=60)
    state, verifier = secrets.token_urlsafe(32), secrets.token_urlsafe(64)
    session.add(OAuthLoginState(state=state, provider=provider.name, code_verifier=verifier,
                                client_address=client_address))
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return provider.authorize_redirect(redirect_uri, state, challenge)


def finish_login(provider: Provider, redirect_uri: str, sessions: SessionTokens, code: str | None,
                 state: str | None, error: str | None) -> dict:
    """Tokens for the person who came back from the provider; Unauthenticated for a denied consent, an unknown
    or expired state, or a missing code; ProviderUnavailable when the provider fails."""
    verifier = _take_state(provider.name, state)  # one use, even when the rest fails
    if error:
        raise Unauthenticated(f"login with {provider.name} was not completed ({error[:50]})")
    if not code:
        raise Unauthenticated("the provider sent no code")
    subject = provider.subject(provider.exchange(code, redirect_uri, verifier))
    return _issue(subject, sessions, f"oauth.login.{provider.name}")


@db.unit_of_work
def _take_state(provider_name: str, state: str | None) -> str:
    session = db.session()
    row = session.get(OAuthLoginState, state) if state else None
    if row is None or row.provider != provider_name:
        raise Unauthenticated("unknown or reused login state")
    session.delete(row)
    if db.utcnow() - row.created_at > timedelta(seconds=LOGIN_STATE_SECONDS):
        raise Unauthenticated("the login took too long; start again")
    return row.code_verifier


@db.unit_of_work
def _issue(subject: str, sessions: SessionTokens, action: str) -> dict:
    refresh = "ikrt_" + secrets.token_urlsafe(32)
    session = db.session()
    session.add(RefreshToken(token_hash=_digest(refresh), subject=subject,
                             expires_at=db.utcnow() + timedelta(days=REFRESH_TOKEN_DAYS)))
    auth_crud.touch_user(session, subject, db.utcnow())
    audit_service.record(Principal(subject=subject, kind="oauth_user", role="viewer"), action, "user", subject)
    return {"access_token": sessions.issue(subject), "token_type": "Bearer", "expires_in": ACCESS_TOKEN_SECONDS,
            "refresh_token": refresh, "subject": subject}


@db.unit_of_work
def refresh(sessions: SessionTokens, refresh_token: str) -> dict:
    """New tokens for a valid refresh token, which is used up (rotation: a stolen copy works at most once)."""
    subject = _use_refresh(refresh_token)
    return _issue(subject, sessions, "oauth.refresh")


@db.unit_of_work
def logout(refresh_token: str) -> None:
    _revoke(refresh_token)


def _use_refresh(refresh_token: str) -> str:
    """The subject of a valid refresh token, revoked in the same statement: of two requests with one token at
    once, one gets new tokens and the other a 401."""
    subject = _revoke(refresh_token)
    if subject is None:
        raise Unauthenticated("invalid or expired refresh token")
    return subject


def _revoke(refresh_token: str) -> str | None:
    now = db.utcnow()
    return db.session().scalar(
        update(RefreshToken)
        .where(RefreshToken.token_hash == _digest(refresh_token), RefreshToken.revoked_at.is_(None),
               RefreshToken.expires_at > now)
        .values(revoked_at=now).returning(RefreshToken.subject)
    )
