"""What the API shows of state versions and locks (the engine's own protocol routes send raw bodies)."""

import marshmallow as ma

from service.schemas import InputSchema, sort_field


class StateVersionSchema(ma.Schema):
    id = ma.fields.Integer()
    serial = ma.fields.Integer(allow_none=True, metadata={"description": "None for encrypted state."})
    size = ma.fields.Integer()
    md5 = ma.fields.String()
    created_by = ma.fields.String()
    created_at = ma.fields.DateTime()


class StateVersionQueryArgsSchema(InputSchema):
    sort = sort_field("-id", ["id", "created_at"])


class StateLockSchema(ma.Schema):
    locked = ma.fields.Boolean()
    lock_id = ma.fields.String(allow_none=True)
    holder = ma.fields.String(allow_none=True)
    info = ma.fields.Dict(allow_none=True)
    created_at = ma.fields.DateTime(allow_none=True)
