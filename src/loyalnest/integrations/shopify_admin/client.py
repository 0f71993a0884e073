"""The one client for Shopify's Admin GraphQL API.

Every Admin call (discount codes today, metafields later) goes through
``admin_graphql``:

- the shop's access token comes, decrypted, from the registered credentials provider
  (``credentials``: the merchants context's) and goes only into the
  ``X-Shopify-Access-Token`` header (never logged);
- the URL is ``{base}/admin/api/{version}/graphql.json``, the version pinned in
  settings; ``base`` is ``https://{shop}`` unless ``shopify_admin_base_url`` points
  elsewhere (the bundled fake: see ``settings.py``);
- the shop's leaky bucket in Redis (``throttle``) is asked for the estimated
  cost first and told what Shopify charged afterwards;
- ``THROTTLED`` is retried once the bucket has room; HTTP 5xx, 429 and connection
  failures are retried with jittered exponential backoff, ``max_attempts`` in all
  (mutations too: a discount code is unique per shop, so a repeat of one that went
  through comes back as ``TAKEN``, see ``discounts.create_discount_code``);
  401/403/404 and GraphQL errors are not retried;
- a timeout on a mutation is not retried (Shopify may have applied it; the caller,
  an idempotent actor, decides), a timeout on a query is;
- each call adds its numbers to ``shopify_api_usage`` (per shop and minute, ``usage``).

Mutations' ``userErrors`` are data: they are returned, not raised.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import re
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NoReturn

import httpx
import orjson
from cryptography.exceptions import InvalidTag

from loyalnest.integrations.shopify_admin import throttle as admin_throttle
from loyalnest.integrations.shopify_admin.config import AdminClientConfig, admin_config, admin_graphql_url
from loyalnest.integrations.shopify_admin.cost import QueryCost, parse_cost
from loyalnest.integrations.shopify_admin.credentials import credentials_for
from loyalnest.integrations.shopify_admin.throttle import SINGLE_QUERY_MAX_COST
from loyalnest.integrations.shopify_admin.usage import Tally, record_usage
from loyalnest.platform.crypto import KeyringError

log = logging.getLogger(__name__)

_MUTATION = re.compile(r"^(?:\s|,|#[^\n]*(?:\n|$))*mutation\b")


# --- results and errors ---------------------------------------------------------------


class ShopifyAdminError(Exception):
    """A call that did not produce data. ``code`` is one of:

    ``NOT_INSTALLED`` (no shop or no access token), ``CREDENTIALS_UNREADABLE`` (the
    token's key is no longer configured), ``UNAUTHORIZED`` (401: token
    revoked, app uninstalled), ``FORBIDDEN`` (403: missing scope), ``NOT_FOUND`` (404:
    shop gone), ``HTTP_<status>`` (other 4xx), ``SERVER_ERROR`` (5xx after all
    attempts), ``RATE_LIMITED`` (still THROTTLED/429 after the retries, or the bucket
    would make us wait too long), ``TIMEOUT``, ``CONNECTION_ERROR``,
    ``INVALID_RESPONSE`` (not GraphQL JSON), or a GraphQL error's
    ``extensions.code`` (e.g. ``ACCESS_DENIED``, ``MAX_COST_EXCEEDED``;
    ``GRAPHQL_ERROR`` when it has none).

    ``retryable``: the same call may succeed later (worth a job retry)."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        status: int | None = None,
        attempts: int = 0,
        retryable: bool = False,
        errors: tuple[Mapping[str, Any], ...] = (),
    ):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status
        self.attempts = attempts
        self.retryable = retryable
        self.errors = errors


@dataclass(frozen=True)
class AdminResponse:
    data: dict[str, Any]
    cost: QueryCost | None
    attempts: int  # HTTP requests sent
    throttled: int  # THROTTLED / 429 answers on the way


def _is_throttled(errors: list[Any]) -> bool:
    for error in errors:
        if not isinstance(error, Mapping):
            continue
        extensions = error.get("extensions")
        if isinstance(extensions, Mapping) and extensions.get("code") == "THROTTLED":
            return True
        if error.get("message") == "Throttled":  # older API versions: no code
            return True
    return False


def _error_code(errors: list[Any]) -> str:
    for error in errors:
        if isinstance(error, Mapping):
            extensions = error.get("extensions")
            if isinstance(extensions, Mapping) and isinstance(extensions.get("code"), str):
                return extensions["code"]
    return "GRAPHQL_ERROR"


# --- HTTP ---------------------------------------------------------------------------

# One connection pool per event loop (API process, worker loop, test loop).
_clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, httpx.AsyncClient] = (
    weakref.WeakKeyDictionary()
)


