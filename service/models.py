"""Import every model so `metadata` is complete (for Alembic and for table-wide test cleanup), and the
listeners that turn changes into events, so every process that changes data records them."""

from service.audit.audit_model import AuditLog
from service.auth.auth_model import ServiceAccount, User
from service.changes.change_model import ResourceChange
from service.events import event_recorder  # noqa: F401  (registers its session listeners)
from service.events.event_model import Event
from service.integrations.integration_model import Integration, IntegrationGrant
from service.oauth.oauth_model import OAuthLoginState, RefreshToken
from service.operations.operation_model import Operation, OperationStep
from service.resources.resource_model import Resource, ResourceParent
from service.runs.run_model import Run, RunLogLine
from service.states.state_model import StateLock, StateVersion
from service.templates.template_model import Template, TemplateVersion

__all__ = [
    "AuditLog", "Event", "Integration", "IntegrationGrant", "OAuthLoginState", "Operation", "OperationStep",
    "RefreshToken", "Resource", "ResourceChange", "ResourceParent", "Run", "RunLogLine", "ServiceAccount", "StateLock",
    "StateVersion", "Template", "TemplateVersion", "User",
]
