"""OAuth 2.0 login (authorization code with state and PKCE), then our own session token and a refresh token."""

import base64
import hashlib
import secrets
from datetime import timedelta

from service import db
from service.audit import audit_service
from service.auth.principal import Principal
from service.errors import NotFound, Unauthenticated
from service.oauth.oauth_model import OAuthLoginState, RefreshToken
from service.oauth.oauth_providers import Provider
from service.oauth.session_tokens import ACCESS_TOKEN_SECONDS, SessionTokens

LOGIN_STATE_SECONDS = 600
REFRESH_TOKEN_DAYS = 30


class ProviderNotConfigured(NotFound):
    def __init__(self, name):
        super().__init__(f"no OAuth provider {name!r} is configured")


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


@db.unit_of_work
def start_login(provider: Provider, redirect_uri: str) -> str:
    """Where to send the browser: the provider's consent page, bound to a one-time state and PKCE verifier."""
    state, verifier = secrets.token_urlsafe(32), secrets.token_urlsafe(64)
    db.session().add(OAuthLoginState(state=state, provider=provider.name, code_verifier=verifier))
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return provider.authorize_redirect(redirect_uri, state, challenge)


def finish_login(provider: Provider, redirect_uri: str, sessions: SessionTokens, role: str, code: str | None,
                 state: str | None, error: str | None) -> dict:
    """Tokens for the person who came back from the provider; Unauthenticated for a denied consent, an unknown
    or expired state, or a missing code; ProviderUnavailable when the provider fails."""
    verifier = _take_state(provider.name, state)  # one use, even when the rest fails
    if error:
        raise Unauthenticated(f"login with {provider.name} was not completed ({error[:50]})")
    if not code:
        raise Unauthenticated("the provider sent no code")
    subject = provider.subject(provider.exchange(code, redirect_uri, verifier))
    return _issue(subject, role, sessions, f"oauth.login.{provider.name}")


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
def _issue(subject: str, role: str, sessions: SessionTokens, action: str) -> dict:
    refresh = "ikrt_" + secrets.token_urlsafe(32)
    db.session().add(RefreshToken(token_hash=_digest(refresh), subject=subject,
                                  expires_at=db.utcnow() + timedelta(days=REFRESH_TOKEN_DAYS)))
    audit_service.record(Principal(subject=subject, kind="oauth_user", role=role), action, "user", subject)
    return {"access_token": sessions.issue(subject, role), "token_type": "Bearer", "expires_in": ACCESS_TOKEN_SECONDS,
            "refresh_token": refresh, "subject": subject}


@db.unit_of_work
def refresh(sessions: SessionTokens, role: str, refresh_token: str) -> dict:
    """New tokens for a valid refresh token, which is used up (rotation: a stolen copy works at most once)."""
    row = _valid_refresh(refresh_token)
    row.revoked_at = db.utcnow()
    return _issue(row.subject, role, sessions, "oauth.refresh")


@db.unit_of_work
def logout(refresh_token: str) -> None:
    row = db.session().get(RefreshToken, _digest(refresh_token))
    if row is not None and row.revoked_at is None:
        row.revoked_at = db.utcnow()


def _valid_refresh(refresh_token: str) -> RefreshToken:
    row = db.session().get(RefreshToken, _digest(refresh_token))
    if row is None or row.revoked_at is not None or row.expires_at <= db.utcnow():
        raise Unauthenticated("invalid or expired refresh token")
    return row
