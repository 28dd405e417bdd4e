import marshmallow as ma

from service.changes.change_model import ChangeStatus
from service.resources.resource_schema import OWNER_PATTERN, ResourceConflictErrorSchema
from service.schemas import InputSchema, sort_field


class ChangeRequestSchema(InputSchema):
    variables = ma.fields.Dict(keys=ma.fields.String(), metadata={
        "description": "Values laid over the resource's own (null removes one: the module's default applies). "
                       "Wired variables cannot be given."})
    template_version_id = ma.fields.UUID(metadata={
        "description": "Move to this version of the template (an upgrade): values it does not declare are dropped, "
                       "new required ones must be given."})
    owner = ma.fields.String(validate=[ma.validate.Length(max=300), ma.validate.Regexp(
        OWNER_PATTERN, error="expected a ref such as group:default/team-a")])


class DiffEntrySchema(ma.Schema):
    name = ma.fields.String(metadata={"description": "`variables.<name>`, `template_version` or `owner`."})
    old = ma.fields.Raw(allow_none=True, metadata={"description": "Sensitive values are masked."})
    new = ma.fields.Raw(allow_none=True)
    dropped = ma.fields.Boolean(metadata={"description": "The new version does not declare this variable."})


class ChangeSchema(ma.Schema):
    id = ma.fields.UUID()
    resource_id = ma.fields.UUID()
    status = ma.fields.String(metadata={"enum": [s.value for s in ChangeStatus]})
    requires_approval = ma.fields.Boolean()
    requested_by = ma.fields.String()
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()
    template_version_id = ma.fields.UUID()
    owner = ma.fields.String()
    diff = ma.fields.List(ma.fields.Nested(DiffEntrySchema))
    decided_by = ma.fields.String(allow_none=True)
    decided_at = ma.fields.DateTime(allow_none=True)
    reason = ma.fields.String(allow_none=True, metadata={"description": "Why it was approved or rejected."})
    plan_run_id = ma.fields.UUID(allow_none=True)
    plan_summary = ma.fields.Dict(allow_none=True, metadata={
        "description": "Of its newest plan, once it ended: {add, change, destroy, has_changes, resources}."})
    apply_run_id = ma.fields.UUID(allow_none=True)
    error = ma.fields.String(allow_none=True)


class ChangeDecisionSchema(InputSchema):
    reason = ma.fields.String(validate=ma.validate.Length(1, 2000))


class ChangeRejectSchema(InputSchema):
    reason = ma.fields.String(required=True, validate=ma.validate.Length(1, 2000))


class ChangeConflictErrorSchema(ResourceConflictErrorSchema):
    """A 409 on a change: its status when that refused; where its resource stands when queuing its run did."""

    change_status = ma.fields.String(metadata={"enum": [s.value for s in ChangeStatus]})


class ChangeQueryArgsSchema(InputSchema):
    status = ma.fields.String(validate=ma.validate.OneOf([s.value for s in ChangeStatus]))
    sort = sort_field("-created_at", ["created_at", "status"])
