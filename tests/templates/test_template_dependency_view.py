"""Template dependencies over HTTP: declared by platform engineers, listed from both sides, removed."""

import pytest
from factories.auth import bearer, make_token
from factories.modules import APP_TF, NETWORK_TF
from factories.templates import TemplateVersionFactory

WIRING = [{"output": "network_id", "variable": "network_id"}]


@pytest.fixture
def templates(db_session):
    return (TemplateVersionFactory(template__name="net", main_tf=NETWORK_TF).template,
            TemplateVersionFactory(template__name="web", main_tf=APP_TF).template)


def test_declare_list_and_remove(client, admin, templates):
    network, web = templates
    created = client.post(f"/api/v1/templates/{web.id}/dependencies", headers=admin,
                          json={"parent_template_id": str(network.id), "wiring": WIRING})
    assert (created.status_code, created.json["required"], created.json["wiring"]) == (201, True, WIRING)
    assert [d["id"] for d in client.get(f"/api/v1/templates/{web.id}/dependencies", headers=admin).json] == \
        [created.json["id"]]
    children = client.get(f"/api/v1/templates/{network.id}/dependencies?direction=children", headers=admin).json
    assert [d["template_id"] for d in children] == [str(web.id)]
    path = f"/api/v1/templates/{web.id}/dependencies/{created.json['id']}"
    assert client.delete(path, headers=admin).status_code == 204
    assert client.delete(path, headers=admin).status_code == 404
    assert client.get(f"/api/v1/templates/{web.id}/dependencies", headers=admin).json == []


def test_a_cycle_is_409(client, admin, templates):
    network, web = templates
    assert client.post(f"/api/v1/templates/{web.id}/dependencies", headers=admin,
                       json={"parent_template_id": str(network.id)}).status_code == 201
    cycle = client.post(f"/api/v1/templates/{network.id}/dependencies", headers=admin,
                        json={"parent_template_id": str(web.id)})
    assert (cycle.status_code, "cycle" in cycle.json["message"]) == (409, True)


def test_bad_wiring_is_422_per_variable(client, admin, templates):
    network, web = templates
    bad = client.post(f"/api/v1/templates/{web.id}/dependencies", headers=admin,
                      json={"parent_template_id": str(network.id), "wiring": [{"output": "x", "variable": "y"}]})
    assert bad.status_code == 422
    assert bad.json["errors"]["wiring"] == {"y": ["the parent has no output 'x'", "this template has no variable 'y'"]}


def test_members_may_read_but_not_declare(client, templates):
    (network, web), member = templates, bearer(make_token("member"))
    web_id = web.id  # a refused request rolls back (and expires) the session the test shares
    assert client.post(f"/api/v1/templates/{web_id}/dependencies", headers=member,
                       json={"parent_template_id": str(network.id)}).status_code == 403
    assert client.get(f"/api/v1/templates/{web_id}/dependencies", headers=member).status_code == 200


def test_an_unknown_parent_template_is_422_on_the_field(client, admin, templates):
    _, web = templates
    response = client.post(f"/api/v1/templates/{web.id}/dependencies", headers=admin,
                           json={"parent_template_id": "6f1d4b2e-a821-4c3a-843d-a67b4ad7ad2e"})
    assert (response.status_code, response.json["errors"]) == (422, {"parent_template_id": ["no such template"]})
