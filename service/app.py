"""The Flask app factory: configuration, database, broker publisher, API blueprints, error handling."""

import logging
import re
import uuid
from pathlib import Path

from flask import Flask, g, request
from flask_smorest import Api

import service.models  # noqa: F401  (every table, and the listeners that record events)
from celery_tasks.celery_app import make_celery, publisher
from service import db, messaging
from service.audit.audit_view import blp as audit_blp
from service.auth import auth_guard
from service.auth.auth_view import blp as auth_blp
from service.auth.backstage_tokens import BackstageTokenVerifier
from service.config import Settings, load_settings
from service.crypto import box_for, development_key
from service.errors import DomainError, handle_domain_error
from service.events.event_hub import EventHub
from service.events.event_view import blp as events_blp
from service.events.event_view import install_socket
from service.health.health_view import blp as health_blp
from service.integrations.integration_view import blp as integrations_blp
from service.oauth.oauth_view import blp as oauth_blp
from service.oauth.session_tokens import SessionTokens
from service.resources.resource_view import blp as resources_blp
from service.runs.run_view import blp as runs_blp
from service.states.state_view import blp as states_blp
from service.states.state_view import protocol as state_protocol_blp
from service.templates.template_service import SourceLimits
from service.templates.template_view import blp as templates_blp

log = logging.getLogger(__name__)
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
BLUEPRINTS = (health_blp, oauth_blp, auth_blp, templates_blp, resources_blp, runs_blp, states_blp, integrations_blp,
              audit_blp, events_blp)


def api_config(settings: Settings) -> dict:
    return {
        "API_TITLE": "InfraKitchen",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
        "OPENAPI_SWAGGER_UI_PATH": "/docs",
        "OPENAPI_SWAGGER_UI_URL": "https://cdn.jsdelivr.net/npm/swagger-ui-dist/",
        "OPENAPI_REDOC_PATH": "/redoc",
        "OPENAPI_REDOC_URL": "https://cdn.jsdelivr.net/npm/redoc@2/bundles/redoc.standalone.js",
        "API_SPEC_OPTIONS": {
            "info": {"description": "Self-service infrastructure: templates, resources, runs and audit."},
            "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
            "security": [{"bearerAuth": []}],
        },
        "BACKSTAGE_USER_ROLE": settings.backstage_user_role,
        "GUEST_ROLE": settings.guest_role,
        "OAUTH_USER_ROLE": settings.oauth_user_role,
        "PUBLIC_URL": settings.public_url,
        "MODULE_SOURCE_LIMITS": SourceLimits(settings.max_module_bytes, settings.allow_local_sources),
        "ENGINE_LABEL": Path(settings.engine_binary).name if settings.engine_binary else "embedded",
        "MAX_CONTENT_LENGTH": settings.max_state_bytes,  # state uploads; other bodies are capped per request
    }


def create_app(settings: Settings | None = None, *, bind_database: bool = True) -> Flask:
    settings = settings or load_settings()
    app = Flask("infrakitchen")
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
    for blueprint in BLUEPRINTS:
        api.register_blueprint(blueprint)
    app.register_blueprint(state_protocol_blp)
    app.extensions["event_hub"] = EventHub(settings.database_url, settings.event_poll_ms / 1000)
    install_socket(app, settings.ws_ping_seconds, settings.ws_auth_timeout_seconds)
    app.register_error_handler(DomainError, handle_domain_error)
    app.extensions["secret_box"] = box_for(settings)
    app.extensions["oauth_providers"] = {p.name: p for p in settings.oauth_providers}
    app.extensions["session_tokens"] = SessionTokens(
        list(settings.session_keys) or [development_key(settings, "session.key")]
    )
    if settings.guest_role:
        log.warning("GUEST ACCESS IS ON: requests without credentials act as 'guest' with role %r. "
                    "Development only; never expose this server.", settings.guest_role)
    if settings.backstage_base_url:
        app.extensions["backstage_verifier"] = BackstageTokenVerifier(
            settings.backstage_base_url, settings.backstage_token_algorithms
        )
    auth_guard.install(app)

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
