"""Where and how this process calls the Admin API: base URL, pinned version, timeouts
and retry budget. Set once per process (``configure_admin``); a process that never
configured it reads the settings (``LOYALNEST_SHOPIFY_*``) on first use."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

_API_VERSION = re.compile(r"^(\d{4}-\d{2}|unstable)$")


@dataclass(frozen=True)
class AdminClientConfig:
    # None: the real Shopify (https://{shop}); else a template, see settings.py
    base_url: str | None = None
    api_version: str = "2025-10"
    timeout_seconds: float = 10.0
    connect_timeout_seconds: float = 5.0
    # HTTP attempts for 5xx / 429 / connection errors (and timeouts of queries)
    max_attempts: int = 4
    # THROTTLED answers retried per call (each after the bucket's computed wait)
    max_throttle_retries: int = 8
    max_throttle_wait_seconds: float = 20.0
    backoff_base_seconds: float = 0.5
    backoff_max_seconds: float = 8.0


_config: AdminClientConfig | None = None


def _config_from_settings() -> AdminClientConfig:
    # Read here, not at import: the integration itself depends on platform only, and
    # a process (or test) that configures the client never needs the settings module.
    from loyalnest.settings import get_settings

    settings = get_settings()
    return AdminClientConfig(
        base_url=settings.shopify_admin_base_url,
        api_version=settings.shopify_api_version,
        timeout_seconds=settings.shopify_admin_timeout_seconds,
        connect_timeout_seconds=settings.shopify_admin_connect_timeout_seconds,
        max_attempts=settings.shopify_admin_max_attempts,
        max_throttle_wait_seconds=settings.shopify_admin_max_throttle_wait_seconds,
    )


def configure_admin(**changes: Any) -> AdminClientConfig:
    """Set this process's client configuration: the values from settings
    (``LOYALNEST_SHOPIFY_*``) with ``changes`` on top, e.g.
    ``configure_admin(base_url=fake.base_url)`` in tests. No arguments: back to the
    settings. Unconfigured processes read the settings on first use."""
    global _config
    config = replace(_config_from_settings(), **changes)
    if not _API_VERSION.match(config.api_version):
        raise ValueError(f"not a Shopify API version: {config.api_version!r} (e.g. 2025-10)")
    if config.max_attempts < 1 or config.max_throttle_retries < 0:
        raise ValueError("max_attempts must be >= 1 and max_throttle_retries >= 0")
    _config = config
    return config


def admin_config() -> AdminClientConfig:
    return _config if _config is not None else configure_admin()


def admin_graphql_url(shop_domain: str, config: AdminClientConfig | None = None) -> str:
    config = config or admin_config()
    template = config.base_url or "https://{shop}"
    if "{shop}" not in template:
        template = template.rstrip("/") + "/{shop}"
    return template.replace("{shop}", shop_domain) + f"/admin/api/{config.api_version}/graphql.json"
