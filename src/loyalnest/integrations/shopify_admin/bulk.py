"""Bulk query operations: a shop's whole customer or order list without paging.

1. ``start_bulk_query`` runs ``bulkOperationRunQuery`` through ``client.admin_graphql``
   (token, bucket, retries); a ``userError`` raises ``BulkOperationError``
   (``OPERATION_IN_PROGRESS`` while another bulk query of the app runs on the shop).
2. ``wait_for_bulk_operation`` polls ``node(id:)`` with a growing interval until the
   operation is COMPLETED, and raises ``BulkOperationError`` for FAILED, CANCELED or
   EXPIRED (with Shopify's ``errorCode``) or when ``max_wait_seconds`` pass
   (``TIMEOUT``, retryable: the operation runs on and the next attempt polls it again).
3. ``stream_jsonl`` downloads the result from its ``url`` (a signed storage URL: no
   token is sent there) with httpx streaming and yields one parsed object per line, in
   constant memory, whatever the file's size.
4. ``with_children`` reassembles Shopify's flattening: a nested connection's nodes come
   as lines of their own after their parent, carrying ``__parentId``; it yields each
   root object with its children gathered under ``children`` (a list per parent, in
   file order), holding one root at a time.

    operation = await start_bulk_query(merchant_id, ORDERS_QUERY)
    done = await wait_for_bulk_operation(merchant_id, operation.id)
    async for order in with_children(stream_jsonl(done.url)):
        ...
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import orjson

from loyalnest.integrations.shopify_admin.client import ShopifyAdminError, admin_graphql

BULK_OPERATION_FIELDS = (
    "id status errorCode objectCount rootObjectCount fileSize url partialDataUrl createdAt completedAt"
)

RUN_BULK_QUERY = f"""
mutation LoyalNestBulkQuery($query: String!) {{
  bulkOperationRunQuery(query: $query) {{
    bulkOperation {{ {BULK_OPERATION_FIELDS} }}
    userErrors {{ field message code }}
  }}
}}
"""

BULK_OPERATION_QUERY = f"""
query LoyalNestBulkOperation($id: ID!) {{
  node(id: $id) {{ ... on BulkOperation {{ {BULK_OPERATION_FIELDS} }} }}
}}
"""

CURRENT_BULK_OPERATION_QUERY = f"""
query LoyalNestCurrentBulkOperation {{
  currentBulkOperation {{ {BULK_OPERATION_FIELDS} }}
}}
"""

RUNNING_STATUSES = frozenset({"CREATED", "RUNNING", "CANCELING"})
FAILED_STATUSES = frozenset({"FAILED", "CANCELED", "EXPIRED"})


class BulkOperationError(Exception):
    """A bulk operation that will not give its data. ``code``: Shopify's userError code
    (``OPERATION_IN_PROGRESS``, ``INVALID``, ``LIMIT_REACHED``), its ``errorCode``
    (``ACCESS_DENIED``, ``INTERNAL_SERVER_ERROR``, ``TIMEOUT``), or ``FAILED`` /
    ``CANCELED`` / ``EXPIRED`` without one, ``TIMEOUT`` when our wait ran out,
    ``DOWNLOAD_FAILED`` / ``INVALID_JSONL`` for the result file. ``retryable``: the
    same step may succeed later."""

    def __init__(self, code: str, message: str, *, operation_id: str | None = None, retryable: bool = False):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.operation_id = operation_id
        self.retryable = retryable


@dataclass(frozen=True)
class BulkOperation:
    id: str
    status: str
    error_code: str | None = None
    object_count: int = 0
    root_object_count: int = 0
    url: str | None = field(default=None, repr=False)  # signed: kept out of logs
    partial_data_url: str | None = field(default=None, repr=False)

    @property
    def running(self) -> bool:
        return self.status in RUNNING_STATUSES


def _count(value: Any) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def parse_bulk_operation(value: Any) -> BulkOperation | None:
    if not isinstance(value, dict) or not isinstance(value.get("id"), str):
        return None
    return BulkOperation(
        id=value["id"],
        status=str(value.get("status") or ""),
        error_code=value.get("errorCode"),
        object_count=_count(value.get("objectCount")),
        root_object_count=_count(value.get("rootObjectCount")),
        url=value.get("url"),
        partial_data_url=value.get("partialDataUrl"),
    )


async def start_bulk_query(merchant_id: int, query: str) -> BulkOperation:
    """Start a bulk query (``bulkOperationRunQuery``, a mutation: cost 10)."""
    response = await admin_graphql(merchant_id, RUN_BULK_QUERY, {"query": query}, estimated_cost=10)
    payload = response.data.get("bulkOperationRunQuery") or {}
    errors = payload.get("userErrors") or []
    if errors:
        first = errors[0] if isinstance(errors[0], dict) else {}
        code = str(first.get("code") or "INVALID")
        raise BulkOperationError(
            code, str(first.get("message") or "bulk query refused"), retryable=code == "OPERATION_IN_PROGRESS"
        )
    operation = parse_bulk_operation(payload.get("bulkOperation"))
    if operation is None:
        raise ShopifyAdminError("INVALID_RESPONSE", "bulkOperationRunQuery returned no bulk operation")
    return operation


async def get_bulk_operation(merchant_id: int, operation_id: str) -> BulkOperation | None:
    response = await admin_graphql(merchant_id, BULK_OPERATION_QUERY, {"id": operation_id}, estimated_cost=1)
    return parse_bulk_operation(response.data.get("node"))


async def current_bulk_operation(merchant_id: int) -> BulkOperation | None:
    """The app's most recent bulk query on the shop (running or not), or None."""
    response = await admin_graphql(merchant_id, CURRENT_BULK_OPERATION_QUERY, estimated_cost=1)
    return parse_bulk_operation(response.data.get("currentBulkOperation"))


