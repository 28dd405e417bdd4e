"""Sensitive variable values are sealed with the key ring before they reach the database, on both backends, and
the embedded database's files are private to the service's user."""

import os
import stat
import uuid

import pytest
from cryptography.fernet import Fernet
from factories.auth import make_token
from factories.modules import GREETER_TF
from sqlalchemy import text
from support import Api

from celery_tasks.celery_app import publisher
from service import crypto, db, messaging
from service.app import create_app
from service.config import load_settings
from service.migrate import upgrade
from service.resources import resource_service
from service.resources.resource_model import Resource

SECRET = "tok-at-rest-8c1f2e"


@pytest.fixture
def embedded(tmp_path, app, engine):
    """The test client of an app on the embedded default (SQLite in `tmp_path`); the session's database binding,
    key ring and message publisher come back afterwards."""
    settings = load_settings({"INFRAKITCHEN_DATA_DIR": str(tmp_path / "data"), "PATH": os.environ["PATH"]})
    settings.data_dir.mkdir(mode=0o700)  # as `infrakitchen serve` does
    upgrade(settings.database_url)
    yield create_app(settings).test_client(), tmp_path / "data"
    db.bind(engine)
    crypto.set_key_ring(app.extensions["secret_box"])
    messaging.set_publisher(publisher(app.extensions["infrakitchen_celery"]))


def _create(client, tmp_path, token) -> dict:
    api = Api(client, token)
    template = api.template(tmp_path, "greeter", GREETER_TF)
    return api.resource(template, "sealed", {"name": "x", "token": SECRET})


def test_no_database_file_of_the_embedded_default_holds_a_sensitive_value(embedded, tmp_path):
    client, data_dir = embedded
    resource = _create(client, tmp_path, make_token("admin"))
    assert resource["variables"]["token"] == "(sensitive)"
    files = [p for p in data_dir.iterdir() if p.name.startswith("infrakitchen.db")]
    assert {p.name for p in files} >= {"infrakitchen.db", "infrakitchen.db-wal"}
    for path in files:
        assert SECRET.encode() not in path.read_bytes(), path.name
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
    assert db.session.get(Resource, uuid.UUID(resource["id"])).secret_variables == {"token": SECRET}  # still opens


def test_postgresql_holds_only_the_sealed_value(client, db_session, tmp_path):
    resource = _create(client, tmp_path, make_token("admin"))
    row, found_in_sealed = db.session.execute(text(
        "SELECT row_to_json(r)::text, position(convert_to(:secret, 'UTF8') in r.sealed_secret_variables) "
        "FROM resources r WHERE id = :id"), {"id": resource["id"], "secret": SECRET}).one()
    assert SECRET not in row and found_in_sealed == 0
    assert '"secret_names":["token"]' in row  # the name stays readable, to show it masked
    assert resource_service.run_variables(uuid.UUID(resource["id"]))[0]["token"] == SECRET


def test_rotation_reseals_sensitive_values_with_the_newest_key(client, db_session, tmp_path, app):
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    try:
        crypto.set_key_ring(crypto.SecretBox([old_key]))
        resource = _create(client, tmp_path, make_token("admin"))
        crypto.set_key_ring(crypto.SecretBox([new_key, old_key]))
        assert resource_service.reseal_secrets() == 1
        db.session.expire_all()
        crypto.set_key_ring(crypto.SecretBox([new_key]))  # the old key dropped
        assert db.session.get(Resource, uuid.UUID(resource["id"])).secret_variables == {"token": SECRET}
    finally:
        crypto.set_key_ring(app.extensions["secret_box"])
