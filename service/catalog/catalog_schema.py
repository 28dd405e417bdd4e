import marshmallow as ma
from flask_smorest.error_handler import ErrorSchema

from service.schemas import InputSchema


class CatalogQueryArgsSchema(InputSchema):
    limit = ma.fields.Integer(load_default=200, validate=ma.validate.Range(min=1, max=500),
                              metadata={"description": "Entities per page of a full read."})
    cursor = ma.fields.String(validate=ma.validate.Length(max=200), metadata={
        "description": "A full read's next page: the `next_cursor` of the page before."})
    after = ma.fields.Integer(validate=ma.validate.Range(min=0, max=2**62), metadata={
        "description": "Instead of a full read, the changes after this event id (the `last_event_id` of the "
                       "previous answer)."})
    wait = ma.fields.Integer(load_default=0, validate=ma.validate.Range(min=0, max=25), metadata={
        "description": "With `after`: wait up to this many seconds for a change (long poll)."})

    @ma.validates_schema
    def _one_way(self, data, **_kwargs):
        if "cursor" in data and "after" in data:
            raise ma.ValidationError("give cursor (a full read's next page) or after (changes), not both", "_schema")
        if data.get("wait") and "after" not in data:
            raise ma.ValidationError("wait needs after", "wait")


class EntityMetadataSchema(ma.Schema):
    name = ma.fields.String(metadata={"description": "<the resource's name as a slug>-<12 hex digits of its id>: "
                                                     "unique, and stable for the resource's life."})
    namespace = ma.fields.String()
    title = ma.fields.String(metadata={"description": "The resource's name."})
    description = ma.fields.String()
    annotations = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String())
    tags = ma.fields.List(ma.fields.String())
    links = ma.fields.List(ma.fields.Dict())


class EntitySpecSchema(ma.Schema):
    type = ma.fields.String(metadata={"description": "The template's catalog_type (default infrastructure)."})
    owner = ma.fields.String()
    lifecycle = ma.fields.String()
    dependencyOf = ma.fields.List(ma.fields.String(), metadata={"description": "The resource's entity_ref."})
    dependsOn = ma.fields.List(ma.fields.String(), metadata={"description": "Its parent resources' entity refs."})
    system = ma.fields.String(metadata={"description": "Its entity_ref, when that is a System."})


class EntitySchema(ma.Schema):
    apiVersion = ma.fields.String()
    kind = ma.fields.String()
    metadata = ma.fields.Nested(EntityMetadataSchema)
    spec = ma.fields.Nested(EntitySpecSchema)


class CatalogPageSchema(ma.Schema):
    entities = ma.fields.List(ma.fields.Nested(EntitySchema))
    removed = ma.fields.List(ma.fields.String(), metadata={
        "description": "Changes only: refs of entities that left the catalog (destroyed, deleted, out of sight)."})
    next_cursor = ma.fields.String(allow_none=True, metadata={
        "description": "A full read: ask for the next page with cursor=next_cursor; null after the last page."})
    last_event_id = ma.fields.Integer(metadata={
        "description": "Ask for the changes since this answer with after=last_event_id (after a full read: once "
                       "its last page is read)."})
    more = ma.fields.Boolean(metadata={"description": "Changes only: more are waiting; ask again at once."})


class CatalogResetErrorSchema(ErrorSchema):
    reset = ma.fields.Boolean(metadata={"description": "true: the events after `after` were pruned; read in full."})
