"""Integrations: values sealed at once, never shown; grants decide who may attach them; keys rotate."""

import pytest
from cryptography.fernet import Fernet
from factories.auth import ADMIN, bearer, make_token
from factories.templates import TemplateVersionFactory

from service import db
from service.crypto import SecretBox
from service.integrations import integration_service
from service.integrations.integration_model import Integration

SECRET = "AKIA-very-secret-value-1234"


def _create(client, headers, **body):
    payload = {"name": "aws-dev", "kind": "aws",
               "values": {"AWS_ACCESS_KEY_ID": "AKIAEXAMPLE", "AWS_SECRET_ACCESS_KEY": SECRET}, **body}
    return client.post("/api/v1/integrations/", json=payload, headers=headers)


def test_values_are_encrypted_and_never_returned(client, admin):
    response = _create(client, admin)
    assert response.status_code == 201
    assert response.json["variable_names"] == ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"]
    listed = client.get("/api/v1/integrations/", headers=admin)
    audit = client.get("/api/v1/audit-logs/?entity_type=integration", headers=admin)
    for body in (response, listed, audit):
        assert SECRET not in body.get_data(as_text=True)
    stored = db.session.get(Integration, response.json["id"]).sealed_values
    assert SECRET.encode() not in stored


@pytest.mark.parametrize(
    ("kind", "values", "field"),
    [("aws", {"AWS_ACCESS_KEY_ID": "x"}, "AWS_SECRET_ACCESS_KEY"),
     ("env", {"PATH": "/evil"}, "PATH"),
     ("env", {"TF_HTTP_ADDRESS": "http://evil"}, "TF_HTTP_ADDRESS"),
     ("azure", {"ARM_CLIENT_ID": "a", "ARM_CLIENT_SECRET": "b", "ARM_TENANT_ID": "c", "ARM_SUBSCRIPTION_ID": "d",
                "EXTRA": "e"}, "EXTRA")],
)
def test_values_that_do_not_fit_the_kind_are_422(client, admin, kind, values, field):
    response = _create(client, admin, kind=kind, values=values)
    assert response.status_code == 422
    assert field in response.json["errors"]["values"]


def test_members_cannot_create_integrations(client, db_session):
    assert _create(client, bearer(make_token("member"))).status_code == 403


def test_a_member_may_attach_only_what_was_granted(client, admin):
    integration = _create(client, admin).json
    template = TemplateVersionFactory().template
    member = bearer(make_token("member", "dev"))
    body = {"name": "web", "template_id": str(template.id), "variables": {"name": "x"},
            "integration_ids": [integration["id"]]}
    assert client.post("/api/v1/resources/", json=body, headers=member).status_code == 403
    client.post(f"/api/v1/integrations/{integration['id']}/grants", json={"subject": "service-account:dev"},
                headers=admin)
    created = client.post("/api/v1/resources/", json=body, headers=member)
    assert created.status_code == 201
    assert created.json["integration_ids"] == [integration["id"]]
    # In use: it cannot be deleted from under the resource.
    assert client.delete(f"/api/v1/integrations/{integration['id']}", headers=admin).status_code == 409


def test_rotation_re_encrypts_with_the_newest_key(client, admin):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    values = {"TOKEN": "rotate-me-please"}
    integration = integration_service.create_integration(ADMIN, SecretBox([old]), "rot", "env", values)
    assert integration_service.rotate_keys(SecretBox([new, old])) >= 1
    db.session.refresh(integration)
    assert SecretBox([new]).open(integration.sealed_values) == values


@pytest.mark.parametrize("name", ["LD_PRELOAD", "LD_LIBRARY_PATH", "PYTHONPATH", "TF_CLI_CONFIG_FILE",
                                  "TF_PLUGIN_CACHE_DIR", "HOME", "PATH", "NODE_OPTIONS", "BASH_ENV", "GIT_SSH_COMMAND",
                                  "SSL_CERT_FILE", "ld_preload"])
def test_env_variables_that_change_how_programs_load_are_422_naming_them(client, admin, name):
    response = _create(client, admin, kind="env", values={name: "/tmp/x"})
    assert response.status_code == 422
    assert response.json["errors"]["values"][name][0].startswith(f"{name} ")
