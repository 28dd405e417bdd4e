"""Service-account tokens: issue, and turn an Authorization header into a Principal."""

import base64
import hmac
import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from service import db
from service.audit import audit_service
from service.auth import auth_crud, run_credentials
from service.auth.auth_model import ROLES, ServiceAccount
from service.auth.backstage_plugin_tokens import PluginTokenVerifier, is_plugin_token
from service.auth.backstage_tokens import BackstageTokenVerifier
from service.auth.principal import Principal
from service.crypto import hash_token
from service.errors import NotFound, Unauthenticated, ValidationFailed
from service.listing import page_of
from service.oauth.session_tokens import SessionTokens, is_session_token

TOKEN_PREFIX = "ik_"  # noqa: S105 (a prefix that marks our tokens, not a secret)
# Writing last_used_at on every request would turn every read into a write; a minute is precise enough.
LAST_USED_RESOLUTION = timedelta(seconds=60)


# Roles from the least to the most a caller may do.
ROLE_RANK = ("viewer", "member", "platform", "admin")
# Who acts when an operator uses the command line on the server itself.
CLI = Principal(subject="cli:infrakitchen", kind="system", role="admin")


class ServiceAccountNotFound(NotFound):
    def __init__(self, which):
        super().__init__(f"service account {which} not found")


@db.unit_of_work
def create_service_account(name: str, role: str, expires_at: datetime | None = None,
                           actor: Principal = CLI) -> tuple[ServiceAccount, str]:
    """Create an account; returns (account, token). The token is shown once and only its hash is kept."""
    actor.require("admin")
    if role not in ROLES:
        raise ValidationFailed(f"unknown role {role!r}", errors={"role": [f"must be one of {', '.join(ROLES)}"]})
    if not name or len(name) > 200:
        raise ValidationFailed("name must be 1 to 200 characters", errors={"name": ["1 to 200 characters"]})
    session = db.session()
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    account = auth_crud.add_service_account(session, ServiceAccount(
        name=name, role=role, token_hash=hash_token(token), token_prefix=token[:10], expires_at=expires_at
    ))
    audit_service.record(actor, "service_account.create", "service_account", account.id,
                         after={"name": name, "role": role, "expires_at": expires_at and expires_at.isoformat()})
    return account, token


@db.unit_of_work
def list_service_accounts(actor: Principal, page: int, page_size: int):
    """(accounts, total), by name. Admins only."""
    actor.require("admin")
    return page_of(db.session(), auth_crud.select_service_accounts().order_by(ServiceAccount.name), page, page_size)


@db.unit_of_work
def revoke_service_account(actor: Principal, account_id: uuid.UUID | None = None, name: str | None = None):
    """Revoke by id or name: its token stops working at once. Revoking twice is harmless."""
    actor.require("admin")
    session = db.session()
    account = (auth_crud.get_service_account(session, account_id) if account_id
               else auth_crud.get_service_account_by_name(session, name))
    if account is None:
        raise ServiceAccountNotFound(account_id or name)
    if account.revoked_at is None:
        account.revoked_at = db.utcnow()
        audit_service.record(actor, "service_account.revoke", "service_account", account.id,
                             after={"name": account.name})
    return account


@dataclass(frozen=True)
class TokenTrust:
    """The tokens this server accepts besides its own service-account tokens and run credentials, and the role
    each kind of person gets unless an admin gave them one."""

    backstage: BackstageTokenVerifier | None = None  # set when BACKSTAGE_BASE_URL is
    backstage_role: str = "member"
    plugins: PluginTokenVerifier | None = None  # set when BACKSTAGE_PLUGIN_ROLES trusts some plugins too
    sessions: SessionTokens | None = None  # set only when an OAuth provider is configured
    oauth_role: str = "member"


@db.unit_of_work
def authenticate(authorization: str | None, trust: TokenTrust = TokenTrust()) -> Principal:
    """The Principal behind an `Authorization` header: a service-account token, a run credential, a Backstage
    user token or a session token of an OAuth login (each when `trust` accepts it). Raises Unauthenticated."""
    token = _token_of(authorization)
    if token.count(".") == 2 and is_session_token(token):
        if trust.sessions is None:
            raise Unauthenticated("session tokens are not accepted here (no OAuth provider is configured)")
        claims = trust.sessions.verify(token)
        subject = str(claims["sub"])
        return Principal(subject=subject, kind="oauth_user", role=_role_of(subject, trust.oauth_role),
                         expires_at=_expiry(claims))
    if token.count(".") == 2 and not token.startswith((TOKEN_PREFIX, run_credentials.RUN_TOKEN_PREFIX)):
        if trust.backstage is None:
            raise Unauthenticated("Backstage tokens are not accepted here (BACKSTAGE_BASE_URL is not set)")
        if is_plugin_token(token):
            return _plugin_principal(token, trust)
        claims = trust.backstage.verify(token)
        subject = str(claims["sub"])
        return Principal(subject=subject, kind="backstage_user", role=_role_of(subject, trust.backstage_role),
                         ownership=trust.backstage.ownership(token, claims), expires_at=_expiry(claims))
    if token.startswith(run_credentials.RUN_TOKEN_PREFIX):
        principal = run_credentials.principal_for(token)
        if principal is None:
            raise Unauthenticated("invalid or expired run credential")
        return principal
    account = auth_crud.get_service_account_by_hash(db.session(), hash_token(token))
    # compare_digest keeps the (already hashed) comparison constant-time as a matter of habit.
    if account is None or not hmac.compare_digest(account.token_hash, hash_token(token)):
        raise Unauthenticated("invalid token")
    now = db.utcnow()
    if account.revoked_at is not None:
        raise Unauthenticated("token revoked")
    if account.expires_at is not None and account.expires_at <= now:
        raise Unauthenticated("token expired")
    if account.last_used_at is None or now - account.last_used_at > LAST_USED_RESOLUTION:
        auth_crud.mark_service_account_used(db.session(), account.id, now, now - LAST_USED_RESOLUTION)
    return principal_of(account)


