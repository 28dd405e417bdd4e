import uuid
from types import SimpleNamespace

from flask.views import MethodView

from service.auth import auth_service
from service.auth.auth_guard import current_principal
from service.auth.auth_schema import (
    MeSchema,
    ServiceAccountCreatedSchema,
    ServiceAccountCreateSchema,
    ServiceAccountSchema,
    UserRoleSchema,
    UserSchema,
)
from service.listing import respond_with_page
from service.openapi_links import link, links
from service.schemas import Blueprint

blp = Blueprint("auth", __name__, url_prefix="/api/v1", description="Who is asking, and service accounts.")


@blp.route("/me")
@blp.response(200, MeSchema)
def get_me():
    """Describe the caller: subject, kind of credential, role, ownership refs"""
    return current_principal()


@blp.route("/service-accounts/")
class ServiceAccountViews(MethodView):
    @blp.response(200, ServiceAccountSchema(many=True))
    @blp.alt_response(403, "FORBIDDEN")
    @blp.paginate()
    def get(self, pagination_parameters):
        """List service accounts (admins)"""
        return respond_with_page(pagination_parameters, auth_service.list_service_accounts, current_principal())

    @blp.arguments(ServiceAccountCreateSchema)
    @blp.response(201, ServiceAccountCreatedSchema)
    @blp.doc(responses=links(201, RevokeServiceAccount=link(
        "post", "/service-accounts/{account_id}/revoke", "Revoke it.", account_id="$response.body#/id")))
    @blp.alt_response(403, "FORBIDDEN")
    @blp.alt_response(409, "CONFLICT")
    def post(self, data):
        """Create a service account and its token (admins; the token is shown once)"""
        account, token = auth_service.create_service_account(
            data["name"], data["role"], data.get("expires_at"), actor=current_principal()
        )
        return SimpleNamespace(**{name: getattr(account, name) for name in ServiceAccountSchema().fields},
                               token=token)


@blp.route("/service-accounts/<uuid:account_id>/revoke", methods=["POST"])
@blp.response(200, ServiceAccountSchema)
@blp.alt_response(403, "FORBIDDEN")
@blp.alt_response(404, "NOT_FOUND")
def revoke_service_account(account_id: uuid.UUID):
    """Revoke a service account: its token stops working at once (admins)"""
    return auth_service.revoke_service_account(current_principal(), account_id=account_id)


@blp.route("/users/")
@blp.response(200, UserSchema(many=True))
@blp.alt_response(403, "FORBIDDEN")
@blp.paginate()
def list_users(pagination_parameters):
    """List the Backstage users seen so far (admins, platform)"""
    return respond_with_page(pagination_parameters, auth_service.list_users, current_principal())


@blp.route("/users/<path:ref>", methods=["PATCH"])
@blp.arguments(UserRoleSchema)
@blp.response(200, UserSchema)
@blp.alt_response(403, "FORBIDDEN")
@blp.doc(parameters=[{"in": "path", "name": "ref", "required": True, "schema": {"type": "string"},
                      "description": "The user entity ref, e.g. user:default/alice"}])
def set_user_role(data, ref: str):
    """Give a person a role, effective on their next request (admins; null: the default of how they sign in)"""
    return auth_service.set_user_role(current_principal(), ref, data["role"])


def register(app, api, sock) -> None:
    """Add this domain's routes to the app (called by the app factory for every domain)."""
    api.register_blueprint(blp)
