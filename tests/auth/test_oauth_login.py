"""OAuth login with GitHub and Microsoft; the providers (third parties) answer through `responses`."""

import dataclasses
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import responses
from factories.auth import bearer, make_token
from sqlalchemy import update

from service import db
from service.app import create_app
from service.crypto import development_key
from service.oauth import oauth_service
from service.oauth.oauth_model import OAuthLoginState
from service.oauth.oauth_providers import configured_providers
from service.oauth.session_tokens import _kid

GITHUB_TOKEN = "https://github.com/login/oauth/access_token"
GITHUB_USER = "https://api.github.com/user"
MS_TOKEN = "https://login.microsoftonline.com/contoso/oauth2/v2.0/token"
MS_ME = "https://graph.microsoft.com/v1.0/me"


@pytest.fixture
def client(settings, db_session):
    providers = configured_providers({"GITHUB_CLIENT_ID": "gh-id", "GITHUB_CLIENT_SECRET": "gh-secret",
                                      "MICROSOFT_CLIENT_ID": "ms-id", "MICROSOFT_CLIENT_SECRET": "ms-secret",
                                      "MICROSOFT_TENANT": "contoso"})
    app = create_app(dataclasses.replace(settings, oauth_providers=tuple(providers.values())), bind_database=False)
    return app.test_client()


@pytest.fixture
def providers():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(responses.POST, GITHUB_TOKEN, json={"access_token": "gho_abc", "token_type": "bearer"})
        mock.add(responses.GET, GITHUB_USER, json={"login": "Octocat", "id": 1})
        mock.add(responses.POST, MS_TOKEN, json={"access_token": "eyJ.ms.token", "token_type": "Bearer"})
        mock.add(responses.GET, MS_ME, json={"userPrincipalName": "Alice@Contoso.com"})
        yield mock


def _login(client, provider):
    response = client.get(f"/api/v1/auth/oauth/{provider}/login")
    assert response.status_code == 302
    query = parse_qs(urlsplit(response.headers["Location"]).query)
    assert query["code_challenge_method"] == ["S256"]
    assert query["redirect_uri"] == [f"http://127.0.0.1:7777/api/v1/auth/oauth/{provider}/callback"]
    return query["state"][0]


@pytest.mark.parametrize(("provider", "subject"), [("github", "user:github/octocat"),
                                                   ("microsoft", "user:microsoft/alice@contoso.com")])
def test_a_login_yields_a_working_token(client, providers, provider, subject):
    state = _login(client, provider)
    tokens = client.get(f"/api/v1/auth/oauth/{provider}/callback?code=the-code&state={state}").json
    assert tokens["subject"] == subject
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {tokens['access_token']}"}).json
    assert (me["subject"], me["kind"], me["role"]) == (subject, "oauth_user", "member")
    exchange = [c for c in providers.calls if c.request.method == "POST"][0]
    assert "code_verifier=" in exchange.request.body


def test_a_state_is_single_use_and_must_be_known(client, providers):
    state = _login(client, "github")
    assert client.get(f"/api/v1/auth/oauth/github/callback?code=c&state={state}").status_code == 200
    assert client.get(f"/api/v1/auth/oauth/github/callback?code=c&state={state}").status_code == 401
    assert client.get("/api/v1/auth/oauth/github/callback?code=c&state=forged").status_code == 401
    assert client.get(f"/api/v1/auth/oauth/microsoft/callback?code=c&state={_login(client, 'github')}").status_code \
        == 401


def test_denied_consent_is_401_with_the_reason(client, providers):
    state = _login(client, "microsoft")
    response = client.get(f"/api/v1/auth/oauth/microsoft/callback?error=access_denied&state={state}")
    assert response.status_code == 401
    assert "access_denied" in response.json["message"]


def test_a_provider_error_is_502_without_its_details(client, providers):
    providers.replace(responses.POST, GITHUB_TOKEN, json={"error": "bad_verification_code",
                                                          "error_description": "secret-ish detail"})
    response = client.get(f"/api/v1/auth/oauth/github/callback?code=c&state={_login(client, 'github')}")
    assert response.status_code == 502
    assert "secret-ish" not in response.get_data(as_text=True)


