"""Who is asking: principals for service-level tests, and real service-account tokens for HTTP tests."""

from service.auth import auth_service
from service.auth.principal import Principal

ADMIN = Principal(subject="service-account:test-admin", kind="service_account", role="admin")
PLATFORM = Principal(subject="service-account:test-platform", kind="service_account", role="platform")
MEMBER = Principal(subject="service-account:test-member", kind="service_account", role="member")
VIEWER = Principal(subject="service-account:test-viewer", kind="service_account", role="viewer")


def member(subject: str, *groups: str) -> Principal:
    """A member (e.g. a Backstage user) acting for itself and `groups`."""
    return Principal(subject=subject, kind="backstage_user", role="member", ownership=(subject, *groups))


def make_token(role: str = "admin", name: str | None = None) -> str:
    _, token = auth_service.create_service_account(name or f"test-{role}", role)
    return token


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}