def _http_client() -> httpx.AsyncClient:
    loop = asyncio.get_running_loop()
    client = _clients.get(loop)
    if client is None or client.is_closed:
        client = httpx.AsyncClient(
            headers={
                "Content-Type": "application/json",
                "Accept": "application/json",
                "User-Agent": "LoyalNest",
            },
            limits=httpx.Limits(max_connections=50, max_keepalive_connections=10),
            follow_redirects=False,
        )
        _clients[loop] = client
    return client


async def close_admin_client() -> None:
    """Close this loop's connection pool (at shutdown, like the Redis and DB pools)."""
    client = _clients.pop(asyncio.get_running_loop(), None)
    if client is not None:
        await client.aclose()


def _backoff(config: AdminClientConfig, failures: int, retry_after: str | None = None) -> float:
    """Exponential backoff with equal jitter: half fixed, half random, capped."""
    ceiling = min(config.backoff_max_seconds, config.backoff_base_seconds * 2 ** (failures - 1))
    delay = ceiling / 2 + random.uniform(0, ceiling / 2)
    if retry_after:
        with contextlib.suppress(ValueError):
            delay = max(delay, min(float(retry_after), config.backoff_max_seconds))
    return delay


@dataclass
class _Attempts:
    sent: int = 0
    failures: int = 0  # 5xx, connection errors, query timeouts
    throttled: int = 0  # THROTTLED answers and 429s


async def admin_graphql(
    merchant_id: int,
    query: str,
    variables: Mapping[str, Any] | None = None,
    *,
    estimated_cost: int,
    operation_name: str | None = None,
) -> AdminResponse:
    """Run one Admin GraphQL document for the shop; return its ``data``.

    ``estimated_cost`` is the points to reserve in the shop's bucket before sending:
    Shopify's requested cost of the document (mutations 10; an object 1; a connection
    ``first: n`` about n times its node). Shopify refuses anything over 1,000.
    Raises ``ShopifyAdminError``; a mutation's ``userErrors`` come back in ``data``."""
    if not 1 <= estimated_cost <= SINGLE_QUERY_MAX_COST:
        raise ValueError(f"estimated_cost must be between 1 and {SINGLE_QUERY_MAX_COST}")
    try:
        credentials = await credentials_for(merchant_id)
    except (InvalidTag, KeyringError) as exc:
        raise ShopifyAdminError(
            "CREDENTIALS_UNREADABLE",
            f"merchant {merchant_id}'s access token cannot be decrypted with the configured keys",
        ) from exc
    if credentials is None:
        raise ShopifyAdminError(
            "NOT_INSTALLED",
            f"merchant {merchant_id} has no Admin API access token (not installed or uninstalled)",
        )
    config = admin_config()
    limits = admin_throttle.limits_for_plan(credentials.plan)
    body: dict[str, Any] = {"query": query, "variables": dict(variables or {})}
    if operation_name is not None:
        body["operationName"] = operation_name
    request = _Request(
        merchant_id=merchant_id,
        url=admin_graphql_url(credentials.shop_domain, config),
        content=orjson.dumps(body),
        headers={"X-Shopify-Access-Token": credentials.access_token},
        is_mutation=bool(_MUTATION.match(query)),
        estimated_cost=estimated_cost,
        config=config,
        limits=limits,
    )
    tally = Tally()
    try:
        return await _send_with_retries(request, tally)
    finally:
        await record_usage(merchant_id, tally)


@dataclass(frozen=True)
class _Request:
    merchant_id: int
    url: str
    content: bytes
    headers: dict[str, str] = field(repr=False)  # the access token
    is_mutation: bool
    estimated_cost: int
    config: AdminClientConfig
    limits: admin_throttle.BucketLimits


