"""Import every model so `metadata` is complete (for Alembic and for table-wide test cleanup)."""

from service.audit.audit_model import AuditLog
from service.auth.auth_model import ServiceAccount
from service.resources.resource_model import Resource, ResourceTfState
from service.runs.run_model import Run, RunLogLine
from service.templates.template_model import Template, TemplateVersion

__all__ = ["AuditLog", "Resource", "ResourceTfState", "Run", "RunLogLine", "ServiceAccount", "Template",
           "TemplateVersion"]
