import uuid

from flask.views import MethodView

from service.auth.auth_guard import current_principal
from service.listing import respond_with_page
from service.runs import run_service
from service.runs.run_schema import (
    RunCancelSchema,
    RunConflictErrorSchema,
    RunLogQueryArgsSchema,
    RunLogSchema,
    RunQueryArgsSchema,
    RunSchema,
)
from service.runs.run_states import ACTIVE_RUN_STATUSES
from service.schemas import Blueprint

blp = Blueprint("runs", __name__, url_prefix="/api/v1/runs", description="Runs: engine executions and their logs.")


@blp.route("/")
class RunViews(MethodView):
    @blp.arguments(RunQueryArgsSchema, location="query")
    @blp.response(200, RunSchema(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """List runs"""
        sort = args.pop("sort")
        return respond_with_page(pagination_parameters, run_service.list_runs, current_principal(), args, sort)


@blp.route("/<uuid:run_id>")
class RunByIdViews(MethodView):
    @blp.response(200, RunSchema)
    @blp.alt_response(404, "NOT_FOUND")
    def get(self, run_id: uuid.UUID):
        """Get a run"""
        return run_service.get_run(current_principal(), run_id)


@blp.route("/<uuid:run_id>/cancel", methods=["POST"])
@blp.arguments(RunCancelSchema, required=False)
@blp.response(202, RunSchema)
@blp.alt_response(403, "FORBIDDEN")
@blp.alt_response(404, "NOT_FOUND")
@blp.alt_response(409, schema=RunConflictErrorSchema,
                  description="The run has already finished; the body gives its status.")
def cancel_run(data, run_id: uuid.UUID):
    """Cancel a run: a queued one at once, a running one by interrupting its engine"""
    return run_service.cancel_run(current_principal(), run_id, data.get("force", False))


@blp.route("/<uuid:run_id>/logs")
@blp.arguments(RunLogQueryArgsSchema, location="query")
@blp.response(200, RunLogSchema)
@blp.alt_response(404, "NOT_FOUND")
def get_run_logs(args, run_id: uuid.UUID):
    """Read a run's log lines from an offset"""
    lines, run = run_service.list_log_lines(current_principal(), run_id, args["offset"], args["limit"])
    next_offset = lines[-1].seq + 1 if lines else args["offset"]
    finished = run.status not in ACTIVE_RUN_STATUSES
    return {
        "run_id": run.id,
        "run_status": run.status,
        "offset": args["offset"],
        "next_offset": next_offset,
        "complete": finished and next_offset >= run.log_line_count,
        "lines": [line.line for line in lines],
    }


def register(app, api, sock) -> None:
    """Add this domain's routes to the app (called by the app factory for every domain)."""
    api.register_blueprint(blp)
