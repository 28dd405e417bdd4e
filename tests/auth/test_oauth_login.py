"""OAuth login with GitHub and Microsoft; the providers (third parties) answer through `responses`."""

import dataclasses
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import responses

from service.app import create_app
from service.oauth.oauth_providers import configured_providers

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
