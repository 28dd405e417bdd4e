import uuid

from service.auth.auth_guard import current_principal
from service.changes import change_service
from service.changes.change_schema import (
    ChangeConflictErrorSchema,
    ChangeDecisionSchema,
    ChangeRejectSchema,
    ChangeSchema,
)
from service.runs.run_schema import RunSchema
from service.schemas import Blueprint

blp = Blueprint("changes", __name__, url_prefix="/api/v1/changes",
                description="Change requests: edits of resources, reviewed, planned and applied by a run.")
NOT_PENDING = "The change's status does not allow this now; the body gives it."


@blp.route("/<uuid:change_id>")
@blp.response(200, ChangeSchema)
@blp.alt_response(404, "NOT_FOUND")
def get_change(change_id: uuid.UUID):
    """Get a change request"""
    return change_service.get_change(current_principal(), change_id)


@blp.route("/<uuid:change_id>/plan", methods=["POST"])
@blp.response(202, RunSchema)
@blp.alt_response(403, "FORBIDDEN")
@blp.alt_response(404, "NOT_FOUND")
@blp.alt_response(409, schema=ChangeConflictErrorSchema, description=NOT_PENDING)
def plan_change(change_id: uuid.UUID):
    """Queue a dry run of the change: what applying it would do to the current infrastructure"""
    return change_service.plan(current_principal(), change_id)


@blp.route("/<uuid:change_id>/approve", methods=["POST"])
@blp.arguments(ChangeDecisionSchema, required=False)
@blp.response(200, ChangeSchema)
@blp.alt_response(403, "FORBIDDEN")
@blp.alt_response(404, "NOT_FOUND")
@blp.alt_response(409, schema=ChangeConflictErrorSchema, description=NOT_PENDING)
def approve_change(data, change_id: uuid.UUID):
    """Approve an open change (approvers; not whoever asked for it)"""
    return change_service.decide(current_principal(), change_id, True, data.get("reason"))


@blp.route("/<uuid:change_id>/reject", methods=["POST"])
@blp.arguments(ChangeRejectSchema)
@blp.response(200, ChangeSchema)
@blp.alt_response(403, "FORBIDDEN")
@blp.alt_response(404, "NOT_FOUND")
@blp.alt_response(409, schema=ChangeConflictErrorSchema, description=NOT_PENDING)
def reject_change(data, change_id: uuid.UUID):
    """Reject an open change with a reason: it never runs"""
    return change_service.decide(current_principal(), change_id, False, data["reason"])


@blp.route("/<uuid:change_id>/apply", methods=["POST"])
@blp.response(202, RunSchema)
@blp.alt_response(403, "FORBIDDEN")
@blp.alt_response(404, "NOT_FOUND")
@blp.alt_response(409, schema=ChangeConflictErrorSchema, description=NOT_PENDING)
def apply_change(change_id: uuid.UUID):
    """Queue the provision run with the change's values; they become the resource's when it succeeds"""
    return change_service.apply(current_principal(), change_id)


def register(app, api, sock) -> None:
    """Add this domain's routes to the app (called by the app factory for every domain)."""
    api.register_blueprint(blp)
