import marshmallow as ma

from service.integrations.integration_kinds import KINDS
from service.schemas import InputSchema


class IntegrationSchema(ma.Schema):
    id = ma.fields.UUID()
    name = ma.fields.String()
    kind = ma.fields.String(metadata={"enum": list(KINDS)})
    description = ma.fields.String()
    variable_names = ma.fields.List(ma.fields.String(), metadata={"description": "Values are never returned."})
    created_by = ma.fields.String()
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()


class IntegrationCreateSchema(InputSchema):
    name = ma.fields.String(required=True, validate=ma.validate.Length(1, 200))
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(list(KINDS)))
    description = ma.fields.String(load_default="", validate=ma.validate.Length(max=2000))
    values = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String(), required=True,
                            metadata={"description": "Environment variable name -> value; encrypted at once."})


class GrantSchema(InputSchema):
    subject = ma.fields.String(required=True, validate=ma.validate.Length(1, 300), metadata={
        "description": "A principal or ownership ref: service-account:ci, user:default/alice, group:default/team"})


class GrantsSchema(ma.Schema):
    subjects = ma.fields.List(ma.fields.String())
