"""The Flask app factory: configuration, database, broker publisher, API blueprints, error handling."""

import logging
import re
import uuid
from pathlib import Path

from flask import Flask, g, request
from flask_smorest import Api
from flask_sock import Sock

import service.models  # noqa: F401  (every table, and the listeners that record events)
from celery_tasks.celery_app import make_celery, publisher
from service import api_docs, crypto, db, json_codec, messaging, strict_query
from service.audit import audit_view
from service.auth import auth_guard, auth_view
from service.auth.auth_service import TokenTrust
from service.auth.backstage_plugin_tokens import PluginTokenVerifier
from service.auth.backstage_tokens import BackstageTokenVerifier
from service.catalog import catalog_view
from service.changes import change_view
from service.config import Settings, load_settings
from service.crypto import box_for, development_key
from service.errors import DATABASE_UNAVAILABLE, DomainError, handle_database_unavailable, handle_domain_error
from service.events import event_view
from service.events.event_hub import EventHub
from service.health import health_view
from service.integrations import integration_view
from service.oauth import oauth_view
from service.oauth.session_tokens import SessionTokens
from service.operations import operation_view
from service.resources import resource_view
from service.runs import run_view
from service.states import state_view
from service.templates import template_view
from service.templates.module_archive import ModuleLimits
from service.templates.template_service import SourceLimits

log = logging.getLogger(__name__)
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
# Each domain adds its own routes (`register(app, api, sock)` in its view module), in this order in openapi.yaml;
# api_docs serves the pinned Swagger UI and ReDoc those pages load.
DOMAINS = (health_view, oauth_view, auth_view, template_view, resource_view, run_view, operation_view, change_view,
           state_view, integration_view, audit_view, event_view, catalog_view, api_docs)


def api_config(settings: Settings) -> dict:
    return {
        "API_TITLE": "InfraKitchen",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
        "OPENAPI_SWAGGER_UI_PATH": "/docs",
        "OPENAPI_SWAGGER_UI_URL": api_docs.SWAGGER_UI_URL,  # served by this app (service/api_docs.py), no CDN
        "OPENAPI_REDOC_PATH": "/redoc",
        "OPENAPI_REDOC_URL": api_docs.REDOC_URL,
        "API_SPEC_OPTIONS": {
            "info": {"description": "Self-service infrastructure: templates, resources, runs and audit. Every error "
                                    "is JSON in the Error shape, a 414 for a request line over 8190 bytes too. A "
                                    "query parameter an operation does not declare answers 422. While the "
                                    "database is unreachable any operation answers 503 (the Error shape, with "
                                    "Retry-After): try again then."},
            "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
            "security": [{"bearerAuth": []}],
        },
        "GUEST_ROLE": settings.guest_role,
        "PUBLIC_URL": settings.public_url,
        "MODULE_SOURCE_LIMITS": SourceLimits(ModuleLimits.of(settings), settings.allow_local_sources),
        "ENGINE_LABEL": Path(settings.engine_binary).name if settings.engine_binary else "embedded",
        "MAX_CONTENT_LENGTH": settings.max_state_bytes,  # state uploads; other bodies are capped per request
        "WS_PING_SECONDS": settings.ws_ping_seconds,
        "WS_AUTH_TIMEOUT_SECONDS": settings.ws_auth_timeout_seconds,
    }


def _token_trust(settings: Settings) -> TokenTrust:
    """Backstage tokens when BACKSTAGE_BASE_URL is set; session tokens only when an OAuth provider can issue them
    (otherwise nobody could have one honestly, and the key would be one more thing to steal)."""
    backstage = (BackstageTokenVerifier(settings.backstage_base_url, settings.backstage_token_algorithms)
                 if settings.backstage_base_url else None)
    plugins = (PluginTokenVerifier(backstage, settings.backstage_plugin_audience, settings.backstage_plugin_roles)
               if backstage and settings.backstage_plugin_roles else None)
    sessions = (SessionTokens(list(settings.session_keys) or [development_key(settings, "session.key")])
                if settings.oauth_providers else None)
    return TokenTrust(backstage, settings.backstage_user_role, plugins, sessions, settings.oauth_user_role)


def _database_unavailable(error: Exception):
    # The session's connection may be dead: drop it now (the pool replaces one the database closed).
    db.session.remove()
    return handle_database_unavailable(error)


def create_app(settings: Settings | None = None, *, bind_database: bool = True) -> Flask:
    settings = settings or load_settings()
    app = Flask("infrakitchen")
    app.json = json_codec.ResponseJson(app)
    app.config.update(api_config(settings))
    if bind_database:
        db.bind(db.make_engine(settings.database_url))

    celery = make_celery(settings)
    app.extensions["infrakitchen_celery"] = celery
    messaging.set_publisher(publisher(celery))

    # `/api/v1/events` and `/api/v1/events/` are one resource. A redirect to add the slash would point behind
    # the Backstage proxy, at an address the browser may not reach (or reach without its token).
    app.url_map.strict_slashes = False
    api = Api(app)
    app.extensions["infrakitchen_api"] = api
    sock = Sock(app)
    for domain in DOMAINS:
        domain.register(app, api, sock)
    app.extensions["event_hub"] = EventHub(settings.database_url, settings.event_poll_ms / 1000)
    app.register_error_handler(DomainError, handle_domain_error)
    for unavailable in DATABASE_UNAVAILABLE:  # raised anywhere: a view, authentication, a long poll
        app.register_error_handler(unavailable, _database_unavailable)
    app.extensions["secret_box"] = box_for(settings)
    crypto.set_key_ring(app.extensions["secret_box"])
    app.extensions["oauth_providers"] = {p.name: p for p in settings.oauth_providers}
    app.extensions["token_trust"] = _token_trust(settings)
    if settings.guest_role:
        log.warning("GUEST ACCESS IS ON: requests without credentials act as 'guest' with role %r. "
                    "Development only; never expose this server.", settings.guest_role)
    auth_guard.install(app)
    strict_query.install(app, api)

    @app.before_request
    def _body_limit():
        # Only state uploads may be large; every other body is a small JSON document.
        if request.blueprint != "state_protocol":
            request.max_content_length = 1024 * 1024

    @app.before_request
    def _request_id():
        given = request.headers.get("X-Request-Id", "")
        g.request_id = given if REQUEST_ID.match(given) else uuid.uuid4().hex

    @app.after_request
    def _echo_request_id(response):
        response.headers["X-Request-Id"] = g.get("request_id", "")
        return response

    @app.teardown_appcontext
    def _end_session(_exc):
        db.session.remove()

    return app
