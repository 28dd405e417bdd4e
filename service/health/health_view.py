import marshmallow as ma
from flask import current_app

from service.health import health_service
from service.schemas import Blueprint

blp = Blueprint("health", __name__, url_prefix="/api/v1/health", description="Readiness for load balancers.")


class HealthSchema(ma.Schema):
    status = ma.fields.String(metadata={"enum": ["ok", "unavailable"]})
    database = ma.fields.String(metadata={"enum": ["ok", "unavailable"]})
    broker = ma.fields.String(metadata={"enum": ["ok", "unavailable"]})
    engine = ma.fields.String(metadata={"description": "The IaC engine runs use."})


@blp.route("/", strict_slashes=False)
@blp.response(200, HealthSchema)
@blp.alt_response(503, schema=HealthSchema, description="A dependency is unreachable.")
@blp.doc(security=[])
def get_health():
    """Report readiness of the database and the broker (no authentication)"""
    database = health_service.check_database()
    broker = health_service.check_broker(current_app.extensions["infrakitchen_celery"])
    body = {
        "status": "ok" if database and broker else "unavailable",
        "database": "ok" if database else "unavailable",
        "broker": "ok" if broker else "unavailable",
        "engine": current_app.config["ENGINE_LABEL"],
    }
    return body, (200 if body["status"] == "ok" else 503)


def register(app, api, sock) -> None:
    """Add this domain's routes to the app (called by the app factory for every domain)."""
    api.register_blueprint(blp)
