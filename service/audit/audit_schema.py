import marshmallow as ma

from service.schemas import InputSchema, sort_field


class AuditLogSchema(ma.Schema):
    id = ma.fields.Integer()
    created_at = ma.fields.DateTime()
    actor = ma.fields.String()
    action = ma.fields.String()
    entity_type = ma.fields.String()
    entity_id = ma.fields.String()
    before = ma.fields.Dict(allow_none=True)
    after = ma.fields.Dict(allow_none=True)
    request_id = ma.fields.String(allow_none=True)
    source_address = ma.fields.String(allow_none=True)


class AuditLogQueryArgsSchema(InputSchema):
    entity_id = ma.fields.String(validate=ma.validate.Length(max=64))
    entity_type = ma.fields.String(validate=ma.validate.Length(max=50))
    actor = ma.fields.String(validate=ma.validate.Length(max=300))
    action = ma.fields.String(validate=ma.validate.Length(max=100))
    sort = sort_field("-id", ["id", "created_at"])
