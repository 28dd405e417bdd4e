"""Who is asking, and what their role lets them do."""

import uuid
from dataclasses import dataclass
from datetime import datetime

from service.errors import PermissionDenied

# A role is a set of permissions. `resources:all` acts on any resource and `resources:see-all` sees any;
# without them, a caller acts on and sees only what it or its groups own.
ROLE_PERMISSIONS = {
    "admin": {"read", "resources:see-all", "resources:write", "resources:all", "resources:approve",
              "templates:write", "integrations:write", "audit:read", "admin"},
    "platform": {"read", "resources:see-all", "resources:write", "resources:all", "resources:approve",
                 "templates:write", "integrations:write", "audit:read"},
    "member": {"read", "resources:write"},
    "viewer": {"read", "resources:see-all"},
    "run": set(),  # a run credential: state of its own resource only, checked by the state service
}


@dataclass(frozen=True)
class Principal:
    subject: str  # e.g. "service-account:ci-bot", "user:default/alice", "system:worker"
    kind: str  # "service_account", "system"
    role: str
    # Set for run credentials: the one resource whose state the run may use.
    resource_id: uuid.UUID | None = None
    # Backstage users: the entity refs they own through (their user and group refs), from the token's `ent`.
    ownership: tuple[str, ...] = ()
    # When the credential stops working (None: until revoked); long-lived connections end then.
    expires_at: datetime | None = None

    def can(self, permission: str) -> bool:
        return permission in ROLE_PERMISSIONS.get(self.role, ())

    def acts_for(self, owner: str) -> bool:
        """May this caller act on something owned by `owner` (itself, a group it belongs to, or any: admins)?"""
        return self.can("resources:all") or owner in (self.subject, *self.ownership)

    def may_see(self, owner: str) -> bool:
        """May this caller see something owned by `owner` (a resource, its runs, logs and events)?"""
        return self.can("resources:see-all") or owner in (self.subject, *self.ownership)

    def require(self, permission: str) -> None:
        if not self.can(permission):
            raise PermissionDenied(f"role '{self.role}' may not do this (needs '{permission}')")


SYSTEM = Principal(subject="system:worker", kind="system", role="admin")
