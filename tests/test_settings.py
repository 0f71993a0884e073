"""Settings: dev defaults work out of the box; production refuses them."""

from __future__ import annotations

import base64

import pytest
from pydantic import ValidationError

from loyalnest.settings import DEV_ENCRYPTION_KEYS, Settings

REAL_KEY = "prod1:" + base64.b64encode(b"p" * 32).decode()
REAL_BLIND = base64.b64encode(b"b" * 32).decode()


def test_development_defaults_need_no_configuration():
    settings = Settings(_env_file=None)
    assert settings.env in ("development", "test")
    assert settings.port == 8000
    assert settings.database_url is None  # embedded PostgreSQL is the default


def test_production_refuses_every_dev_default():
    with pytest.raises(ValidationError) as error:
        Settings(env="production")
    message = str(error.value)
    for name in (
        "LOYALNEST_SHOPIFY_API_KEY",
        "LOYALNEST_SHOPIFY_API_SECRET",
        "LOYALNEST_ENCRYPTION_KEYS",
        "LOYALNEST_BLIND_INDEX_KEY",
        "LOYALNEST_DATABASE_URL",
        "LOYALNEST_REDIS_URL",
        "LOYALNEST_PUBLIC_BASE_URL",
    ):
        assert name in message


def test_production_starts_with_real_secrets():
    settings = Settings(
        env="production",
        shopify_api_key="key-123",
        shopify_api_secret="s" * 40,
        encryption_keys=REAL_KEY,
        blind_index_key=REAL_BLIND,
        database_url="postgresql://db/loyalnest",
        redis_url="redis://cache:6379/0",
        public_base_url="https://loyalty.example.com",
    )
    assert settings.env == "production"


def test_settings_read_from_environment(monkeypatch):
    monkeypatch.setenv("LOYALNEST_PORT", "9001")
    monkeypatch.setenv("LOYALNEST_MAX_QUERY_DEPTH", "7")
    settings = Settings()
    assert settings.port == 9001
    assert settings.max_query_depth == 7


def test_production_refuses_empty_values_and_dev_key_material_under_another_id():
    dev_material = DEV_ENCRYPTION_KEYS.partition(":")[2]
    with pytest.raises(ValidationError) as error:
        Settings(
            env="production",
            shopify_api_key="",
            shopify_api_secret="s" * 40,
            encryption_keys=f"renamed:{dev_material}",
            blind_index_key=REAL_BLIND,
            database_url="postgresql://db/loyalnest",
            redis_url="redis://cache:6379/0",
        )
    assert "LOYALNEST_SHOPIFY_API_KEY" in str(error.value)
    assert "LOYALNEST_ENCRYPTION_KEYS" in str(error.value)


@pytest.mark.parametrize(
    "keys",
    [
        "k1:not-base64!!",
        "k1:" + base64.b64encode(b"short").decode(),
        "nokid",
        "k1:" + base64.b64encode(b"a" * 32).decode() + ",k1:" + base64.b64encode(b"b" * 32).decode(),
    ],
)
def test_malformed_encryption_keys_fail_at_startup(keys):
    with pytest.raises(ValidationError, match="LOYALNEST_ENCRYPTION_KEYS"):
        Settings(encryption_keys=keys)


def test_cors_origins_default_to_none():
    assert Settings(_env_file=None).cors_origin_list == ()


def test_cors_origins_are_a_comma_separated_list_of_exact_origins():
    settings = Settings(cors_origins=" https://dash.example.com ,https://extensions.shopifycdn.com,")
    assert settings.cors_origin_list == ("https://dash.example.com", "https://extensions.shopifycdn.com")
    assert Settings(cors_origins="http://localhost:5173").cors_origin_list == ("http://localhost:5173",)


