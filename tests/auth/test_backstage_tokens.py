"""Backstage user tokens, with locally generated keys and the JWKS served through `responses` (the one
third party we cannot run here). Every forged or wrong token is a 401, never a 500."""

import base64
import dataclasses
import hashlib
import hmac
import json
import time

import pytest
import responses
from cryptography.hazmat.primitives import serialization
from factories.auth import bearer, make_token
from factories.backstage import BASE, JWK_1, JWK_2, KEY_1, KEY_2
from factories.backstage import claims as _claims
from factories.backstage import user_token as _token
from factories.resources import make_resource
from factories.templates import TemplateVersionFactory

from service.app import create_app

JWKS_URL = f"{BASE}/api/auth/.well-known/jwks.json"


@pytest.fixture
def jwks():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(responses.GET, JWKS_URL, json={"keys": [JWK_1]})
        yield mock


@pytest.fixture
def backstage_client(settings, db_session, jwks):
    app = create_app(dataclasses.replace(settings, backstage_base_url=BASE), bind_database=False)
    return app.test_client()


def _get(client, token):
    return client.get("/api/v1/resources/", headers={"Authorization": f"Bearer {token}"})


def test_a_valid_user_token_is_accepted(backstage_client):
    assert _get(backstage_client, _token()).status_code == 200


def test_the_jwks_is_cached_not_fetched_per_request(backstage_client, jwks):
    for _ in range(3):
        assert _get(backstage_client, _token()).status_code == 200
    assert len(jwks.calls) == 1


def test_a_rotated_key_is_picked_up_with_one_refetch(backstage_client, jwks):
    assert _get(backstage_client, _token()).status_code == 200
    jwks.replace(responses.GET, JWKS_URL, json={"keys": [JWK_1, JWK_2]})
    verifier = backstage_client.application.extensions["token_trust"].backstage
    verifier.jwks.refetch_interval = 0  # the test does not wait out the rate limit
    assert _get(backstage_client, _token(key=KEY_2, kid="key-2")).status_code == 200
    assert len(jwks.calls) == 2


def test_unknown_kids_do_not_cause_a_fetch_each(backstage_client, jwks):
    _get(backstage_client, _token())
    for i in range(5):
        assert _get(backstage_client, _token(kid=f"made-up-{i}")).status_code == 401
    assert len(jwks.calls) == 1


def _alg_none_token():
    header = base64.urlsafe_b64encode(json.dumps({"alg": "none", "typ": "vnd.backstage.user", "kid": "key-1"})
                                      .encode()).rstrip(b"=")
    payload = base64.urlsafe_b64encode(json.dumps(_claims()).encode()).rstrip(b"=")
    return f"{header.decode()}.{payload.decode()}."


def _hs256_with_public_key_token():
    """The classic confusion attack: HMAC-signed with the public key as the secret."""
    public_pem = KEY_1.public_key().public_bytes(serialization.Encoding.PEM,
                                                 serialization.PublicFormat.SubjectPublicKeyInfo)
    encode = lambda data: base64.urlsafe_b64encode(data).rstrip(b"=")  # noqa: E731
    signing_input = (encode(json.dumps({"alg": "HS256", "typ": "vnd.backstage.user", "kid": "key-1"}).encode())
                     + b"." + encode(json.dumps(_claims()).encode()))
    signature = encode(hmac.new(public_pem, signing_input, hashlib.sha256).digest())
    return (signing_input + b"." + signature).decode()


def _tampered_token():
    header, payload, signature = _token().split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["sub"] = "user:default/mallory"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


