"""Bearer service-account tokens guard every /api/v1 endpoint except health and the API docs."""

import dataclasses
from datetime import timedelta

import pytest
from factories.auth import bearer, make_token

from service import crypto, db
from service.app import create_app
from service.auth import auth_service
from service.auth.auth_model import ServiceAccount


def test_no_token_is_401_with_a_json_body(client, db_session):
    response = client.get("/api/v1/templates/")
    assert response.status_code == 401
    assert response.json["status"] == "Unauthorized"
    assert "Authorization" in response.json["message"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("header", ["Bearer nope", "Basic dXNlcjpwYXNz", "Bearer", "ik_something", "Bearer  "])
def test_a_wrong_or_malformed_token_is_401(client, db_session, header):
    response = client.get("/api/v1/resources/", headers={"Authorization": header})
    assert response.status_code == 401


def test_a_valid_token_is_accepted_and_its_use_recorded(client, db_session):
    token = make_token("viewer", "reader")
    response = client.get("/api/v1/templates/", headers=bearer(token))
    assert response.status_code == 200
    account = db.session.query(ServiceAccount).filter_by(name="reader").one()
    assert account.last_used_at is not None


def test_a_revoked_token_is_401(client, db_session):
    token = make_token("admin", "gone")
    account = db.session.query(ServiceAccount).filter_by(name="gone").one()
    account.revoked_at = db.utcnow()
    db.session.flush()
    assert client.get("/api/v1/templates/", headers=bearer(token)).json["message"] == "token revoked"


def test_an_expired_token_is_401(client, db_session):
    _, token = auth_service.create_service_account("short", "admin", db.utcnow() - timedelta(seconds=1))
    response = client.get("/api/v1/templates/", headers=bearer(token))
    assert response.status_code == 401
    assert response.json["message"] == "token expired"


def test_only_the_hash_of_a_token_is_stored(db_session):
    account, token = auth_service.create_service_account("hashed", "member")
    assert token.startswith("ik_")
    assert token not in (account.token_hash, account.token_prefix)
    assert account.token_hash == crypto.hash_token(token)


def test_health_and_docs_need_no_token(client, db_session):
    assert client.get("/api/v1/health").status_code == 200
    assert client.get("/api/v1/openapi.json").status_code == 200


def test_a_viewer_cannot_create_a_template(client, db_session):
    response = client.post("/api/v1/templates/", json={"name": "x"}, headers=bearer(make_token("viewer")))
    assert response.status_code == 403
    assert "templates:write" in response.json["message"]


def test_a_duplicate_account_name_is_a_conflict(db_session):
    auth_service.create_service_account("dup", "admin")
    with pytest.raises(Exception, match="already exists"):
        auth_service.create_service_account("dup", "admin")


def test_guest_access_is_off_unless_enabled_and_then_has_its_role(settings, db_session):
    assert create_app(settings, bind_database=False).test_client().get("/api/v1/me").status_code == 401
    guest_app = create_app(dataclasses.replace(settings, guest_role="viewer"), bind_database=False)
    client = guest_app.test_client()
    assert client.get("/api/v1/me").json == {"subject": "guest", "kind": "guest", "role": "viewer", "ownership": []}
    assert client.post("/api/v1/templates/", json={"name": "x"}).status_code == 403
