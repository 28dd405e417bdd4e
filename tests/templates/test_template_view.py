"""Templates and versions through the HTTP API."""

import json

import pytest
from factories.auth import ADMIN
from factories.modules import FAILING_TF, GREETER_TF, git, git_repo_with_module, write_module

from service.templates import template_service
from service.templates.module_archive import ModuleLimits
from service.templates.module_source import ModuleSource
from service.templates.template_service import InvalidModule, SourceLimits


def _template(client, admin, name="greeter", **extra):
    response = client.post("/api/v1/templates/", json={"name": name, **extra}, headers=admin)
    assert response.status_code == 201, response.json
    return response.json


def test_create_and_read_a_template(client, admin):
    created = _template(client, admin, description="says hello", requires_approval=True)
    fetched = client.get(f"/api/v1/templates/{created['id']}", headers=admin).json
    assert fetched["name"] == "greeter"
    assert fetched["requires_approval"] is True
    assert fetched["created_by"] == "service-account:test-admin"


def test_a_template_names_the_catalog_type_of_its_resources(client, admin):
    created = _template(client, admin, catalog_type="s3-bucket")
    assert created["catalog_type"] == "s3-bucket"
    url = f"/api/v1/templates/{created['id']}"
    assert client.patch(url, json={"catalog_type": "database"}, headers=admin).json["catalog_type"] == "database"
    assert client.patch(url, json={"catalog_type": None}, headers=admin).json["catalog_type"] is None
    refused = client.patch(url, json={"catalog_type": "S3 Bucket"}, headers=admin)
    assert refused.status_code == 422 and "catalog_type" in refused.json["errors"]["json"]
    assert _template(client, admin, name="plain")["catalog_type"] is None


def test_a_duplicate_template_name_is_409(client, admin):
    _template(client, admin)
    response = client.post("/api/v1/templates/", json={"name": "greeter"}, headers=admin)
    assert response.status_code == 409


def test_templates_list_is_paginated_with_a_total(client, admin):
    for i in range(3):
        _template(client, admin, name=f"t{i}")
    response = client.get("/api/v1/templates/?page=1&page_size=2&sort=-name", headers=admin)
    assert [t["name"] for t in response.json] == ["t2", "t1"]
    assert json.loads(response.headers["X-Pagination"])["total"] == 3


def test_an_unknown_template_is_404(client, admin):
    response = client.get("/api/v1/templates/00000000-0000-0000-0000-000000000000", headers=admin)
    assert response.status_code == 404


def test_a_version_from_a_git_repo_exposes_variables_and_outputs(client, admin, tmp_path):
    repo = git_repo_with_module(tmp_path / "repo")
    template = _template(client, admin)
    response = client.post(
        f"/api/v1/templates/{template['id']}/versions",
        json={"version": "1.0.0", "source": {"url": f"file://{repo}", "ref": "v1.0.0", "path": "modules/greeter"}},
        headers=admin,
    )
    assert response.status_code == 201, response.json
    body = response.json
    variables = {v["name"]: v for v in body["variables"]}
    assert variables["name"]["required"] is True
    assert variables["name"]["type"] == "string"
    assert variables["count_of"] == {**variables["count_of"], "required": False, "default": 1, "type": "number"}
    assert variables["token"]["sensitive"] is True
    assert {o["name"]: o["sensitive"] for o in body["outputs"]} == {"greetings": False, "token_echo": True}
    assert body["source"]["commit"] == git(repo, "rev-parse", "HEAD")


def test_a_sensitive_default_is_not_shown(client, admin, tmp_path):
    module = write_module(tmp_path / "m", 'variable "pw" {\n  sensitive = true\n  default = "hunter22"\n}\n')
    template = _template(client, admin)
    response = client.post(
        f"/api/v1/templates/{template['id']}/versions",
        json={"version": "1", "source": {"url": str(module)}},
        headers=admin,
    )
    assert response.status_code == 201
    assert "hunter22" not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ({"url": "/definitely/not/here"}, "not"),
        ({"url": "ftp://example.com/x"}, "ftp"),
        ({"url": "REPO", "ref": "no-such-ref"}, "no-such-ref"),
        ({"url": "REPO", "path": "missing/dir"}, "missing/dir"),
        ({"url": "REPO", "path": "../../etc"}, ".."),
    ],
)
def test_a_bad_source_is_422_with_the_reason(client, admin, tmp_path, source, reason):
    repo = git_repo_with_module(tmp_path / "repo")
    source = {k: (f"file://{repo}" if v == "REPO" else v) for k, v in source.items()}
    template = _template(client, admin)
    response = client.post(
        f"/api/v1/templates/{template['id']}/versions", json={"version": "1.0.0", "source": source}, headers=admin
    )
    assert response.status_code == 422, response.json
    assert reason in json.dumps(response.json)


def test_a_module_that_does_not_parse_is_422(client, admin, tmp_path):
    module = write_module(tmp_path / "broken", 'variable "x" {\n  type = \n')
    template = _template(client, admin)
    response = client.post(
        f"/api/v1/templates/{template['id']}/versions",
        json={"version": "1.0.0", "source": {"url": str(module)}},
        headers=admin,
    )
    assert response.status_code == 422
    assert "main.tf" in response.json["message"]


def test_a_duplicate_version_is_409(client, admin, tmp_path):
    module = write_module(tmp_path / "m", FAILING_TF)
    template = _template(client, admin)
    url = f"/api/v1/templates/{template['id']}/versions"
    assert client.post(url, json={"version": "1", "source": {"url": str(module)}}, headers=admin).status_code == 201
    assert client.post(url, json={"version": "1", "source": {"url": str(module)}}, headers=admin).status_code == 409


def test_credentials_in_a_source_url_are_not_stored_or_shown(client, admin, tmp_path):
    module = write_module(tmp_path / "m", GREETER_TF)
    template = _template(client, admin)
    response = client.post(
        f"/api/v1/templates/{template['id']}/versions",
        json={"version": "1", "source": {"url": "https://user:s3cretpass@127.0.0.1:9/x.git"}},
        headers=admin,
    )
    assert response.status_code == 422
    assert "s3cretpass" not in response.get_data(as_text=True)
    assert module.exists()


def test_versions_are_listed_newest_first(client, admin, tmp_path):
    module = write_module(tmp_path / "m")
    template = _template(client, admin)
    url = f"/api/v1/templates/{template['id']}/versions"
    for version in ("1.0.0", "1.1.0"):
        client.post(url, json={"version": version, "source": {"url": str(module)}}, headers=admin)
    assert [v["version"] for v in client.get(url, headers=admin).json] == ["1.1.0", "1.0.0"]


def test_a_page_far_past_the_end_is_empty_not_an_error(client, admin):
    _template(client, admin)
    response = client.get("/api/v1/templates/?page=4078247178753252232527872", headers=admin)
    assert response.status_code == 200
    assert response.json == []
    assert json.loads(response.headers["X-Pagination"])["total"] == 1


def test_local_sources_can_be_switched_off(db_session, tmp_path):
    template = template_service.create_template(ADMIN, "remote-only")
    with pytest.raises(InvalidModule, match="ALLOW_LOCAL_SOURCES"):
        template_service.create_version(ADMIN, template.id, "1", ModuleSource(url=str(write_module(tmp_path / "m"))),
                                        SourceLimits(ModuleLimits(), allow_local=False))
