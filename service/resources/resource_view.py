import uuid
from http import HTTPStatus

from flask import make_response
from flask.views import MethodView

from service.auth.auth_guard import current_principal
from service.changes import change_service
from service.changes.change_schema import ChangeQueryArgsSchema, ChangeRequestSchema, ChangeSchema
from service.listing import respond_with_page
from service.openapi_links import link, links
from service.resources import resource_service, resource_tree
from service.resources.resource_schema import (
    ApproveSchema,
    RejectSchema,
    ResourceActionsSchema,
    ResourceConflictErrorSchema,
    ResourceCreateSchema,
    ResourceQueryArgsSchema,
    ResourceSchema,
    TreeQueryArgsSchema,
    TreeSchema,
)
from service.runs import run_service
from service.runs.run_model import Run, RunKind
from service.runs.run_schema import RunQueryArgsSchema, RunSchema
from service.schemas import Blueprint, already_dumped

blp = Blueprint("resources", __name__, url_prefix="/api/v1/resources",
                description="Resources: template instances, and the actions that move them through their states.")
# The 409 bodies of InvalidResourceTransition: the error shape plus state, resource_status and allowed_actions.
STATE_CONFLICT = "The state machine does not allow the action now; the body says where the resource stands."
RUN_CONFLICT = ("The state machine does not allow the action now (the body says where the resource stands), "
                "or the resource already has a queued or running run.")

_RESOURCE = {"resource_id": "$response.body#/id"}
RESOURCE_LINKS = {
    "GetResource": link("get", "/resources/{resource_id}", "The resource.", **_RESOURCE),
    "DeleteResource": link("delete", "/resources/{resource_id}", "Delete its record.", **_RESOURCE),
    "GetResourceActions": link("get", "/resources/{resource_id}/actions", "What the caller may do now.",
                               **_RESOURCE),
    "ProvisionResource": link("post", "/resources/{resource_id}/provision", "Provision it.", **_RESOURCE),
    "PlanResource": link("post", "/resources/{resource_id}/plan", "Plan it (dry run).", **_RESOURCE),
    "DestroyResource": link("post", "/resources/{resource_id}/destroy", "Destroy it.", **_RESOURCE),
    "ApproveResource": link("post", "/resources/{resource_id}/approve", "Approve it.", **_RESOURCE),
    "RejectResource": link("post", "/resources/{resource_id}/reject", "Reject it.", **_RESOURCE),
    "RecreateResource": link("post", "/resources/{resource_id}/recreate", "Recreate it.", **_RESOURCE),
    "ListResourceRuns": link("get", "/resources/{resource_id}/runs", "Its runs.", **_RESOURCE),
    "ListStateVersions": link("get", "/resources/{resource_id}/state/versions", "Its state versions.", **_RESOURCE),
    "GetStateLock": link("get", "/resources/{resource_id}/state/lock-status", "Who holds its state lock.",
                         **_RESOURCE),
}
_RUN = {"run_id": "$response.body#/id"}
RUN_LINKS = {
    "GetRun": link("get", "/runs/{run_id}", "The queued run.", **_RUN),
    "GetRunLogs": link("get", "/runs/{run_id}/logs", "Its log lines.", **_RUN),
    "CancelRun": link("post", "/runs/{run_id}/cancel", "Cancel it.", **_RUN),
    "GetResource": link("get", "/resources/{resource_id}", "Its resource.", resource_id="$response.body#/resource_id"),
}