@pytest.mark.parametrize(
    "make_token",
    [
        pytest.param(_alg_none_token, id="alg-none"),
        pytest.param(_hs256_with_public_key_token, id="hs256-with-public-key"),
        pytest.param(lambda: _token(_claims(iss="http://evil.test/api/auth")), id="wrong-iss"),
        pytest.param(lambda: _token(_claims(aud="other")), id="wrong-aud"),
        pytest.param(lambda: _token(typ="JWT"), id="wrong-typ"),
        pytest.param(lambda: _token(typ=None), id="missing-typ"),
        pytest.param(lambda: _token(typ="vnd.backstage.limited-user"), id="limited-user-token"),
        pytest.param(lambda: _token(_claims(exp=int(time.time()) - 3600)), id="expired"),
        pytest.param(lambda: _token(_claims(nbf=int(time.time()) + 3600)), id="not-yet-valid"),
        pytest.param(lambda: _token(_claims(iat=None)), id="missing-iat"),
        pytest.param(lambda: _token(_claims(sub=None)), id="missing-sub"),
        pytest.param(lambda: _token(kid="unknown"), id="unknown-kid"),
        pytest.param(lambda: _token(key=KEY_2), id="signed-by-another-key"),
        pytest.param(_tampered_token, id="tampered-payload"),
        pytest.param(lambda: "a.b.c", id="garbage"),
        pytest.param(lambda: "eyJhbGciOiJFUzI1NiJ9.e30.", id="truncated"),
    ],
)
def test_bad_tokens_are_401_never_500(backstage_client, make_token):
    response = _get(backstage_client, make_token())
    assert response.status_code == 401
    assert response.is_json


def test_without_backstage_configured_a_user_token_is_401(client, db_session, jwks):
    response = _get(client, _token())
    assert response.status_code == 401
    assert "BACKSTAGE_BASE_URL" in response.json["message"]


def test_an_unreachable_jwks_is_a_401_not_a_500(settings, db_session):
    with responses.RequestsMock() as mock:
        mock.add(responses.GET, JWKS_URL, status=503)
        app = create_app(dataclasses.replace(settings, backstage_base_url=BASE), bind_database=False)
        assert _get(app.test_client(), _token()).status_code == 401


def test_ownership_comes_from_the_ent_claim_when_present(backstage_client):
    me = backstage_client.get("/api/v1/me", headers={"Authorization": f"Bearer {_token()}"}).json
    assert me["subject"] == "user:default/alice"
    assert me["kind"] == "backstage_user"
    assert me["ownership"] == ["user:default/alice", "group:default/team-a"]


def test_without_ent_ownership_comes_from_userinfo_once_per_token(backstage_client, jwks):
    jwks.add(responses.GET, f"{BASE}/api/auth/v1/userinfo",
             json={"claims": {"sub": "user:default/alice", "ent": ["user:default/alice", "group:default/team-z"]}})
    token = _token(_claims(ent=None))
    for _ in range(2):
        me = backstage_client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).json
        assert me["ownership"] == ["user:default/alice", "group:default/team-z"]
    userinfo_calls = [c for c in jwks.calls if c.request.url.endswith("/userinfo")]
    assert len(userinfo_calls) == 1
    assert userinfo_calls[0].request.headers["Authorization"] == f"Bearer {token}"


def test_a_backstage_user_acts_on_resources_of_their_group_only(backstage_client):
    template = TemplateVersionFactory().template
    ours = make_resource(template, name="ours", owner="group:default/team-a")
    theirs = make_resource(template, name="theirs", owner="group:default/team-b")
    headers = {"Authorization": f"Bearer {_token()}"}
    assert backstage_client.post(f"/api/v1/resources/{ours.id}/provision", headers=headers).status_code == 202
    # Another group's resource is not even visible to them.
    assert backstage_client.post(f"/api/v1/resources/{theirs.id}/provision", headers=headers).status_code == 404
    assert backstage_client.get(f"/api/v1/resources/{theirs.id}", headers=headers).status_code == 404


def test_users_are_recorded_on_first_sight(backstage_client):
    newcomer = f"user:default/newcomer-{time.time_ns()}"
    assert _get(backstage_client, _token(_claims(sub=newcomer))).status_code == 200
    users = backstage_client.get("/api/v1/users/?page_size=100", headers=bearer(make_token("admin"))).json
    assert newcomer in [u["ref"] for u in users]
    member = backstage_client.get("/api/v1/users/", headers=bearer(make_token("member", "nosy")))
    assert member.status_code == 403
