"""POST /webhooks/shopify: verify, store, answer. The work happens in a worker.

Checks run cheapest-first and before anything is stored: size (413), signature (401),
headers and JSON (400), shop (404). Only then is the inbox row written.
"""

from __future__ import annotations

import time
from functools import cache
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from loyalnest.contexts.merchants import api as merchants
from loyalnest.contexts.webhooks import api as webhooks
from loyalnest.http.auth import app_secrets
from loyalnest.platform.db import retry_on_disconnect
from loyalnest.platform.metrics import WEBHOOK_ACCEPT_SECONDS, WEBHOOKS
from loyalnest.settings import Settings

MAX_HEADER_LENGTH = 255
# shopify_webhook_inbox.topic is VARCHAR(100); real topics are far shorter
MAX_TOPIC_LENGTH = 100
# the inbox dedupes on "<topic>:<event id>", a VARCHAR(255)
MAX_DEDUPE_KEY_LENGTH = 255
# The two success answers, rendered once (this route runs thousands of times a second).
_ANSWERS = {outcome: orjson.dumps({"status": outcome}) for outcome in ("accepted", "duplicate")}

# The topic label of the metrics. Every label value makes a time series kept for the
# life of the process, so labels come only from this known set, and only once the HMAC
# says Shopify sent the request: before that the header is anyone's (20,000 random
# topics grew /metrics to 12 MB). The topics the app subscribes to or may be sent;
# tests keep it a superset of what the webhooks context processes.
METRIC_TOPICS = frozenset(
    {
        "app/uninstalled",
        "app_subscriptions/update",
        "customers/create",
        "customers/data_request",
        "customers/delete",
        "customers/redact",
        "customers/update",
        "fulfillments/create",
        "orders/cancelled",
        "orders/create",
        "orders/fulfilled",
        "orders/paid",
        "orders/partially_fulfilled",
        "orders/updated",
        "products/create",
        "products/delete",
        "products/update",
        "refunds/create",
        "shop/redact",
        "shop/update",
    }
)
UNVERIFIED = "unverified"  # refused before the signature was checked, or failing it
MISSING = "unknown"  # signed, without a topic header
OTHER = "other"  # signed, with a topic outside METRIC_TOPICS


def metric_topic(topic: str | None) -> str:
    if topic is None:
        return MISSING
    return topic if topic in METRIC_TOPICS else OTHER


class BodyTooLarge(Exception):
    pass


@cache  # bounded: labels and outcomes are both known sets
def _counter(label: str, outcome: str) -> Any:
    return WEBHOOKS.labels(topic=label, outcome=outcome)


def _error(status: int, message: str, label: str, outcome: str) -> JSONResponse:
    _counter(label, outcome).inc()
    return JSONResponse({"error": message}, status_code=status)


async def read_capped(request: Request, limit: int) -> bytes:
    """Read the body, refusing as soon as it passes ``limit`` bytes (a lying or absent
    Content-Length cannot make us buffer 5 MiB)."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def _header(request: Request, name: str) -> str | None:
    value = request.headers.get(name)
    if value is None:
        return None
    value = value.strip()
    return value if 0 < len(value) <= MAX_HEADER_LENGTH else None


async def shopify_webhook(request: Request) -> Response:
    started = time.perf_counter()
    settings: Settings = request.app.state.settings
    try:
        body = await read_capped(request, settings.webhook_max_body_bytes)
    except BodyTooLarge:
        return _error(413, "body larger than allowed", UNVERIFIED, "too_large")
    if not webhooks.verify_webhook_hmac(
        body, request.headers.get("x-shopify-hmac-sha256"), app_secrets(settings)
    ):
        return _error(401, "invalid HMAC signature", UNVERIFIED, "bad_signature")
    topic = _header(request, "x-shopify-topic")
    label = metric_topic(topic)
    if topic is None:
        return _error(400, "X-Shopify-Topic header missing", label, "bad_request")
    if len(topic) > MAX_TOPIC_LENGTH:
        return _error(400, "X-Shopify-Topic header too long", label, "bad_request")
    event_id = _header(request, "x-shopify-event-id") or _header(request, "x-shopify-webhook-id")
    if event_id is None:
        return _error(400, "X-Shopify-Event-Id or X-Shopify-Webhook-Id header missing", label, "bad_request")
    dedupe_key = f"{topic}:{event_id}"
    if len(dedupe_key) > MAX_DEDUPE_KEY_LENGTH:
        return _error(400, "X-Shopify-Event-Id header too long", label, "bad_request")
    shop_domain = (_header(request, "x-shopify-shop-domain") or "").lower()
    try:
        payload = orjson.loads(body)
    except orjson.JSONDecodeError:
        return _error(400, "body is not valid JSON", label, "bad_json")
    if not isinstance(payload, dict):
        return _error(400, "body must be a JSON object", label, "bad_json")
    # The signature covers the body, not the shop header: where the body names its shop,
    # it must be the shop the header claims.
    claimed = payload.get("shop_domain") or payload.get("myshopify_domain")
    if isinstance(claimed, str) and claimed.lower() != shop_domain:
        return _error(401, "body belongs to another shop", label, "shop_mismatch")
    # A read: safe to repeat once if the database dropped the connection under it.
    merchant = (
        await retry_on_disconnect(lambda: merchants.get_by_domain_cached(shop_domain), what="shop lookup")
        if shop_domain
        else None
    )
    if merchant is None or not merchant.active:
        return _error(404, "unknown shop", label, "unknown_shop")
    result = await webhooks.accept_webhook(
        merchant_id=merchant.id, event_id=dedupe_key, topic=topic, raw_body=body
    )
    outcome = "duplicate" if result.duplicate else "accepted"
    _counter(label, outcome).inc()
    WEBHOOK_ACCEPT_SECONDS.observe(time.perf_counter() - started)
    return Response(_ANSWERS[outcome], media_type="application/json")
