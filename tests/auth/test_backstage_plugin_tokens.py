"""Backstage plugin tokens (service-to-service): the catalog and scaffolder modules call as themselves, with the
role BACKSTAGE_PLUGIN_ROLES gives each, or for a user (`obo`), who then acts with their own role capped at the
plugin's. Each plugin's JWKS is served through `responses`; every forged or wrong token is a 401."""

import dataclasses
import time

import jwt
import pytest
import responses
from factories.backstage import BASE, JWK_1, KEY_1, keypair
from factories.templates import TemplateVersionFactory

from service.app import create_app
from service.auth import auth_service
from service.auth.principal import SYSTEM

CATALOG_KEY, CATALOG_JWK = keypair("catalog-key")
SCAFFOLDER_KEY, SCAFFOLDER_JWK = keypair("scaffolder-key")
USER_JWKS = f"{BASE}/api/auth/.well-known/jwks.json"


def _plugin_jwks(plugin: str) -> str:
    return f"{BASE}/api/{plugin}/.backstage/auth/v1/jwks.json"


@pytest.fixture
def jwks():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(responses.GET, USER_JWKS, json={"keys": [JWK_1]})
        mock.add(responses.GET, _plugin_jwks("catalog"), json={"keys": [CATALOG_JWK]})
        mock.add(responses.GET, _plugin_jwks("scaffolder"), json={"keys": [SCAFFOLDER_JWK]})
        mock.add(responses.GET, f"{BASE}/api/auth/v1/userinfo", json={"claims": {"ent": ["group:default/team-a"]}})
        yield mock


@pytest.fixture
def client(settings, db_session, jwks):
    trusted = dataclasses.replace(settings, backstage_base_url=BASE,
                                  backstage_plugin_roles=(("catalog", "viewer"), ("scaffolder", "member")))
    return create_app(trusted, bind_database=False).test_client()


def _limited(sub="user:default/alice", key=KEY_1, kid="key-1", exp_in=3600) -> str:
    now = int(time.time())
    return jwt.encode({"sub": sub, "iat": now, "exp": now + exp_in}, key, algorithm="ES256",
                      headers={"typ": "vnd.backstage.limited-user", "kid": kid})


def _plugin(sub="catalog", key=CATALOG_KEY, kid="catalog-key", aud="infrakitchen", exp_in=3600, obo=None,
            typ="vnd.backstage.plugin") -> str:
    now = int(time.time())
    claims = {"sub": sub, "aud": aud, "iat": now, "exp": now + exp_in, **({"obo": obo} if obo else {})}
    return jwt.encode(claims, key, algorithm="ES256", headers={"typ": typ, "kid": kid})


def _as(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def _scaffolder(obo=None) -> str:
    return _plugin("scaffolder", SCAFFOLDER_KEY, "scaffolder-key", obo=obo)


def test_a_trusted_plugin_reads_with_its_role(client):
    version = TemplateVersionFactory(template__name="bucket")
    template_id = version.template_id
    assert client.get("/api/v1/catalog/entities", headers=_as(_plugin())).status_code == 200
    created = client.post("/api/v1/resources/", headers=_as(_plugin()),
                          json={"name": "b", "template_id": str(template_id), "variables": {"name": "x"}})
    assert created.status_code == 403  # the catalog is a viewer


def test_a_plugin_says_who_it_is(client):
    me = client.get("/api/v1/me", headers=_as(_plugin())).json
    assert (me["subject"], me["kind"], me["role"]) == ("plugin:catalog", "backstage_plugin", "viewer")


@pytest.mark.parametrize("token", [
    _plugin(aud="catalog"),  # made for another plugin
    _plugin(exp_in=-120),  # expired
    _plugin(sub="catalog", key=SCAFFOLDER_KEY, kid="scaffolder-key"),  # signed with the scaffolder's key
    _plugin(typ="vnd.backstage.user"),  # not a plugin token at all (and not a valid user token)
    _plugin(sub="catalog", obo=_limited(key=CATALOG_KEY, kid="catalog-key")),  # a user token the plugin made up
    _plugin(sub="catalog", obo=_limited(exp_in=-120)),  # the user's token has expired
], ids=["audience", "expired", "other-plugins-key", "user-type", "forged-obo", "expired-obo"])
def test_a_wrong_plugin_token_is_401(client, token):
    response = client.get("/api/v1/resources/", headers=_as(token))
    assert response.status_code == 401, response.json


def test_an_untrusted_plugin_is_refused_before_any_key_is_fetched(client, jwks):
    stranger_key, _ = keypair("stranger")
    response = client.get("/api/v1/resources/", headers=_as(_plugin("kubernetes", stranger_key, "stranger")))
    assert response.status_code == 401
    assert "BACKSTAGE_PLUGIN_ROLES" in response.json["message"]
    assert not any("/api/kubernetes/" in call.request.url for call in jwks.calls)


def test_plugin_tokens_are_refused_when_no_plugin_is_trusted(settings, db_session, jwks):
    untrusting = create_app(dataclasses.replace(settings, backstage_base_url=BASE), bind_database=False)
    response = untrusting.test_client().get("/api/v1/resources/", headers=_as(_plugin()))
    assert response.status_code == 401 and "BACKSTAGE_PLUGIN_ROLES" in response.json["message"]


def test_for_a_user_the_scaffolder_creates_resources_the_user_owns(client):
    version = TemplateVersionFactory(template__name="bucket")
    template_id = version.template_id
    created = client.post("/api/v1/resources/", headers=_as(_scaffolder(obo=_limited())),
                          json={"name": "alices", "template_id": str(template_id), "variables": {"name": "x"}})
    assert created.status_code == 201, created.json
    assert (created.json["owner"], created.json["created_by"]) == ("user:default/alice", "user:default/alice")


def test_acting_for_a_user_never_gives_more_than_the_plugins_role(client):
    auth_service.set_user_role(SYSTEM, "user:default/alice", "admin")
    as_alice = _as(_scaffolder(obo=_limited()))
    assert client.get("/api/v1/service-accounts/", headers=as_alice).status_code == 403  # admin, capped at member
    assert client.get("/api/v1/resources/", headers=as_alice).status_code == 200


def test_acting_for_a_viewer_the_scaffolder_cannot_write(client):
    auth_service.set_user_role(SYSTEM, "user:default/bob", "viewer")
    version = TemplateVersionFactory(template__name="bucket")
    template_id = version.template_id
    refused = client.post("/api/v1/resources/", headers=_as(_scaffolder(obo=_limited("user:default/bob"))),
                          json={"name": "bobs", "template_id": str(template_id), "variables": {"name": "x"}})
    assert refused.status_code == 403
