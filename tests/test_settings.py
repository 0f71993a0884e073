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