@pytest.mark.parametrize(
    "value",
    [
        "*",
        "https://*.example.com",
        "https://dash.example.com/",  # a browser's Origin has no trailing slash
        "https://dash.example.com/app",
        "dash.example.com",
        "https://Dash.Example.com",
        "https://ok.example.com,null",
    ],
)
def test_cors_origins_that_could_never_match_or_match_everyone_are_refused(value):
    with pytest.raises(ValidationError) as error:
        Settings(cors_origins=value)
    assert "LOYALNEST_CORS_ORIGINS" in str(error.value)


def test_limits_and_timeouts_have_safe_defaults_and_refuse_nonsense():
    settings = Settings(_env_file=None)
    assert settings.graphql_max_body_bytes == 256 * 1024
    assert settings.http_header_timeout_seconds == 10
    assert settings.http_body_timeout_seconds == 30
    assert settings.http_keep_alive_seconds == 5
    for field, value in (
        ("graphql_max_body_bytes", 0),
        ("http_header_timeout_seconds", 0),
        ("http_body_timeout_seconds", -1),
        ("http_keep_alive_seconds", 0),
    ):
        with pytest.raises(ValidationError):
            Settings(**{field: value})


def test_every_variable_the_compose_file_sets_is_a_setting():
    """docker/compose.yaml passes the limits and timeouts through: a misspelt name would
    be silently ignored (extra="ignore") and the container would run on defaults."""
    from pathlib import Path

    import yaml

    compose = yaml.safe_load((Path(__file__).parents[1] / "docker" / "compose.yaml").read_text())
    names = set(compose["x-loyalnest-env"]) | set(compose["services"]["worker"]["environment"])
    fields = {f"LOYALNEST_{name.upper()}" for name in Settings.model_fields}
    assert {name for name in names if name.startswith("LOYALNEST_")} - fields == set()
    assert {"LOYALNEST_CORS_ORIGINS", "LOYALNEST_HTTP_HEADER_TIMEOUT_SECONDS"} <= names


@pytest.mark.parametrize(
    ("value", "mode"),
    [
        ("staff", "staff"),
        ("open", "open"),
        ("off", "off"),
        ("true", "staff"),
        ("false", "off"),
        ("FALSE", "off"),
    ],
)
def test_introspection_modes_and_the_old_booleans(monkeypatch, value, mode):
    monkeypatch.setenv("LOYALNEST_INTROSPECTION", value)
    assert Settings(_env_file=None).introspection == mode


def test_introspection_defaults_to_staff_and_refuses_unknown_modes(monkeypatch):
    assert Settings(_env_file=None).introspection == "staff"
    monkeypatch.setenv("LOYALNEST_INTROSPECTION", "everyone")
    with pytest.raises(ValidationError):
        Settings(_env_file=None)


def test_blind_index_keys_with_ids_are_accepted_and_the_dev_key_refused_under_any_id():
    from loyalnest.settings import DEV_BLIND_INDEX_KEY

    both = f"b2:{REAL_BLIND},{DEV_BLIND_INDEX_KEY}"
    assert Settings(blind_index_key=both).blind_index_key == both  # dev: rotating off the default
    real = {
        "env": "production",
        "shopify_api_key": "key-123",
        "shopify_api_secret": "s" * 40,
        "encryption_keys": REAL_KEY,
        "database_url": "postgresql://db/loyalnest",
        "redis_url": "redis://cache:6379/0",
        "public_base_url": "https://loyalty.example.com",
    }
    assert Settings(**real, blind_index_key=f"b2:{REAL_BLIND}").env == "production"
    for dev in (both, f"renamed:{DEV_BLIND_INDEX_KEY}"):
        with pytest.raises(ValidationError) as error:
            Settings(**real, blind_index_key=dev)
        assert "LOYALNEST_BLIND_INDEX_KEY" in str(error.value)
    with pytest.raises(ValidationError) as malformed:
        Settings(blind_index_key=f"b1:{REAL_BLIND},b1:{REAL_BLIND}")
    assert "configured twice" in str(malformed.value)
