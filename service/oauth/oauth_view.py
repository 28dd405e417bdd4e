"""OAuth login for use without Backstage. These routes are public: they are how a person gets a token."""

import marshmallow as ma
from flask import current_app, redirect, request

from service.oauth import oauth_service
from service.schemas import Blueprint, InputSchema

blp = Blueprint("oauth", __name__, url_prefix="/api/v1/auth",
                description="OAuth 2.0 login (GitHub, Microsoft) issuing the service's own short-lived tokens.")


class CallbackArgsSchema(InputSchema):
    code = ma.fields.String(validate=ma.validate.Length(max=2000))
    state = ma.fields.String(validate=ma.validate.Length(max=200))
    error = ma.fields.String(validate=ma.validate.Length(max=200))
    error_description = ma.fields.String(validate=ma.validate.Length(max=2000))


class RefreshSchema(InputSchema):
    refresh_token = ma.fields.String(required=True, validate=ma.validate.Length(1, 200))


class TokensSchema(ma.Schema):
    access_token = ma.fields.String()
    token_type = ma.fields.String()
    expires_in = ma.fields.Integer()
    refresh_token = ma.fields.String(metadata={"description": "Single use: refreshing returns a new one."})
    subject = ma.fields.String()


def _provider(name: str):
    provider = current_app.extensions["oauth_providers"].get(name)
    if provider is None:
        raise oauth_service.ProviderNotConfigured(name)
    return provider


def _sessions():
    sessions = current_app.extensions["token_trust"].sessions
    if sessions is None:
        raise oauth_service.OAuthNotConfigured()
    return sessions


def _redirect_uri(name: str) -> str:
    return f"{current_app.config['PUBLIC_URL']}/api/v1/auth/oauth/{name}/callback"


@blp.route("/oauth/<string:provider>/login")
@blp.response(302)
@blp.alt_response(404, "NOT_FOUND")
@blp.alt_response(429, "TOO_MANY_REQUESTS")
@blp.doc(security=[])
def oauth_login(provider: str):
    """Start a login: redirects to the provider's consent page"""
    return redirect(oauth_service.start_login(_provider(provider), _redirect_uri(provider), request.remote_addr or ""))


@blp.route("/oauth/<string:provider>/callback")
@blp.arguments(CallbackArgsSchema, location="query")
@blp.response(200, TokensSchema)
@blp.alt_response(401, "UNAUTHORIZED")
@blp.alt_response(404, "NOT_FOUND")
@blp.alt_response(502, "BAD_GATEWAY")
@blp.doc(security=[])
def oauth_callback(args, provider: str):
    """Finish a login: the provider sends the browser back here with a code"""
    return oauth_service.finish_login(
        _provider(provider), _redirect_uri(provider), _sessions(), args.get("code"), args.get("state"),
        args.get("error"),
    )


@blp.route("/refresh", methods=["POST"])
@blp.arguments(RefreshSchema)
@blp.response(200, TokensSchema)
@blp.alt_response(401, "UNAUTHORIZED")
@blp.alt_response(404, "NOT_FOUND")
@blp.doc(security=[])
def refresh_session(data):
    """Trade a refresh token for new tokens (the old refresh token stops working)"""
    return oauth_service.refresh(_sessions(), data["refresh_token"])


@blp.route("/logout", methods=["POST"])
@blp.arguments(RefreshSchema)
@blp.response(204)
@blp.doc(security=[])
def logout(data):
    """End a session: its refresh token stops working (access tokens expire within minutes)"""
    oauth_service.logout(data["refresh_token"])


def register(app, api, sock) -> None:
    """Add this domain's routes to the app (called by the app factory for every domain)."""
    api.register_blueprint(blp)
