import uuid

from flask.views import MethodView

from service.auth.auth_guard import current_principal
from service.listing import respond_with_page
from service.openapi_links import link, links
from service.operations import operation_service
from service.operations.operation_schema import (
    CascadePlanSchema,
    OperationConflictErrorSchema,
    OperationQueryArgsSchema,
    OperationSchema,
)
from service.resources.resource_schema import RejectSchema
from service.schemas import Blueprint

blp = Blueprint("operations", __name__, url_prefix="/api/v1",
                description="Operations: work on several resources tracked as one (a cascade destroy), step by step.")
_OPERATION = {"operation_id": "$response.body#/id"}
OPERATION_LINKS = {
    "GetOperation": link("get", "/operations/{operation_id}", "Its progress.", **_OPERATION),
    "CancelOperation": link("post", "/operations/{operation_id}/cancel", "Cancel it.", **_OPERATION),
}
NOT_ACTIVE = "The operation's status does not allow this now; the body gives it."


@blp.route("/resources/<uuid:resource_id>/cascade-destroy")
class CascadeDestroyViews(MethodView):
    @blp.response(200, CascadePlanSchema)
    @blp.alt_response(403, "FORBIDDEN")
    @blp.alt_response(404, "NOT_FOUND")
    @blp.alt_response(409, "CONFLICT")
    def get(self, resource_id: uuid.UUID):
        """What a cascade destroy would do now, in order (nothing is changed)"""
        return operation_service.preview_cascade_destroy(current_principal(), resource_id)

    @blp.response(202, OperationSchema)
    @blp.doc(responses=links(202, **OPERATION_LINKS))
    @blp.alt_response(403, "FORBIDDEN")
    @blp.alt_response(404, "NOT_FOUND")
    @blp.alt_response(409, "CONFLICT")
    def post(self, resource_id: uuid.UUID):
        """Destroy a resource and everything built on it, leaves first, as one operation"""
        return operation_service.cascade_destroy(current_principal(), resource_id)


@blp.route("/operations/")
@blp.arguments(OperationQueryArgsSchema, location="query")
@blp.response(200, OperationSchema(many=True))
@blp.alt_response(404, "NOT_FOUND")
@blp.paginate()
def list_operations(args, pagination_parameters):
    """List operations, newest first"""
    sort = args.pop("sort")
    return respond_with_page(pagination_parameters, operation_service.list_operations, current_principal(), args,
                             sort)


@blp.route("/operations/<uuid:operation_id>")
@blp.response(200, OperationSchema)
@blp.alt_response(404, "NOT_FOUND")
def get_operation(operation_id: uuid.UUID):
    """Get an operation and its steps"""
    return operation_service.get_operation(current_principal(), operation_id)


@blp.route("/operations/<uuid:operation_id>/cancel", methods=["POST"])
@blp.response(200, OperationSchema)
@blp.alt_response(403, "FORBIDDEN")
@blp.alt_response(404, "NOT_FOUND")
@blp.alt_response(409, schema=OperationConflictErrorSchema, description=NOT_ACTIVE)
def cancel_operation(operation_id: uuid.UUID):
    """Cancel an operation: nothing more starts, its running step's run is cancelled"""
    return operation_service.cancel(current_principal(), operation_id)


@blp.route("/operations/<uuid:operation_id>/retry", methods=["POST"])
@blp.response(200, OperationSchema)
@blp.alt_response(403, "FORBIDDEN")
@blp.alt_response(404, "NOT_FOUND")
@blp.alt_response(409, schema=OperationConflictErrorSchema, description=NOT_ACTIVE)
def retry_operation(operation_id: uuid.UUID):
    """Start a failed or cancelled operation again from the step that did not succeed"""
    return operation_service.retry(current_principal(), operation_id)


@blp.route("/operations/<uuid:operation_id>/approve", methods=["POST"])
@blp.response(200, OperationSchema)
@blp.alt_response(403, "FORBIDDEN")
@blp.alt_response(404, "NOT_FOUND")
@blp.alt_response(409, schema=OperationConflictErrorSchema, description=NOT_ACTIVE)
def approve_operation(operation_id: uuid.UUID):
    """Approve an operation waiting for approval"""
    return operation_service.approve(current_principal(), operation_id)


@blp.route("/operations/<uuid:operation_id>/reject", methods=["POST"])
@blp.arguments(RejectSchema)
@blp.response(200, OperationSchema)
@blp.alt_response(403, "FORBIDDEN")
@blp.alt_response(404, "NOT_FOUND")
@blp.alt_response(409, schema=OperationConflictErrorSchema, description=NOT_ACTIVE)
def reject_operation(data, operation_id: uuid.UUID):
    """Reject an operation waiting for approval: nothing is destroyed"""
    return operation_service.reject(current_principal(), operation_id, data["reason"])


def register(app, api, sock) -> None:
    """Add this domain's routes to the app (called by the app factory for every domain)."""
    api.register_blueprint(blp)