async def _send_with_retries(request: _Request, tally: Tally) -> AdminResponse:
    config = request.config
    attempts = _Attempts()
    timeout = httpx.Timeout(config.timeout_seconds, connect=config.connect_timeout_seconds)
    client = _http_client()

    def fail(
        code: str, message: str, *, retryable: bool, status: int | None = None, **kwargs: Any
    ) -> NoReturn:
        raise ShopifyAdminError(
            code, message, status=status, attempts=attempts.sent, retryable=retryable, **kwargs
        )

    async def transient(reason: str, *, status: int | None = None, retry_after: str | None = None) -> None:
        """Count a retryable failure; sleep before the next attempt or give up."""
        attempts.failures += 1
        if attempts.failures >= config.max_attempts:
            code = {"timeout": "TIMEOUT", "connection": "CONNECTION_ERROR"}.get(reason, "SERVER_ERROR")
            fail(
                code,
                f"Shopify Admin API {reason} after {attempts.sent} attempts",
                retryable=True,
                status=status,
            )
        delay = _backoff(config, attempts.failures, retry_after)
        log.warning(
            "Shopify Admin API call failed; retrying",
            extra={
                "merchant_id": request.merchant_id,
                "reason": reason,
                "status": status,
                "delay": round(delay, 3),
            },
        )
        await asyncio.sleep(delay)

    while True:
        try:
            reservation = await admin_throttle.reserve(
                request.merchant_id,
                request.estimated_cost,
                request.limits,
                max_wait=config.max_throttle_wait_seconds,
                hold_seconds=config.timeout_seconds + config.connect_timeout_seconds + 5,
            )
        except admin_throttle.ThrottleWaitTooLong as exc:
            tally.throttled += 1  # refused here rather than by Shopify: still worth charting
            fail(
                "RATE_LIMITED",
                f"the shop's API bucket needs {exc.wait_seconds:.1f} s (more than "
                f"{config.max_throttle_wait_seconds:g} s allowed)",
                retryable=True,
            )
        try:
            attempts.sent += 1
            tally.calls += 1
            response = await client.post(
                request.url, content=request.content, headers=request.headers, timeout=timeout
            )
        except (httpx.ConnectError, httpx.ConnectTimeout):
            # never reached Shopify: nothing was spent
            await admin_throttle.refund(reservation, request.limits)
            tally.errors += 1
            await transient("connection")
            continue
        except httpx.TimeoutException:
            await admin_throttle.reconcile(reservation, request.limits, charged=None, status=None)
            tally.errors += 1
            if request.is_mutation:
                fail(
                    "TIMEOUT",
                    f"no answer within {config.timeout_seconds:g} s; the mutation may have been applied",
                    retryable=True,
                )
            await transient("timeout")
            continue
        except httpx.TransportError:
            await admin_throttle.reconcile(reservation, request.limits, charged=None, status=None)
            tally.errors += 1
            await transient("connection")
            continue
        except BaseException:  # cancelled mid-request
            await admin_throttle.reconcile(reservation, request.limits, charged=None, status=None)
            raise

        status = response.status_code
        if status == 429 or status >= 500:
            await admin_throttle.reconcile(reservation, request.limits, charged=None, status=None)
            if status == 429:
                tally.throttled += 1
                attempts.throttled += 1
                if attempts.throttled > config.max_throttle_retries:
                    fail("RATE_LIMITED", "Shopify kept answering 429", retryable=True, status=status)
                await asyncio.sleep(_backoff(config, attempts.throttled, response.headers.get("Retry-After")))
                continue
            tally.errors += 1
            await transient(f"HTTP {status}", status=status, retry_after=response.headers.get("Retry-After"))
            continue
        if status != 200:
            # 401/403/404 and other client errors: Shopify spent nothing, retrying cannot help
            await admin_throttle.refund(reservation, request.limits)
            tally.errors += 1
            code = {401: "UNAUTHORIZED", 403: "FORBIDDEN", 404: "NOT_FOUND"}.get(status, f"HTTP_{status}")
            fail(code, f"Shopify Admin API answered HTTP {status}", retryable=False, status=status)

        try:
            payload = orjson.loads(response.content)
            if not isinstance(payload, dict):
                raise TypeError("not an object")
        except (orjson.JSONDecodeError, TypeError):
            await admin_throttle.reconcile(reservation, request.limits, charged=None, status=None)
            tally.errors += 1
            fail(
                "INVALID_RESPONSE",
                "Shopify Admin API answered 200 without a GraphQL JSON body",
                retryable=True,
            )

        cost = parse_cost(payload.get("extensions"))
        tally.saw(cost, request.estimated_cost)
        errors = payload.get("errors")
        throttled = isinstance(errors, list) and _is_throttled(errors)
        charged = 0 if throttled else (cost.actual if cost is not None else None)
        await admin_throttle.reconcile(
            reservation,
            request.limits,
            charged=charged,
            status=cost.throttle_status if cost is not None else None,
        )
        if throttled:
            tally.throttled += 1
            attempts.throttled += 1
            if attempts.throttled > config.max_throttle_retries:
                fail("RATE_LIMITED", f"still THROTTLED after {attempts.throttled} tries", retryable=True)
            # the next reserve() waits until the bucket, now lowered to Shopify's
            # currentlyAvailable, holds the cost again
            continue
        if errors:
            tally.errors += 1
            error_list = errors if isinstance(errors, list) else [{"message": str(errors)}]
            code = _error_code(error_list)
            first = error_list[0] if error_list and isinstance(error_list[0], Mapping) else {}
            fail(
                code,
                str(first.get("message", "GraphQL error")),
                retryable=code in ("INTERNAL_SERVER_ERROR", "SERVICE_UNAVAILABLE"),
                errors=tuple(e for e in error_list if isinstance(e, Mapping)),
            )
        data = payload.get("data")
        if not isinstance(data, dict):
            tally.errors += 1
            fail("INVALID_RESPONSE", "Shopify Admin API answered without data", retryable=True)
        return AdminResponse(data=data, cost=cost, attempts=attempts.sent, throttled=attempts.throttled)
