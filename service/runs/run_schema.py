import marshmallow as ma
from flask_smorest.error_handler import ErrorSchema

from service.resources.resource_schema import masked_outputs
from service.runs.run_model import RunKind
from service.runs.run_states import RunStatus
from service.schemas import InputSchema, sort_field


class RunConflictErrorSchema(ErrorSchema):
    """A 409 on a run: the error shape, plus the run's status when it has already finished."""

    run_status = ma.fields.String(metadata={"enum": [s.value for s in RunStatus]})


class RunSchema(ma.Schema):
    id = ma.fields.UUID()
    resource_id = ma.fields.UUID()
    kind = ma.fields.String(metadata={"enum": [k.value for k in RunKind]})
    status = ma.fields.String(metadata={"enum": [s.value for s in RunStatus]})
    created_by = ma.fields.String()
    created_at = ma.fields.DateTime()
    started_at = ma.fields.DateTime(allow_none=True)
    finished_at = ma.fields.DateTime(allow_none=True)
    duration_seconds = ma.fields.Method("_duration", allow_none=True)
    worker = ma.fields.String(allow_none=True)
    engine = ma.fields.String(allow_none=True)
    error = ma.fields.String(allow_none=True)
    outputs = ma.fields.Method("_outputs", allow_none=True)
    log_line_count = ma.fields.Integer()
    plan_summary = ma.fields.Dict(
        allow_none=True,
        metadata={"description": "Plan runs: {add, change, destroy, has_changes, resources: [{address, actions}], "
                                 "drifted: [address]}."},
    )
    published_at = ma.fields.DateTime(allow_none=True, metadata={"description": "When its message reached the broker."})
    heartbeat_at = ma.fields.DateTime(allow_none=True, metadata={"description": "Last sign of life of its worker."})
    cancel_requested_at = ma.fields.DateTime(allow_none=True)
    cancel_requested_by = ma.fields.String(allow_none=True)


    def _duration(self, run):
        if run.started_at is None or run.finished_at is None:
            return None
        return round((run.finished_at - run.started_at).total_seconds(), 3)

    def _outputs(self, run):
        return masked_outputs(run.outputs)


class RunCancelSchema(InputSchema):
    force = ma.fields.Boolean(
        load_default=False,
        metadata={"description": "Admins only: kill the engine at once instead of interrupting it gracefully."},
    )


class RunQueryArgsSchema(InputSchema):
    resource_id = ma.fields.UUID(metadata={"description": "Only this resource's runs (404 if it is not visible)."})
    status = ma.fields.String(validate=ma.validate.OneOf([s.value for s in RunStatus]))
    kind = ma.fields.String(validate=ma.validate.OneOf([k.value for k in RunKind]))
    sort = sort_field("-created_at", ["created_at", "status", "kind"])


class RunLogQueryArgsSchema(InputSchema):
    offset = ma.fields.Integer(load_default=0, validate=ma.validate.Range(min=0, max=2**62),
                               metadata={"description": "Index of the first line to return."})
    limit = ma.fields.Integer(load_default=1000, validate=ma.validate.Range(min=1, max=5000))


class RunLogSchema(ma.Schema):
    run_id = ma.fields.UUID()
    run_status = ma.fields.String()
    offset = ma.fields.Integer()
    next_offset = ma.fields.Integer(metadata={"description": "Ask again from here for more lines."})
    complete = ma.fields.Boolean(metadata={"description": "The run has finished and no lines follow."})
    lines = ma.fields.List(ma.fields.String())
