import marshmallow as ma

from service.auth.auth_model import ROLES
from service.schemas import InputSchema


class MeSchema(ma.Schema):
    subject = ma.fields.String(metadata={"description": "e.g. user:default/alice or service-account:ci"})
    kind = ma.fields.String(metadata={"enum": ["service_account", "backstage_user", "backstage_plugin", "oauth_user",
                                              "guest", "run"]})
    role = ma.fields.String(metadata={"enum": list(ROLES)})
    ownership = ma.fields.List(ma.fields.String(), metadata={"description": "Entity refs the caller owns through."})


class ServiceAccountSchema(ma.Schema):
    id = ma.fields.UUID()
    name = ma.fields.String()
    role = ma.fields.String(metadata={"enum": list(ROLES)})
    token_prefix = ma.fields.String(metadata={"description": "The token's first characters, to tell tokens apart."})
    created_at = ma.fields.DateTime()
    expires_at = ma.fields.DateTime(allow_none=True)
    revoked_at = ma.fields.DateTime(allow_none=True)
    last_used_at = ma.fields.DateTime(allow_none=True)


class ServiceAccountCreateSchema(InputSchema):
    name = ma.fields.String(required=True, validate=ma.validate.Length(1, 200))
    role = ma.fields.String(required=True, validate=ma.validate.OneOf(ROLES))
    expires_at = ma.fields.AwareDateTime(metadata={"description": "When the token stops working."})


class ServiceAccountCreatedSchema(ServiceAccountSchema):
    token = ma.fields.String(metadata={"description": "Shown this once; only its hash is kept."})


class UserSchema(ma.Schema):
    ref = ma.fields.String(metadata={"description": "The user entity ref (Backstage, or user:github/<login> and "
                                                    "user:microsoft/<upn> for OAuth logins)."})
    role = ma.fields.String(allow_none=True, metadata={
        "enum": list(ROLES), "description": "Given by an admin; null: the default role of how they sign in "
                                            "(BACKSTAGE_USER_ROLE or OAUTH_USER_ROLE)."})
    first_seen_at = ma.fields.DateTime()
    last_seen_at = ma.fields.DateTime()


class UserRoleSchema(InputSchema):
    role = ma.fields.String(required=True, allow_none=True, validate=ma.validate.OneOf(ROLES), metadata={
        "description": "null gives back the default role of how they sign in."})
