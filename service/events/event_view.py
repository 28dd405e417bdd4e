from flask import current_app, request

from service.auth import auth_service
from service.auth.auth_guard import current_principal
from service.events import event_service
from service.events.event_hub import Topic
from service.events.event_schema import TOPIC_FIELDS, EventPageSchema, EventQueryArgsSchema
from service.events.event_socket import SUBPROTOCOL, SocketSession
from service.schemas import Blueprint

SOCKET_PATH = "/api/v1/ws"
blp = Blueprint("events", __name__, url_prefix="/api/v1/events",
                description="Changes to resources and runs, in order, for clients that cannot hold a WebSocket.")


@blp.route("/")
@blp.arguments(EventQueryArgsSchema, location="query")
@blp.response(200, EventPageSchema)
@blp.alt_response(404, "NOT_FOUND")
def list_events(args):
    """Events after an id, waiting up to `wait` seconds for the first one (long poll)"""
    topic = next((Topic(name, str(args[name])) for name in TOPIC_FIELDS if name in args), Topic("all"))
    events, last_id, reset = event_service.poll_events(
        current_principal(), topic, args.get("after"), args["wait"], args["limit"],
        current_app.extensions["event_hub"],
    )
    return {"events": [e.as_message() for e in events], "last_id": last_id, "reset": reset}


def register(app, api, sock) -> None:
    """The long-poll blueprint, and the WebSocket at /api/v1/ws (protocol in the README), which is
    authenticated by the protocol, not by a header."""
    api.register_blueprint(blp)
    ping_seconds, auth_timeout_seconds = app.config["WS_PING_SECONDS"], app.config["WS_AUTH_TIMEOUT_SECONDS"]
    # Pings are sent by SocketSession, not by simple-websocket (see SocketSession._keep_alive).
    app.config["SOCK_SERVER_OPTIONS"] = {"subprotocols": [SUBPROTOCOL], "max_message_size": 64 * 1024}

    @app.before_request
    def _no_compression():
        # Decline permessage-deflate (simple-websocket accepts it whenever offered): compressing is per socket,
        # and events are small; uncompressed, one encoded frame serves every socket an event goes to.
        if request.path == SOCKET_PATH:
            request.environ.pop("HTTP_SEC_WEBSOCKET_EXTENSIONS", None)

    @sock.route(SOCKET_PATH)
    def events_socket(ws):
        offered = [p.strip() for p in request.headers.get("Sec-WebSocket-Protocol", "").split(",") if p.strip()]
        token = next((p for p in offered if p != SUBPROTOCOL), None)
        SocketSession(ws, app.extensions["event_hub"], _authenticator(app), auth_timeout_seconds,
                      ping_seconds).run(token)


def _authenticator(app):
    def authenticate(token: str):
        return auth_service.authenticate_connection(token, app.extensions["token_trust"])

    return authenticate
