import marshmallow as ma

from service.events.event_model import EventType
from service.schemas import InputSchema

TOPIC_FIELDS = ("resource_id", "entity_ref", "run_id")


class EventQueryArgsSchema(InputSchema):
    after = ma.fields.Integer(
        validate=ma.validate.Range(min=0, max=2**62),
        metadata={"description": "The last event id received; omitted: start from now (no history)."},
    )
    resource_id = ma.fields.UUID(metadata={"description": "Events of one resource (and its runs)."})
    entity_ref = ma.fields.String(validate=ma.validate.Length(min=1, max=300),
                                  metadata={"description": "Events of every resource of one catalog entity."})
    run_id = ma.fields.UUID(metadata={"description": "Events of one run, with its log lines (run.log)."})
    wait = ma.fields.Integer(
        load_default=0, validate=ma.validate.Range(min=0, max=25),
        metadata={"description": "Long poll: wait up to this many seconds for the first event."},
    )
    limit = ma.fields.Integer(load_default=100, validate=ma.validate.Range(min=1, max=500))

    @ma.validates_schema
    def _one_topic(self, data, **_kwargs):
        if sum(1 for name in TOPIC_FIELDS if name in data) > 1:
            raise ma.ValidationError("at most one of resource_id, entity_ref, run_id", "_schema")


class EventSchema(ma.Schema):
    type = ma.fields.String(metadata={"enum": [t.value for t in EventType]})
    id = ma.fields.Integer(metadata={"description": "Monotonic: resume after the last one received."})
    at = ma.fields.String(metadata={"description": "When the change committed (ISO 8601)."})
    resource_id = ma.fields.String()
    run_id = ma.fields.String(allow_none=True)
    entity_ref = ma.fields.String(allow_none=True)
    data = ma.fields.Dict(metadata={
        "description": "resource.*: the resource as GET /resources/{id} shows it; run.*: the run as "
                       "GET /runs/{id} shows it; run.log: {offset, lines}."})


class EventPageSchema(ma.Schema):
    events = ma.fields.List(ma.fields.Nested(EventSchema))
    last_id = ma.fields.Integer(metadata={"description": "Ask again with after=last_id."})
    reset = ma.fields.Boolean(metadata={
        "description": "Events after `after` were pruned: reload what you show, then resume from last_id."})
