"""HTTP routes of the state backend.

The engine's protocol (raw state bodies, LOCK/UNLOCK methods, the holder's lock JSON as the body of a
conflict) does not fit a JSON API, so those routes live on a plain Flask blueprint; the JSON routes for people
(versions, rollback, lock status) are documented in the OpenAPI contract like every other endpoint.
"""

import json
import uuid

from flask import Blueprint as FlaskBlueprint
from flask import Response, request
from flask.views import MethodView

from service import json_input
from service.auth.auth_guard import current_principal
from service.errors import ValidationFailed
from service.listing import respond_with_page
from service.schemas import Blueprint
from service.states import state_service
from service.states.state_schema import StateLockSchema, StateVersionQueryArgsSchema, StateVersionSchema

protocol = FlaskBlueprint("state_protocol", __name__, url_prefix="/api/v1/resources/<uuid:resource_id>/state")
blp = Blueprint("states", __name__, url_prefix="/api/v1/resources",
                description="Engine state kept by the platform: versions, rollback, locks.")


MAX_LOCK_BODY = 64 * 1024  # the engine's lock JSON is a few hundred bytes


@protocol.errorhandler(state_service.StateLockConflict)
def _locked(error: state_service.StateLockConflict):
    return Response(json.dumps(error.lock_info), status=error.status_code, mimetype="application/json")


def _lock_body() -> dict:
    raw = request.get_data()
    if len(raw) > MAX_LOCK_BODY:
        raise ValidationFailed(f"the lock body is larger than {MAX_LOCK_BODY} bytes")
    try:
        body = json_input.loads(raw or b"{}")
    except json_input.TooDeep as error:
        raise ValidationFailed(f"the lock body: {error}") from None
    except ValueError:
        raise ValidationFailed("the lock body must be JSON") from None
    if not isinstance(body, dict):
        raise ValidationFailed("the lock body must be a JSON object")
    return body


@protocol.route("", methods=["GET"])
def get_state(resource_id: uuid.UUID):
    body = state_service.read_state(current_principal(), resource_id)
    if body is None:
        return Response(status=204)  # "no state yet" to the engine
    return Response(body, mimetype="application/json")


@protocol.route("", methods=["POST"])
def post_state(resource_id: uuid.UUID):
    state_service.write_state(current_principal(), resource_id, request.get_data(), request.args.get("ID"),
                              request.headers.get("Content-MD5"))
    return Response(status=200)


@protocol.route("", methods=["DELETE"])
def delete_state(resource_id: uuid.UUID):
    state_service.delete_state(current_principal(), resource_id)
    return Response(status=200)


@protocol.route("/lock", methods=["LOCK", "POST"])
def lock_state(resource_id: uuid.UUID):
    info = state_service.lock_state(current_principal(), resource_id, _lock_body())
    return Response(json.dumps(info), status=200, mimetype="application/json")


@protocol.route("/lock", methods=["UNLOCK", "DELETE"])
def unlock_state(resource_id: uuid.UUID):
    state_service.unlock_state(current_principal(), resource_id, _lock_body().get("ID"))
    return Response(status=200)


@protocol.route("/versions/<int:version_id>/body", methods=["GET"])
def get_state_version_body(resource_id: uuid.UUID, version_id: int):
    version = state_service.get_version(current_principal(), resource_id, version_id)
    return Response(version.body, mimetype="application/json")


@blp.route("/<uuid:resource_id>/state/versions")
class StateVersionViews(MethodView):
    @blp.arguments(StateVersionQueryArgsSchema, location="query")
    @blp.response(200, StateVersionSchema(many=True))
    @blp.alt_response(404, "NOT_FOUND")
    @blp.paginate()
    def get(self, args, resource_id: uuid.UUID, pagination_parameters):
        """List a resource's state versions (the body is at .../versions/{id}/body)"""
        return respond_with_page(pagination_parameters, state_service.list_versions, current_principal(),
                                 resource_id, args["sort"])


@blp.route("/<uuid:resource_id>/state/versions/<int:version_id>/rollback", methods=["POST"])
@blp.response(201, StateVersionSchema)
@blp.alt_response(403, "FORBIDDEN")
@blp.alt_response(404, "NOT_FOUND")
@blp.alt_response(409, "CONFLICT")
def rollback_state(resource_id: uuid.UUID, version_id: int):
    """Make an old state version current again (admins; audited)"""
    return state_service.rollback(current_principal(), resource_id, version_id)


@blp.route("/<uuid:resource_id>/state/lock-status")
@blp.response(200, StateLockSchema)
@blp.alt_response(404, "NOT_FOUND")
def get_state_lock(resource_id: uuid.UUID):
    """Who holds the state lock, if anyone"""
    lock = state_service.get_lock(current_principal(), resource_id)
    if lock is None:
        return {"locked": False}
    return {"locked": True, "lock_id": lock.lock_id, "holder": lock.holder, "info": lock.info,
            "created_at": lock.created_at}


def register(app, api, sock) -> None:
    """The JSON routes in the contract; the engine's protocol on a plain blueprint beside them."""
    api.register_blueprint(blp)
    app.register_blueprint(protocol)
