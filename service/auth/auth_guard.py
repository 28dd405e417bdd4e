"""Every /api/v1 request is authenticated before it reaches a view, except the few public paths."""

from flask import Flask, g, request

from service import db
from service.auth import auth_service
from service.auth.principal import Principal

# login, refresh and logout: how a caller gets (or gives up) a token; the docs pages' own scripts and styles
PUBLIC_PREFIX = ("/api/v1/auth/", "/api/v1/docs-assets/")
# The WebSocket authenticates inside its protocol (browsers cannot set headers on one).
PUBLIC_PATHS = {"/api/v1/health", "/api/v1/openapi.json", "/api/v1/docs", "/api/v1/redoc", "/api/v1/ws"}


def install(app: Flask) -> None:
    @app.before_request
    def _authenticate():
        path = request.path.rstrip("/") or "/"
        if (not path.startswith("/api/v1") or path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIX)
                or request.method == "OPTIONS"):
            return None
        guest_role = app.config.get("GUEST_ROLE")
        if guest_role and "Authorization" not in request.headers:
            g.principal = Principal(subject="guest", kind="guest", role=guest_role)
            return None
        with db.left_open():  # the view's unit of work commits it: one transaction per request
            g.principal = auth_service.authenticate(request.headers.get("Authorization"),
                                                    app.extensions["token_trust"])
        return None


def current_principal() -> Principal:
    return g.principal