@blp.route("/")
class ResourceViews(MethodView):
    @blp.arguments(ResourceQueryArgsSchema, location="query")
    @blp.response(200, ResourceSchema(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """List resources"""
        sort = args.pop("sort")
        actor = current_principal()
        return already_dumped(respond_with_page(pagination_parameters, resource_service.list_resources, actor, args,
                                                sort))

    @blp.arguments(ResourceCreateSchema)
    @blp.response(201, ResourceSchema)
    @blp.doc(responses=links(201, **RESOURCE_LINKS))
    @blp.alt_response(409, "CONFLICT")
    @blp.alt_response(404, "NOT_FOUND")
    def post(self, data):
        """Create a resource from a template version"""
        return resource_service.create_resource(current_principal(), **data)


@blp.route("/<uuid:resource_id>")
class ResourceByIdViews(MethodView):
    @blp.response(200, ResourceSchema)
    @blp.alt_response(404, "NOT_FOUND")
    def get(self, resource_id: uuid.UUID):
        """Get a resource"""
        return already_dumped(resource_service.show_resource(current_principal(), resource_id))

    @blp.arguments(ChangeRequestSchema)
    @blp.response(201, ChangeSchema)
    @blp.alt_response(403, "FORBIDDEN")
    @blp.alt_response(404, "NOT_FOUND")
    @blp.alt_response(409, schema=ResourceConflictErrorSchema,
                      description="The resource is marked for destruction or destroyed, or a value must be unique.")
    def patch(self, data, resource_id: uuid.UUID):
        """Change a resource: a change request (`open`) to plan, approve and apply; a resource never applied is
        edited at once (the change is `applied`)"""
        return change_service.request_change(current_principal(), resource_id, data.get("variables", {}),
                                             data.get("template_version_id"), data.get("owner"))

    @blp.response(204)
    @blp.alt_response(404, "NOT_FOUND")
    @blp.alt_response(409, schema=ResourceConflictErrorSchema, description=STATE_CONFLICT)
    def delete(self, resource_id: uuid.UUID):
        """Delete a resource's record (only when destroyed, or never provisioned)"""
        resource_service.delete_resource(current_principal(), resource_id)


@blp.route("/<uuid:resource_id>/actions")
@blp.response(200, ResourceActionsSchema)
@blp.alt_response(404, "NOT_FOUND")
def get_resource_actions(resource_id: uuid.UUID):
    """List the actions the caller may take on a resource now"""
    actor = current_principal()
    actions = resource_service.allowed_actions(actor, resource_id)
    resource = resource_service.get_resource(actor, resource_id)
    return {"resource_id": resource.id, "state": resource.state, "status": resource.status, "actions": actions}


@blp.route("/<uuid:resource_id>/provision", methods=["POST"])
@blp.response(202, RunSchema)
@blp.doc(responses=links(202, **RUN_LINKS))
@blp.alt_response(404, "NOT_FOUND")
@blp.alt_response(409, schema=ResourceConflictErrorSchema, description=RUN_CONFLICT)
def provision_resource(resource_id: uuid.UUID):
    """Queue a run that applies the resource's module"""
    return run_service.create_run(current_principal(), resource_id, RunKind.PROVISION)


@blp.route("/<uuid:resource_id>/plan", methods=["POST"])
@blp.response(202, RunSchema)
@blp.doc(responses=links(202, **RUN_LINKS))
@blp.alt_response(404, "NOT_FOUND")
@blp.alt_response(409, schema=ResourceConflictErrorSchema, description=RUN_CONFLICT)
def plan_resource(resource_id: uuid.UUID):
    """Queue a plan (dry run): what provisioning would change, without changing anything"""
    return run_service.create_run(current_principal(), resource_id, RunKind.PLAN)


@blp.route("/<uuid:resource_id>/destroy", methods=["POST"])
@blp.response(202, RunSchema, description="The destroy run, queued.")
@blp.doc(responses=links(202, **RUN_LINKS))
@blp.alt_response(200, schema=ResourceSchema, description=(
    "The template requires approval: the resource waits for an approver (state destroy, status approval_pending) "
    "and no run is queued yet. Once approved (destroy, ready), destroy again to queue the run."))
@blp.alt_response(404, "NOT_FOUND")
@blp.alt_response(409, schema=ResourceConflictErrorSchema, description=RUN_CONFLICT)
def destroy_resource(resource_id: uuid.UUID):
    """Destroy the resource's infrastructure: queue the run, or ask for approval first where the template says so"""
    outcome = run_service.request_destroy(current_principal(), resource_id)
    if isinstance(outcome, Run):
        return outcome
    return make_response(ResourceSchema().dump(outcome), HTTPStatus.OK)


@blp.route("/<uuid:resource_id>/approve", methods=["POST"])
@blp.arguments(ApproveSchema, required=False)
@blp.response(200, ResourceSchema)
@blp.alt_response(403, "FORBIDDEN")
@blp.alt_response(404, "NOT_FOUND")
@blp.alt_response(409, schema=ResourceConflictErrorSchema, description=STATE_CONFLICT)
def approve_resource(data, resource_id: uuid.UUID):
    """Approve a resource's creation or destroy waiting for approval (the platform team or the template's approver
    group; not whoever asked), with an optional reason"""
    return resource_service.approve(current_principal(), resource_id, (data or {}).get("reason"))


@blp.route("/<uuid:resource_id>/reject", methods=["POST"])
@blp.arguments(RejectSchema)
@blp.response(200, ResourceSchema)
@blp.alt_response(403, "FORBIDDEN")
@blp.alt_response(404, "NOT_FOUND")
@blp.alt_response(409, schema=ResourceConflictErrorSchema, description=STATE_CONFLICT)
def reject_resource(data, resource_id: uuid.UUID):
    """Reject a resource's creation or destroy waiting for approval (whoever asked may withdraw it this way); a
    rejected destroy leaves the resource as it was"""
    return resource_service.reject(current_principal(), resource_id, data["reason"])


@blp.route("/<uuid:resource_id>/recreate", methods=["POST"])
@blp.response(200, ResourceSchema)
@blp.alt_response(404, "NOT_FOUND")
@blp.alt_response(409, schema=ResourceConflictErrorSchema, description=STATE_CONFLICT)
def recreate_resource(resource_id: uuid.UUID):
    """Make a destroyed resource ready to provision again"""
    return resource_service.recreate(current_principal(), resource_id)


@blp.route("/<uuid:resource_id>/runs")
@blp.arguments(RunQueryArgsSchema, location="query")
@blp.response(200, RunSchema(many=True))
@blp.alt_response(404, "NOT_FOUND")
@blp.paginate()
def list_resource_runs(args, resource_id: uuid.UUID, pagination_parameters):
    """List a resource's runs, newest first"""
    sort = args.pop("sort")
    return respond_with_page(
        pagination_parameters, run_service.list_runs, current_principal(), {**args, "resource_id": resource_id}, sort
    )


@blp.route("/<uuid:resource_id>/changes")
@blp.arguments(ChangeQueryArgsSchema, location="query")
@blp.response(200, ChangeSchema(many=True))
@blp.alt_response(404, "NOT_FOUND")
@blp.paginate()
def list_resource_changes(args, resource_id: uuid.UUID, pagination_parameters):
    """List a resource's change requests, newest first"""
    sort = args.pop("sort")
    return respond_with_page(pagination_parameters, change_service.list_changes, current_principal(), resource_id,
                             args, sort)


@blp.route("/<uuid:resource_id>/tree")
@blp.arguments(TreeQueryArgsSchema, location="query")
@blp.response(200, TreeSchema)
@blp.alt_response(404, "NOT_FOUND")
def get_resource_tree(args, resource_id: uuid.UUID):
    """The resources built on this one (or that it builds on), depth first"""
    return resource_tree.tree(current_principal(), resource_id, args["direction"])


def register(app, api, sock) -> None:
    """Add this domain's routes to the app (called by the app factory for every domain)."""
    api.register_blueprint(blp)