def test_refresh_rotates_and_logout_revokes(client, providers):
    tokens = client.get(f"/api/v1/auth/oauth/github/callback?code=c&state={_login(client, 'github')}").json
    renewed = client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert renewed.status_code == 200
    assert client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}).status_code == 401
    assert client.post("/api/v1/auth/logout", json={"refresh_token": renewed.json["refresh_token"]}).status_code \
        == 204
    assert client.post("/api/v1/auth/refresh", json={"refresh_token": renewed.json["refresh_token"]}).status_code \
        == 401


def test_an_unconfigured_provider_is_404(client):
    assert client.get("/api/v1/auth/oauth/gitlab/login").status_code == 404


def test_a_forged_session_token_is_401(client):
    forged = jwt.encode({"sub": "user:github/admin", "role": "admin", "iss": "infrakitchen", "iat": 1,
                         "exp": 9999999999}, "not-our-key-" * 3, algorithm="HS256",
                        headers={"typ": "infrakitchen+jwt", "kid": "whatever"})
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {forged}"}).status_code == 401


def _signed_with_the_servers_key(client, claims: dict) -> str:
    """A token as someone holding the server's own session key would sign it (the key leaked)."""
    sessions = client.application.extensions["token_trust"].sessions
    return jwt.encode({"iss": "infrakitchen", "iat": 1, "exp": 9999999999, **claims}, sessions._signing,
                      algorithm="HS256", headers={"typ": "infrakitchen+jwt", "kid": _kid(sessions._signing)})


def test_a_role_claim_in_a_session_token_is_ignored(client):
    token = _signed_with_the_servers_key(client, {"sub": "user:github/mallory", "role": "admin"})
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).json
    assert (me["subject"], me["role"]) == ("user:github/mallory", "member")


def test_session_tokens_are_refused_without_an_oauth_provider(settings, db_session):
    # The key the development default generates: a token signed with it must still not be accepted.
    key = development_key(settings, "session.key")
    token = jwt.encode({"iss": "infrakitchen", "sub": "user:github/mallory", "iat": 1, "exp": 9999999999}, key,
                       algorithm="HS256", headers={"typ": "infrakitchen+jwt", "kid": _kid(key)})
    client = create_app(settings, bind_database=False).test_client()
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert "no OAuth provider" in response.json["message"]
    assert client.post("/api/v1/auth/refresh", json={"refresh_token": "ikrt_x"}).status_code == 404


def test_the_role_an_admin_gives_applies_on_the_next_request(client, providers):
    tokens = client.get(f"/api/v1/auth/oauth/github/callback?code=c&state={_login(client, 'github')}").json
    person = {"Authorization": f"Bearer {tokens['access_token']}"}
    admin = bearer(make_token("admin"))
    assert client.get("/api/v1/me", headers=person).json["role"] == "member"
    assert client.patch("/api/v1/users/user:github/octocat", json={"role": "platform"}, headers=person) \
        .status_code == 403
    changed = client.patch("/api/v1/users/user:github/octocat", json={"role": "platform"}, headers=admin)
    assert (changed.status_code, changed.json["role"]) == (200, "platform")
    assert client.get("/api/v1/me", headers=person).json["role"] == "platform"
    assert client.patch("/api/v1/users/user:github/octocat", json={"role": None}, headers=admin).status_code == 200
    assert client.get("/api/v1/me", headers=person).json["role"] == "member"
    assert client.patch("/api/v1/users/user:github/octocat", json={"role": "god"}, headers=admin).status_code == 422



def test_logins_are_limited_per_address_and_expired_ones_pruned(client, db_session):
    for _ in range(oauth_service.LOGINS_PER_ADDRESS):
        _login(client, "github")
    refused = client.get("/api/v1/auth/oauth/github/login")
    assert (refused.status_code, refused.headers["Retry-After"]) == (429, "60")
    other = client.get("/api/v1/auth/oauth/github/login", environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 302
    db.session.execute(update(OAuthLoginState).values(created_at=db.utcnow() - timedelta(hours=1)))
    assert client.get("/api/v1/auth/oauth/github/login").status_code == 302
    assert db.session.query(OAuthLoginState).count() == 1  # the expired ones are gone
