"""POST /webhooks/shopify: verify, store, answer. The work happens in a worker.

Checks run cheapest-first and before anything is stored: size (413), body deadline
(408), signature (401), headers and JSON (400), shop (404). Only then is the inbox row
written.

This route runs thousands of times a second, so it is a plain ASGI app served ahead of
Starlette's stack (``serve_shopify_webhooks_first``): measured, the stack (error and
exception middlewares, router, body-limit middleware, Request/Response objects) cost
more CPU per delivery than the route's own checks. What those layers gave this route it
does itself: the body cap and deadline, and a 500 for an unexpected error.
"""

from __future__ import annotations

import asyncio
import logging
import time
from functools import cache
from typing import Any

import orjson
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from loyalnest.contexts.merchants import api as merchants
from loyalnest.contexts.privacy import api as privacy
from loyalnest.contexts.webhooks import api as webhooks
from loyalnest.http.auth import app_secrets
from loyalnest.platform.db import retry_on_disconnect
from loyalnest.platform.metrics import WEBHOOK_ACCEPT_SECONDS, WEBHOOKS
from loyalnest.settings import Settings

log = logging.getLogger(__name__)

PATH = "/webhooks/shopify"

MAX_HEADER_LENGTH = 255
# shopify_webhook_inbox.topic is VARCHAR(100); real topics are far shorter
MAX_TOPIC_LENGTH = 100
# the inbox dedupes on "<topic>:<event id>", a VARCHAR(255)
MAX_DEDUPE_KEY_LENGTH = 255

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
    """The body passed the route's cap (413)."""


class BodyTimeout(Exception):
    """The body did not arrive within the deadline (408, connection closed)."""


class ClientGone(Exception):
    """The client disconnected before its body arrived: nobody to answer."""


@cache  # bounded: labels and outcomes are both known sets
def _counter(label: str, outcome: str) -> Any:
    return WEBHOOKS.labels(topic=label, outcome=outcome)


# The success answers, rendered once.
_ANSWERS = {outcome: orjson.dumps({"status": outcome}) for outcome in ("accepted", "duplicate", "done")}
# Topics an uninstalled shop's webhooks are still taken for: Shopify's compliance topics
# (shop/redact comes 48 hours after the uninstall) and a repeated app/uninstalled.
_AFTER_UNINSTALL = frozenset(webhooks.COMPLIANCE_TOPICS | {"app/uninstalled"})


# (status, body, close the connection after it) or None: nobody to answer
Answer = tuple[int, bytes, bool] | None


def _error(status: int, message: str, label: str, outcome: str, *, close: bool = False) -> Answer:
    _counter(label, outcome).inc()
    return status, orjson.dumps({"error": message}), close


async def read_capped(request: Request, limit: int) -> bytes:
    """Read the body, refusing as soon as it passes ``limit`` bytes (a lying or absent
    Content-Length cannot make us buffer 5 MiB). For routes served through Starlette."""
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


async def _receive_body(receive: Receive, limit: int) -> bytes:
    message = await receive()
    if message["type"] != "http.request":
        raise ClientGone
    body: bytes = message.get("body", b"")
    if len(body) > limit:
        raise BodyTooLarge
    if not message.get("more_body", False):
        return body  # the usual case: the whole body in one message
    chunks = [body]
    size = len(body)
    while True:
        message = await receive()
        if message["type"] != "http.request":
            raise ClientGone
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


async def read_body(receive: Receive, *, declared: str | None, limit: int, timeout: float) -> bytes:
    """The request body, refused as soon as it passes ``limit`` bytes (a declared
    Content-Length over it before a byte is read; a chunked or lying body as it is
    counted), and only if it all arrives within ``timeout`` seconds of the headers (a
    client sending it slowly, or never finishing it, does not hold the connection)."""
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge
    try:
        async with asyncio.timeout(timeout):
            return await _receive_body(receive, limit)
    except TimeoutError:
        raise BodyTimeout from None


# The request headers this route reads; anything else is skipped unread.
_WANTED = frozenset(
    {
        b"content-length",
        b"x-shopify-hmac-sha256",
        b"x-shopify-topic",
        b"x-shopify-event-id",
        b"x-shopify-webhook-id",
        b"x-shopify-shop-domain",
    }
)


def _headers(scope: Scope) -> dict[bytes, str]:
    # ASGI servers give header names in lower case; the first of a repeated header
    # counts (as Starlette's Headers.get)
    found: dict[bytes, str] = {}
    for name, value in scope["headers"]:
        if name in _WANTED and name not in found:
            found[name] = value.decode("latin-1")
    return found


