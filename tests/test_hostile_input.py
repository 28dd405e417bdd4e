"""Input an attacker would send: every piece answers 4xx with a clear message, never a 500 or a stack trace."""

import json
import logging

import pytest
from factories.auth import bearer, make_token
from factories.resources import make_resource
from factories.templates import TemplateVersionFactory

DEEP = "[" * 100_000 + "]" * 100_000
DEEP_OBJECT = '{"a":' * 100_000 + "1" + "}" * 100_000
LOCK = {"ID": "lock-a", "Operation": "OperationTypeApply", "Info": "", "Who": "alice@laptop", "Version": "1.10.0",
        "Created": "2026-11-28T12:00:00Z", "Path": ""}


def _post(client, path, body: str, headers=None):
    return client.post(path, data=body, headers={"Content-Type": "application/json", **(headers or {})})


@pytest.mark.parametrize("body", [DEEP, DEEP_OBJECT, '{"refresh_token": ' + DEEP + "}"])
@pytest.mark.parametrize("path", ["/api/v1/auth/refresh", "/api/v1/auth/logout"])
def test_deep_json_to_the_unauthenticated_endpoints_is_400(client, path, body, caplog):
    response = _post(client, path, body)
    assert response.status_code == 400
    assert response.json["code"] == 400
    assert "Traceback" not in caplog.text


@pytest.mark.parametrize("body", [DEEP, '{"name": "x", "template_id": "x", "variables": ' + DEEP_OBJECT + "}",
                                  json.dumps({"name": "x", "variables": {"v": [[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]}})
                                  .replace("[[[", "[[[" * 30)])
def test_deep_json_bodies_are_400(client, admin, body):
    response = _post(client, "/api/v1/resources/", body, admin)
    assert response.status_code == 400
    assert "nested deeper" in json.dumps(response.json) or "Invalid JSON" in json.dumps(response.json)


@pytest.fixture
def state_url(db_session):
    return f"/api/v1/resources/{make_resource(TemplateVersionFactory().template).id}/state"


def test_a_lock_body_over_its_size_limit_is_422(client, admin, state_url):
    response = client.open(f"{state_url}/lock", method="LOCK", data=DEEP, headers=admin)
    assert (response.status_code, response.json["message"]) == (422, "the lock body is larger than 65536 bytes")


def test_a_deep_state_body_is_422(client, admin, state_url):
    response = client.post(state_url, data=DEEP_OBJECT.encode(), headers=admin)
    assert response.status_code == 422
    assert "nested deeper" in response.json["message"]


@pytest.mark.parametrize("body", ["[" * 30_000 + "]" * 30_000,  # under the lock body's size limit
                                  json.dumps({**LOCK, "Info": {"x": json.loads("[" * 70 + "]" * 70)}})])
def test_a_deep_lock_body_is_422(client, admin, state_url, body):
    response = client.open(f"{state_url}/lock", method="LOCK", data=body, headers=admin)
    assert response.status_code == 422
    assert "nested deeper" in response.json["message"]


@pytest.mark.parametrize(("lock", "field"), [
    ({**LOCK, "ID": "x" * 201}, "ID"),
    ({**LOCK, "ID": "nul\u0000id"}, "ID"),
    ({**LOCK, "ID": "lone \udc00 surrogate"}, "ID"),
    ({**LOCK, "Info": "a \u0000 in the info"}, "Info"),
])
def test_lock_bodies_the_database_cannot_store_are_422_naming_the_field(client, admin, state_url, lock, field):
    response = client.open(f"{state_url}/lock", method="LOCK", data=json.dumps(lock), headers=admin)
    assert response.status_code == 422
    assert field in response.json["errors"]
    assert client.get(f"{state_url}/lock-status", headers=admin).json["locked"] is False


@pytest.fixture
def admin(db_session):
    return bearer(make_token("admin"))


@pytest.mark.parametrize("path", ["/api/v1/runs/?resourceid=x", "/api/v1/templates/?nmae=x",
                                  "/api/v1/resources/?page=1&status=error&colour=red", "/api/v1/me?debug=1"])
def test_unknown_query_parameters_are_422_naming_them(client, admin, path):
    response = client.get(path, headers=admin)
    assert response.status_code == 422
    unknown = path.rsplit("&", 1)[-1].split("?")[-1].split("=")[0]
    assert list(response.json["errors"]["query"]) == [unknown]


def test_unknown_query_parameters_of_an_anonymous_caller_are_401_first(client, db_session):
    assert client.get("/api/v1/templates/?nmae=x").status_code == 401


def test_declared_query_parameters_still_work(client, admin):
    assert client.get("/api/v1/resources/?page=1&page_size=5&status=error&sort=-name", headers=admin).status_code \
        == 200
    assert client.get("/api/v1/health?probe=1").status_code == 200  # public: a probe may add its own


def test_runs_filter_by_resource(client, admin, db_session):
    template = TemplateVersionFactory().template
    one, other = make_resource(template, name="one"), make_resource(template, name="other")
    for resource in (one, other, other):
        client.post(f"/api/v1/resources/{resource.id}/plan", headers=admin)
    listed = client.get(f"/api/v1/runs/?resource_id={one.id}", headers=admin).json
    assert [run["resource_id"] for run in listed] == [str(one.id)]


def test_bad_input_never_logs_a_traceback(client, admin, caplog):
    caplog.set_level(logging.DEBUG)
    _post(client, "/api/v1/resources/", DEEP, admin)
    client.get("/api/v1/runs/?resourceid=x", headers=admin)
    assert "Traceback" not in caplog.text
