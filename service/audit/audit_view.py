from flask.views import MethodView

from service.audit import audit_service
from service.audit.audit_schema import AuditLogQueryArgsSchema, AuditLogSchema
from service.auth.auth_guard import current_principal
from service.listing import respond_with_page
from service.schemas import Blueprint

blp = Blueprint("audit", __name__, url_prefix="/api/v1/audit-logs", description="The append-only audit trail.")


@blp.route("/")
class AuditLogViews(MethodView):
    @blp.arguments(AuditLogQueryArgsSchema, location="query")
    @blp.response(200, AuditLogSchema(many=True))
    @blp.alt_response(403, "FORBIDDEN")
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """List audit entries, newest first"""
        sort = args.pop("sort")
        return respond_with_page(pagination_parameters, audit_service.list_audit_logs, current_principal(), args, sort)


def register(app, api, sock) -> None:
    """Add this domain's routes to the app (called by the app factory for every domain)."""
    api.register_blueprint(blp)
