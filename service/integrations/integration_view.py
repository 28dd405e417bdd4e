import uuid

from flask import current_app
from flask.views import MethodView

from service.auth.auth_guard import current_principal
from service.integrations import integration_service
from service.integrations.integration_schema import (
    GrantSchema,
    GrantsSchema,
    IntegrationCreateSchema,
    IntegrationSchema,
)
from service.listing import respond_with_page
from service.openapi_links import link, links
from service.schemas import Blueprint

blp = Blueprint("integrations", __name__, url_prefix="/api/v1/integrations",
                description="Credentials for runs: encrypted at rest, never returned, granted to people.")
_INTEGRATION = {"integration_id": "$response.body#/id"}


@blp.route("/")
class IntegrationViews(MethodView):
    @blp.response(200, IntegrationSchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters):
        """List integrations (names and variable names only)"""
        return respond_with_page(pagination_parameters, integration_service.list_integrations, current_principal())

    @blp.arguments(IntegrationCreateSchema)
    @blp.response(201, IntegrationSchema)
    @blp.doc(responses=links(
        201,
        GetIntegration=link("get", "/integrations/{integration_id}", "The new integration.", **_INTEGRATION),
        DeleteIntegration=link("delete", "/integrations/{integration_id}", "Delete it.", **_INTEGRATION),
        ListGrants=link("get", "/integrations/{integration_id}/grants", "Who may use it.", **_INTEGRATION),
        Grant=link("post", "/integrations/{integration_id}/grants", "Let someone use it.", **_INTEGRATION),
        RevokeGrant=link("delete", "/integrations/{integration_id}/grants", "Take a grant back.", **_INTEGRATION),
    ))
    @blp.alt_response(403, "FORBIDDEN")
    @blp.alt_response(409, "CONFLICT")
    def post(self, data):
        """Create an integration (admins, platform); its values are encrypted and never shown again"""
        return integration_service.create_integration(current_principal(), current_app.extensions["secret_box"],
                                                      **data)


@blp.route("/<uuid:integration_id>")
class IntegrationByIdViews(MethodView):
    @blp.response(200, IntegrationSchema)
    @blp.alt_response(404, "NOT_FOUND")
    def get(self, integration_id: uuid.UUID):
        """Get an integration (without its values)"""
        return integration_service.get_integration(current_principal(), integration_id)

    @blp.response(204)
    @blp.alt_response(404, "NOT_FOUND")
    @blp.alt_response(409, "CONFLICT")
    def delete(self, integration_id: uuid.UUID):
        """Delete an integration no resource uses"""
        integration_service.delete_integration(current_principal(), integration_id)


@blp.route("/<uuid:integration_id>/grants")
class IntegrationGrantViews(MethodView):
    @blp.response(200, GrantsSchema)
    @blp.alt_response(404, "NOT_FOUND")
    def get(self, integration_id: uuid.UUID):
        """List who may attach the integration to their resources"""
        return {"subjects": integration_service.grants(current_principal(), integration_id)}

    @blp.arguments(GrantSchema)
    @blp.response(200, GrantsSchema)
    @blp.alt_response(403, "FORBIDDEN")
    @blp.alt_response(404, "NOT_FOUND")
    def post(self, data, integration_id: uuid.UUID):
        """Grant a person, group or service account the use of the integration"""
        return {"subjects": integration_service.grant(current_principal(), integration_id, data["subject"])}

    @blp.arguments(GrantSchema, location="query")
    @blp.response(200, GrantsSchema)
    @blp.alt_response(403, "FORBIDDEN")
    @blp.alt_response(404, "NOT_FOUND")
    def delete(self, data, integration_id: uuid.UUID):
        """Take a grant back"""
        return {"subjects": integration_service.revoke_grant(current_principal(), integration_id, data["subject"])}


def register(app, api, sock) -> None:
    """Add this domain's routes to the app (called by the app factory for every domain)."""
    api.register_blueprint(blp)