def _header(headers: dict[bytes, str], name: bytes) -> str | None:
    value = headers.get(name)
    if value is None:
        return None
    value = value.strip()
    return value if 0 < len(value) <= MAX_HEADER_LENGTH else None


async def _intake(scope: Scope, receive: Receive) -> Answer:
    started = time.perf_counter()
    settings: Settings = scope["app"].state.settings
    headers = _headers(scope)
    try:
        body = await read_body(
            receive,
            declared=headers.get(b"content-length"),
            limit=settings.webhook_max_body_bytes,
            timeout=settings.http_body_timeout_seconds,
        )
    except BodyTooLarge:
        return _error(413, "body larger than allowed", UNVERIFIED, "too_large")
    except BodyTimeout:
        message = f"request body not received within {settings.http_body_timeout_seconds:g} seconds"
        return _error(408, message, UNVERIFIED, "timeout", close=True)
    except ClientGone:
        return None  # nothing was stored
    if not webhooks.verify_webhook_hmac(body, headers.get(b"x-shopify-hmac-sha256"), app_secrets(settings)):
        return _error(401, "invalid HMAC signature", UNVERIFIED, "bad_signature")
    topic = _header(headers, b"x-shopify-topic")
    label = metric_topic(topic)
    if topic is None:
        return _error(400, "X-Shopify-Topic header missing", label, "bad_request")
    if len(topic) > MAX_TOPIC_LENGTH:
        return _error(400, "X-Shopify-Topic header too long", label, "bad_request")
    event_id = _header(headers, b"x-shopify-event-id") or _header(headers, b"x-shopify-webhook-id")
    if event_id is None:
        message = "X-Shopify-Event-Id or X-Shopify-Webhook-Id header missing"
        return _error(400, message, label, "bad_request")
    dedupe_key = f"{topic}:{event_id}"
    if len(dedupe_key) > MAX_DEDUPE_KEY_LENGTH:
        return _error(400, "X-Shopify-Event-Id header too long", label, "bad_request")
    shop_domain = (_header(headers, b"x-shopify-shop-domain") or "").lower()
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
    # an uninstalled shop's compliance webhooks (what deletes its data) are still taken
    if merchant is None or (not merchant.active and topic not in _AFTER_UNINSTALL):
        return await _unknown_shop(shop_domain, topic, label)
    result = await webhooks.accept_webhook(
        merchant_id=merchant.id, event_id=dedupe_key, topic=topic, raw_body=body
    )
    if result.shop_gone:  # deleted since this process looked it up
        merchants.forget_domain(shop_domain)
        return await _unknown_shop(shop_domain, topic, label)
    outcome = "duplicate" if result.duplicate else "accepted"
    _counter(label, outcome).inc()
    WEBHOOK_ACCEPT_SECONDS.observe(time.perf_counter() - started)
    return 200, _ANSWERS[outcome], False


async def _unknown_shop(shop_domain: str, topic: str, label: str) -> Answer:
    if topic in webhooks.COMPLIANCE_TOPICS and await privacy.shop_redacted(shop_domain):
        # the shop's data is gone: Shopify resending shop/redact (or a customer request)
        # after that is answered as done, not retried for two days
        _counter(label, "done").inc()
        return 200, _ANSWERS["done"], False
    return _error(404, "unknown shop", label, "unknown_shop")


_INTERNAL_ERROR = orjson.dumps({"error": "internal server error"})


class ShopifyWebhookRoute:
    """The route as a plain ASGI app (``Route`` serves a non-function as one).

    Stands in for Starlette's error middleware: an unexpected error is logged and
    answered 500, and the connection closed."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            answer = await _intake(scope, receive)
        except Exception:
            log.exception("webhook intake failed")
            answer = 500, _INTERNAL_ERROR, True
        if answer is None:
            return
        status, body, close = answer
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        if close:
            # the rest of an unread body must not be parsed as the next request
            headers.append((b"connection", b"close"))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body, "more_body": False})


shopify_webhook = ShopifyWebhookRoute()


class ShopifyWebhooksFirst:
    """POSTs to the Shopify webhook route go straight to it; everything else (other
    methods on that path included, for their 405) goes through ``app``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST" and _route_path(scope) == PATH:
            await shopify_webhook(scope, receive, send)
        else:
            await self.app(scope, receive, send)


def _route_path(scope: Scope) -> str:
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    return path[len(root) :] if root and path.startswith(root) else path


def serve_shopify_webhooks_first(app: ASGIApp) -> ASGIApp:
    """``app`` with the Shopify webhook route served ahead of it (app.py)."""
    return ShopifyWebhooksFirst(app)
