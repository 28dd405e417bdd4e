"""`/me` and service accounts through the API and the CLI."""

import os
import subprocess
import sys

from factories.auth import bearer, make_token


def test_me_describes_the_caller(client, db_session):
    body = client.get("/api/v1/me", headers=bearer(make_token("viewer", "looker"))).json
    assert body == {"subject": "service-account:looker", "kind": "service_account", "role": "viewer",
                    "ownership": []}


def test_an_admin_creates_a_service_account_and_sees_its_token_once(client, db_session):
    admin = bearer(make_token("admin"))
    created = client.post("/api/v1/service-accounts/", json={"name": "ci-bot", "role": "member"}, headers=admin)
    assert created.status_code == 201
    token = created.json["token"]
    assert client.get("/api/v1/me", headers=bearer(token)).json["role"] == "member"
    listed = client.get("/api/v1/service-accounts/", headers=admin).json
    assert "ci-bot" in [a["name"] for a in listed]
    assert token not in str(listed)


def test_revoking_stops_the_token_at_once_and_is_audited(client, db_session):
    admin = bearer(make_token("admin"))
    created = client.post("/api/v1/service-accounts/", json={"name": "old", "role": "viewer"}, headers=admin).json
    response = client.post(f"/api/v1/service-accounts/{created['id']}/revoke", headers=admin)
    assert response.json["revoked_at"]
    assert client.get("/api/v1/me", headers=bearer(created["token"])).status_code == 401
    actions = [e["action"] for e in client.get(f"/api/v1/audit-logs/?entity_id={created['id']}", headers=admin).json]
    assert actions == ["service_account.revoke", "service_account.create"]


def test_only_admins_manage_service_accounts(client, db_session):
    platform = bearer(make_token("platform"))
    assert client.get("/api/v1/service-accounts/", headers=platform).status_code == 403
    response = client.post("/api/v1/service-accounts/", json={"name": "x", "role": "admin"}, headers=platform)
    assert response.status_code == 403


def test_a_bad_role_is_422(client, db_session):
    response = client.post("/api/v1/service-accounts/", json={"name": "x", "role": "god"},
                           headers=bearer(make_token("admin")))
    assert response.status_code == 422


def test_cli_revoke(base_env, app, committed_db):
    env = {**os.environ, **base_env}
    token = subprocess.run([sys.executable, "-m", "service.cli", "token", "create", "--name", "temp", "--role",
                            "viewer"], env=env, capture_output=True, text=True, check=True).stdout.strip()
    done = subprocess.run([sys.executable, "-m", "service.cli", "token", "revoke", "--name", "temp"], env=env,
                          capture_output=True, text=True)
    assert (done.returncode, done.stdout.strip()) == (0, "revoked temp")
    assert app.test_client().get("/api/v1/me", headers=bearer(token)).status_code == 401