async def wait_for_bulk_operation(
    merchant_id: int,
    operation_id: str,
    *,
    max_wait_seconds: float = 1800.0,
    first_interval: float = 0.5,
    max_interval: float = 15.0,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> BulkOperation:
    """Poll until the operation is done, the interval doubling from ``first_interval``
    up to ``max_interval``; returns it COMPLETED (``url`` None when it found nothing)."""
    deadline = time.monotonic() + max_wait_seconds
    interval = first_interval
    while True:
        operation = await get_bulk_operation(merchant_id, operation_id)
        if operation is None:
            raise BulkOperationError(
                "NOT_FOUND", "the shop has no such bulk operation", operation_id=operation_id
            )
        if operation.status == "COMPLETED":
            return operation
        if operation.status in FAILED_STATUSES:
            code = operation.error_code or operation.status
            raise BulkOperationError(
                code,
                f"bulk operation {operation.status.lower()}",
                operation_id=operation_id,
                # Shopify's own failures and timeouts may pass; a missing scope does not
                retryable=code in ("INTERNAL_SERVER_ERROR", "TIMEOUT"),
            )
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise BulkOperationError(
                "TIMEOUT",
                f"still {operation.status} after {max_wait_seconds:g} s",
                operation_id=operation_id,
                retryable=True,
            )
        await sleep(min(interval, remaining))
        interval = min(interval * 2, max_interval)


async def stream_jsonl(
    url: str, *, skip: int = 0, timeout: float = 60.0, client: httpx.AsyncClient | None = None
) -> AsyncIterator[dict[str, Any]]:
    """Each line of the result file as a dict, read as it arrives (httpx streaming,
    one line in memory at a time); the first ``skip`` lines are passed over (a resumed
    import)."""
    own = client is None
    http = client or httpx.AsyncClient(timeout=httpx.Timeout(timeout, connect=10.0), follow_redirects=True)
    try:
        async with http.stream("GET", url) as response:
            if response.status_code != 200:
                raise BulkOperationError(
                    "DOWNLOAD_FAILED", f"the result file answered HTTP {response.status_code}", retryable=True
                )
            number = 0
            async for line in response.aiter_lines():
                if not line.strip():
                    continue
                number += 1
                if number <= skip:
                    continue
                try:
                    value = orjson.loads(line)
                except orjson.JSONDecodeError as exc:
                    raise BulkOperationError("INVALID_JSONL", f"line {number} is not JSON") from exc
                if not isinstance(value, dict):
                    raise BulkOperationError("INVALID_JSONL", f"line {number} is not an object")
                yield value
    except httpx.TransportError as exc:
        raise BulkOperationError("DOWNLOAD_FAILED", type(exc).__name__, retryable=True) from exc
    finally:
        if own:
            await http.aclose()


async def with_children(lines: AsyncIterator[dict[str, Any]]) -> AsyncIterator[dict[str, Any]]:
    """Root objects with their ``__parentId`` children gathered under ``children``
    (grandchildren under their own parent's ``children``). Shopify writes children
    after their parent, so a root is complete when the next root begins."""
    root: dict[str, Any] | None = None
    by_id: dict[str, dict[str, Any]] = {}
    async for line in lines:
        parent_id = line.pop("__parentId", None)
        if parent_id is None:
            if root is not None:
                yield root
            root = line
            by_id = {}
        else:
            parent = by_id.get(parent_id) if root is None or root.get("id") != parent_id else root
            if parent is None:
                raise BulkOperationError("INVALID_JSONL", "a child line came before its parent")
            parent.setdefault("children", []).append(line)
        if isinstance(line.get("id"), str):
            by_id[line["id"]] = line
    if root is not None:
        yield root