def _plugin_principal(token: str, trust: TokenTrust) -> Principal:
    """A Backstage plugin calling as itself, with its configured role; or, with `obo`, the user it acts for, with
    the user's role but never more than the plugin's (a scaffolder trusted as member cannot act as an admin)."""
    if trust.plugins is None:
        raise Unauthenticated("Backstage plugin tokens are not accepted here (BACKSTAGE_PLUGIN_ROLES is not set)")
    call = trust.plugins.verify(token)
    if call.on_behalf_of is None:
        return Principal(subject=f"plugin:{call.plugin_id}", kind="backstage_plugin", role=call.role,
                         expires_at=_expiry(call.claims))
    user = str(call.on_behalf_of["sub"])
    role = min(_role_of(user, trust.backstage_role), call.role, key=ROLE_RANK.index)
    return Principal(subject=user, kind="backstage_user", role=role,
                     ownership=trust.backstage.ownership(call.user_token, call.on_behalf_of),
                     expires_at=min(_expiry(call.claims), _expiry(call.on_behalf_of)))


@db.unit_of_work
def authenticate_connection(token: str, trust: TokenTrust = TokenTrust()) -> Principal:
    """authenticate() for long-lived connections (WebSockets), in a transaction of its own."""
    return authenticate(f"Bearer {token}", trust)


_last_recorded: dict[str, float] = {}


def _role_of(ref: str, default: str) -> str:
    """The role an admin gave this person, else the default of how they signed in. Read on every request, so a
    changed role applies at once; the user is recorded as seen at most once a minute per process (knowing who
    exists must not turn every read into a write)."""
    session, now = db.session(), time.monotonic()
    if now - _last_recorded.get(ref, float("-inf")) >= LAST_USED_RESOLUTION.total_seconds():
        role = auth_crud.touch_user(session, ref, db.utcnow())
        _last_recorded[ref] = now
    else:
        role = auth_crud.role_of_user(session, ref)
    return role or default


@db.unit_of_work
def list_users(actor: Principal, page: int, page_size: int):
    """(users seen so far, total), by ref. Admins and platform engineers."""
    actor.require("audit:read")
    return page_of(db.session(), auth_crud.select_users(), page, page_size)


@db.unit_of_work
def set_user_role(actor: Principal, ref: str, role: str | None):
    """Give a person a role (None: back to the default of how they sign in), effective on their next request.
    Admins only; a person not seen yet is recorded now, so a role can be given before their first login."""
    actor.require("admin")
    if role is not None and role not in ROLES:
        raise ValidationFailed(f"unknown role {role!r}", errors={"role": [f"must be one of {', '.join(ROLES)}"]})
    session = db.session()
    before = auth_crud.touch_user(session, ref, db.utcnow())
    user = auth_crud.get_user(session, ref)
    user.role = role
    audit_service.record(actor, "user.set_role", "user", ref, before={"role": before}, after={"role": role})
    return user


def _token_of(authorization: str | None) -> str:
    """The token of `Bearer <token>`, or the password of `Basic base64(user:password)` (the form the engine's
    http backend sends; the username is ignored, as GitLab does)."""
    if not authorization:
        raise Unauthenticated("missing Authorization header (expected 'Bearer <token>')")
    scheme, _, value = authorization.partition(" ")
    value = value.strip()
    if scheme.lower() == "basic" and value:
        try:
            _, _, value = base64.b64decode(value, validate=True).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            raise Unauthenticated("malformed basic credentials") from None
    elif scheme.lower() != "bearer":
        value = ""
    if not value:
        raise Unauthenticated("malformed Authorization header (expected 'Bearer <token>')")
    return value


def principal_of(account: ServiceAccount) -> Principal:
    return Principal(subject=f"service-account:{account.name}", kind="service_account", role=account.role,
                     expires_at=account.expires_at)


def _expiry(claims: dict) -> datetime:
    return datetime.fromtimestamp(int(claims["exp"]), UTC)
