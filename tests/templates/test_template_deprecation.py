"""Deprecated templates and versions: shown, marked, never picked for new resources; existing ones keep working."""

import pytest
from factories.auth import bearer, make_token
from factories.modules import write_module


@pytest.fixture
def versions(client, admin, tmp_path):
    """A template with versions 1.0.0 and 2.0.0 of the greeter module."""
    template = client.post("/api/v1/templates/", json={"name": "greeter"}, headers=admin).json
    made = {}
    for version in ("1.0.0", "2.0.0"):
        response = client.post(f"/api/v1/templates/{template['id']}/versions", headers=admin, json={
            "version": version, "source": {"url": str(write_module(tmp_path / version))}})
        assert response.status_code == 201, response.json
        made[version] = response.json
    return template, made


def _deprecate(client, headers, path, deprecated=True):
    return client.patch(f"/api/v1/templates/{path}", json={"deprecated": deprecated}, headers=headers)


def _create(client, admin, template, name, **body):
    return client.post("/api/v1/resources/", headers=admin, json={
        "name": name, "template_id": template["id"], "variables": {"name": "x"}, **body})


def test_a_deprecated_version_is_never_the_default_nor_usable(client, admin, versions):
    template, made = versions
    assert _deprecate(client, admin, f"{template['id']}/versions/{made['2.0.0']['id']}").json["deprecated"] is True

    assert _create(client, admin, template, "a").json["template_version"] == "1.0.0"
    named = _create(client, admin, template, "b", template_version_id=made["2.0.0"]["id"])
    assert named.status_code == 422 and "template_version_id" in named.json["errors"]
    listed = client.get(f"/api/v1/templates/{template['id']}/versions?deprecated=false", headers=admin).json
    assert [v["version"] for v in listed] == ["1.0.0"]
    everything = client.get(f"/api/v1/templates/{template['id']}/versions", headers=admin).json
    assert {v["version"]: v["deprecated"] for v in everything} == {"1.0.0": False, "2.0.0": True}


def test_a_deprecated_template_takes_no_new_resources_but_its_resources_keep_working(client, admin, versions):
    template, _ = versions
    existing = _create(client, admin, template, "old").json
    assert _deprecate(client, admin, template["id"]).json["deprecated"] is True

    refused = _create(client, admin, template, "new")
    assert refused.status_code == 422 and "template_id" in refused.json["errors"]
    assert client.post(f"/api/v1/resources/{existing['id']}/provision", headers=admin).status_code == 202
    assert client.get("/api/v1/templates/?deprecated=false", headers=admin).json == []

    assert _deprecate(client, admin, template["id"], deprecated=False).json["deprecated"] is False
    assert _create(client, admin, template, "new").status_code == 201
    trail = client.get(f"/api/v1/audit-logs/?entity_id={template['id']}", headers=admin).json
    assert {"template.deprecate", "template.undeprecate"} <= {entry["action"] for entry in trail}


def test_only_template_writers_deprecate(client, admin, versions):
    template, made = versions
    member = bearer(make_token("member", "dev"))
    assert _deprecate(client, member, template["id"]).status_code == 403
    assert _deprecate(client, member, f"{template['id']}/versions/{made['1.0.0']['id']}").status_code == 403
    assert client.patch(f"/api/v1/templates/{template['id']}", json={}, headers=admin).status_code == 422


def test_a_resource_shows_its_template_version_and_last_run(client, admin, versions):
    template, _ = versions
    resource = _create(client, admin, template, "shown").json
    assert (resource["template_name"], resource["template_version"], resource["last_run"]) == ("greeter", "2.0.0",
                                                                                               None)
    run = client.post(f"/api/v1/resources/{resource['id']}/provision", headers=admin).json
    listed = client.get("/api/v1/resources/", headers=admin).json[0]
    assert listed["last_run"]["id"] == run["id"] and listed["last_run"]["status"] == "queued"


def test_a_version_lifecycle_is_set_by_patch_and_the_deprecated_flag_still_maps_onto_it(client, admin, versions):
    template, made = versions
    path = f"/api/v1/templates/{template['id']}/versions/{made['1.0.0']['id']}"
    archived = client.patch(path, json={"lifecycle": "archived"}, headers=admin).json
    assert (archived["lifecycle"], archived["deprecated"]) == ("archived", True)
    restored = client.patch(path, json={"deprecated": False}, headers=admin).json
    assert (restored["lifecycle"], restored["deprecated"]) == ("active", False)
    for body in ({}, {"lifecycle": "active", "deprecated": False}, {"lifecycle": "retired"}):
        assert client.patch(path, json=body, headers=admin).status_code == 422
    listed = client.get(f"/api/v1/templates/{template['id']}/versions?lifecycle=active", headers=admin).json
    assert sorted(v["version"] for v in listed) == ["1.0.0", "2.0.0"]
    golden = client.get("/api/v1/golden-state/", headers=admin).json["templates"]
    assert [(t["template_name"], t["golden_version"]) for t in golden] == [("greeter", "2.0.0")]
    member = bearer(make_token("member"))
    assert client.patch(path, json={"lifecycle": "preview"}, headers=member).status_code == 403
