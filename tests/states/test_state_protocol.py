"""The HTTP state backend's protocol, as the engine's http client speaks it."""

import base64
import dataclasses
import hashlib
import json

import pytest
from factories.auth import bearer, make_token
from factories.resources import make_resource
from factories.templates import TemplateVersionFactory

from service.app import create_app

LOCK = {"ID": "lock-a", "Operation": "OperationTypeApply", "Info": "", "Who": "alice@laptop", "Version": "1.10.0",
        "Created": "2026-11-28T12:00:00Z", "Path": ""}


def basic(token: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"anyone:{token}".encode()).decode()}


@pytest.fixture
def admin(db_session):
    return basic(make_token("admin"))


@pytest.fixture
def url(db_session):
    template = TemplateVersionFactory().template
    return f"/api/v1/resources/{make_resource(template).id}/state"


def _state(serial=1, **extra):
    return json.dumps({"version": 4, "serial": serial, "lineage": "l-1", "resources": [], **extra}).encode()


def test_no_state_yet_is_204(client, admin, url):
    assert client.get(url, headers=admin).status_code == 204


def test_a_write_becomes_the_current_state_and_a_version(client, admin, url):
    body = _state(serial=3)
    md5 = base64.b64encode(hashlib.md5(body).digest()).decode()  # noqa: S324
    assert client.post(url, data=body, headers={**admin, "Content-MD5": md5}).status_code == 200
    assert client.get(url, headers=admin).data == body
    versions = client.get(f"{url}/versions", headers=admin).json
    assert [(v["serial"], v["size"]) for v in versions] == [(3, len(body))]
    assert client.get(f"{url}/versions/{versions[0]['id']}/body", headers=admin).data == body


def test_a_body_that_does_not_match_its_md5_is_refused(client, admin, url):
    response = client.post(url, data=_state(), headers={**admin, "Content-MD5": "AAAAAAAAAAAAAAAAAAAAAA=="})
    assert response.status_code == 422


def test_a_second_lock_gets_423_with_the_holders_lock_json(client, admin, url):
    assert client.open(f"{url}/lock", method="LOCK", json=LOCK, headers=admin).status_code == 200
    response = client.open(f"{url}/lock", method="LOCK", json={**LOCK, "ID": "lock-b"}, headers=admin)
    assert response.status_code == 423
    assert response.json["ID"] == "lock-a"
    assert response.json["Who"] == "alice@laptop"
    # A retried LOCK by the holder itself is fine.
    assert client.open(f"{url}/lock", method="LOCK", json=LOCK, headers=admin).status_code == 200


def test_while_locked_writes_need_the_matching_id(client, admin, url):
    client.open(f"{url}/lock", method="LOCK", json=LOCK, headers=admin)
    refused = client.post(url, data=_state(), headers=admin)
    assert refused.status_code == 409
    assert refused.json["ID"] == "lock-a"
    assert client.post(f"{url}?ID=lock-b", data=_state(), headers=admin).status_code == 409
    assert client.post(f"{url}?ID=lock-a", data=_state(), headers=admin).status_code == 200


def test_gitlab_style_post_and_delete_lock(client, admin, url):
    assert client.post(f"{url}/lock", json=LOCK, headers=admin).status_code == 200
    assert client.get(f"{url}/lock-status", headers=admin).json["holder"] == "service-account:test-admin"
    assert client.delete(f"{url}/lock", json=LOCK, headers=admin).status_code == 200
    assert client.get(f"{url}/lock-status", headers=admin).json == {"locked": False}


def test_force_unlock_is_for_admins_and_audited(client, admin):
    template = TemplateVersionFactory(template__name="owned").template
    url = f"/api/v1/resources/{make_resource(template, owner='service-account:test-member').id}/state"
    member = basic(make_token("member"))
    client.open(f"{url}/lock", method="LOCK", json=LOCK, headers=member)
    assert client.open(f"{url}/lock", method="UNLOCK", json={"ID": "wrong"}, headers=member).status_code == 409
    assert client.open(f"{url}/lock", method="UNLOCK", json={}, headers=admin).status_code == 200
    resource_id = url.split("/")[4]
    audit = client.get(f"/api/v1/audit-logs/?entity_id={resource_id}&action=state.force_unlock",
                       headers=bearer(make_token("admin", "auditor"))).json
    assert audit[0]["before"] == {"lock_id": "lock-a", "holder": "service-account:test-member"}


def test_encrypted_state_is_stored_without_being_read(client, admin, url):
    body = json.dumps({"meta": {"key_provider.pbkdf2.x": "e30="}, "encrypted_data": "c2VjcmV0",
                       "encryption_version": "v0"}).encode()
    assert client.post(url, data=body, headers=admin).status_code == 200
    assert client.get(url, headers=admin).data == body
    assert client.get(f"{url}/versions", headers=admin).json[0]["serial"] is None


def test_rollback_makes_an_old_version_current_again(client, admin, url):
    client.post(url, data=_state(serial=1), headers=admin)
    client.post(url, data=_state(serial=2), headers=admin)
    first = client.get(f"{url}/versions?sort=id", headers=admin).json[0]
    member = basic(make_token("member"))
    assert client.post(f"{url}/versions/{first['id']}/rollback", headers=member).status_code == 403
    response = client.post(f"{url}/versions/{first['id']}/rollback", headers=admin)
    assert response.status_code == 201
    assert json.loads(client.get(url, headers=admin).data)["serial"] == 1
    assert len(client.get(f"{url}/versions", headers=admin).json) == 3


def test_viewers_may_not_read_state_which_can_hold_secrets(client, url):
    assert client.get(url, headers=basic(make_token("viewer"))).status_code == 403


def test_state_of_an_unknown_resource_is_404(client, admin):
    assert client.get("/api/v1/resources/7d3c9b8a-0000-4000-8000-000000000000/state", headers=admin).status_code == 404


def test_a_state_over_the_limit_is_413(settings, db_session):
    small = create_app(dataclasses.replace(settings, max_state_bytes=2048), bind_database=False)
    template = TemplateVersionFactory().template
    url = f"/api/v1/resources/{make_resource(template).id}/state"
    response = small.test_client().post(url, data=_state(padding="x" * 4096), headers=basic(make_token("admin")))
    assert response.status_code == 413


def test_a_non_json_state_is_refused(client, admin, url):
    assert client.post(url, data=b"not json", headers=admin).status_code == 422
