import marshmallow as ma
from flask_smorest.error_handler import ErrorSchema

from service.operations.operation_model import OperationKind, OperationStatus, StepAction, StepStatus
from service.schemas import InputSchema, sort_field


class CascadeStepSchema(ma.Schema):
    position = ma.fields.Integer()
    resource_id = ma.fields.UUID()
    resource_name = ma.fields.String()
    template_name = ma.fields.String()
    state = ma.fields.String()
    status = ma.fields.String()
    action = ma.fields.String(metadata={"enum": [a.value for a in StepAction]})
    reason = ma.fields.String(allow_none=True)


class CascadePlanSchema(ma.Schema):
    resource_id = ma.fields.UUID()
    requires_approval = ma.fields.Boolean(metadata={
        "description": "A template of a resource to destroy requires approval: the operation waits for it."})
    steps = ma.fields.List(ma.fields.Nested(CascadeStepSchema), metadata={
        "description": "In the order they run: everything built on the resource, leaves first, then itself."})


class OperationStepSchema(ma.Schema):
    position = ma.fields.Integer()
    resource_id = ma.fields.UUID(allow_none=True, metadata={"description": "Null once its record is deleted."})
    resource_name = ma.fields.String()
    action = ma.fields.String(metadata={"enum": [a.value for a in StepAction]})
    status = ma.fields.String(metadata={"enum": [s.value for s in StepStatus]})
    run_id = ma.fields.UUID(allow_none=True, metadata={"description": "Its newest run (destroy steps)."})
    attempts = ma.fields.Integer()
    error = ma.fields.String(allow_none=True)
    started_at = ma.fields.DateTime(allow_none=True)
    finished_at = ma.fields.DateTime(allow_none=True)


class OperationSchema(ma.Schema):
    id = ma.fields.UUID()
    kind = ma.fields.String(metadata={"enum": [k.value for k in OperationKind]})
    resource_id = ma.fields.UUID(allow_none=True, metadata={
        "description": "The resource it was asked for; null once its record is deleted."})
    resource_name = ma.fields.String()
    status = ma.fields.String(metadata={"enum": [s.value for s in OperationStatus]})
    requires_approval = ma.fields.Boolean()
    approved_by = ma.fields.String(allow_none=True)
    reject_reason = ma.fields.String(allow_none=True)
    created_by = ma.fields.String()
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()
    finished_at = ma.fields.DateTime(allow_none=True)
    cancel_requested_by = ma.fields.String(allow_none=True)
    error = ma.fields.String(allow_none=True)
    steps = ma.fields.List(ma.fields.Nested(OperationStepSchema), attribute="shown_steps", metadata={
        "description": "In order; steps on resources the caller cannot see are left out."})


class OperationConflictErrorSchema(ErrorSchema):
    operation_status = ma.fields.String(metadata={"enum": [s.value for s in OperationStatus]})


class OperationQueryArgsSchema(InputSchema):
    resource_id = ma.fields.UUID(metadata={"description": "Only operations on this resource (404 if not visible)."})
    status = ma.fields.String(validate=ma.validate.OneOf([s.value for s in OperationStatus]))
    kind = ma.fields.String(validate=ma.validate.OneOf([k.value for k in OperationKind]))
    sort = sort_field("-created_at", ["created_at", "status"])
