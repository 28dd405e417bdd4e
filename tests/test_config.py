"""Settings: safe defaults, and a clear error naming the variable for anything missing or malformed."""

import pytest
from cryptography.fernet import Fernet

from service.config import ConfigError, load_settings

KEY = Fernet.generate_key().decode()


def test_no_urls_means_the_embedded_default(tmp_path):
    settings = load_settings({"INFRAKITCHEN_DATA_DIR": str(tmp_path), "PATH": ""})
    assert settings.embedded
    assert settings.database_url == f"sqlite:///{tmp_path}/infrakitchen.db"
    assert settings.broker_url == "filesystem://"
    assert settings.engine_binary is None
    assert settings.allow_local_sources is True


@pytest.mark.parametrize("missing", ["DATABASE_URL", "BROKER_URL", "ENCRYPTION_KEYS"])
def test_production_refuses_the_embedded_defaults(missing):
    env = {"INFRAKITCHEN_ENV": "production", "DATABASE_URL": "postgresql://db/x", "BROKER_URL": "amqp://mq//",
           "ENCRYPTION_KEYS": KEY}
    del env[missing]
    with pytest.raises(ConfigError, match=missing):
        load_settings(env)


def test_production_turns_local_sources_off_and_uses_psycopg():
    settings = load_settings({"INFRAKITCHEN_ENV": "production", "DATABASE_URL": "postgresql://db/x",
                              "BROKER_URL": "amqp://mq//", "ENCRYPTION_KEYS": KEY, "PATH": ""})
    assert settings.allow_local_sources is False
    assert settings.database_url == "postgresql+psycopg://db/x"


@pytest.mark.parametrize(
    ("name", "value"),
    [("APPLY_TIMEOUT_SECONDS", "soon"), ("APPLY_TIMEOUT_SECONDS", "-1"), ("ALLOW_LOCAL_SOURCES", "maybe"),
     ("INFRAKITCHEN_ENV", "staging"), ("ENGINE_BINARY", "no-such-engine-binary"),
     ("ENCRYPTION_KEYS", "not-a-fernet-key"), ("BACKSTAGE_USER_ROLE", "god"),
     ("BACKSTAGE_PLUGIN_ROLES", "catalog"), ("BACKSTAGE_PLUGIN_ROLES", "catalog:god"),
     ("BACKSTAGE_PLUGIN_ROLES", "cat alog:viewer")],
)
def test_a_malformed_setting_names_itself(name, value):
    with pytest.raises(ConfigError, match=name):
        load_settings({name: value, "PATH": ""})


def test_backstage_plugins_are_trusted_each_with_a_role():
    settings = load_settings({"BACKSTAGE_PLUGIN_ROLES": " catalog:viewer, scaffolder:member ", "PATH": ""})
    assert dict(settings.backstage_plugin_roles) == {"catalog": "viewer", "scaffolder": "member"}
    assert settings.backstage_plugin_audience == "infrakitchen"
    assert load_settings({"PATH": ""}).backstage_plugin_roles == ()


def test_guest_access_cannot_be_enabled_in_production():
    with pytest.raises(ConfigError, match="GUEST_ACCESS"):
        load_settings({"INFRAKITCHEN_ENV": "production", "DATABASE_URL": "postgresql://db/x",
                       "BROKER_URL": "amqp://mq//", "ENCRYPTION_KEYS": KEY, "GUEST_ACCESS": "true"})
