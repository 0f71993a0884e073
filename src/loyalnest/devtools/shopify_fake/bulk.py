"""Bulk query operations of the fake, shaped as Shopify's: the Admin GraphQL objects a
shop's customers and orders are (``customer_object``, ``order_object``), the JSONL a
``bulkOperationRunQuery`` produces from them (``jsonl_lines``), the ``BulkOperation``
object answered, and the demo shop's deterministic history (``demo_history``).

The JSONL is Shopify's format: one JSON object per line, the root connection's nodes
in order; a connection nested in a node (an order's ``lineItems``) is not inlined: each
of its nodes is a line of its own after its parent, carrying ``__parentId`` (the
parent's ``id``); objects that are not connections (``customer { id }``,
``currentSubtotalPriceSet { shopMoney { ... } }``) stay inline.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import orjson
from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    OperationDefinitionNode,
    SelectionSetNode,
    parse,
)

from loyalnest.devtools.shopify_data import Catalog, FakeCustomer, FakeOrder, money
from loyalnest.devtools.shopify_fake.documents import _arguments, _project
from loyalnest.devtools.shopify_fake.records import FakeBulkOperation, _GraphQLFailure

# The connections a bulk query may start from (what LoyalNest reads).
BULK_ROOTS = ("customers", "orders")
# Shopify's userError while one bulk query runs (one at a time per app and shop)
BULK_IN_PROGRESS = "A bulk query operation for this app and shop is already in progress: {gid}."

_FILTER = re.compile(
    r"(created_at|updated_at|processed_at):(>=|>|<=|<)\s*['\"]?([0-9T:.+\-Z ]+?)['\"]?(?:\s|$)"
)


def iso(moment: datetime) -> str:
    """Shopify's DateTime: UTC, seconds, ``Z``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _money_v2(amount: Decimal | str, currency: str) -> dict[str, Any]:
    text = amount if isinstance(amount, str) else money(amount)
    return {"__typename": "MoneyV2", "amount": text, "currencyCode": currency}


def _money_bag(amount: Decimal, currency: str) -> dict[str, Any]:
    return {
        "__typename": "MoneyBag",
        "shopMoney": _money_v2(amount, currency),
        "presentmentMoney": _money_v2(amount, currency),
    }


def customer_object(
    customer: FakeCustomer, *, currency: str, orders: int = 0, spent: Decimal = Decimal(0)
) -> dict[str, Any]:
    """A ``Customer`` as the Admin GraphQL API answers it (the fields LoyalNest reads)."""
    gid = f"gid://shopify/Customer/{customer.shopify_id}"
    state = "SUBSCRIBED" if customer.accepts_marketing else "NOT_SUBSCRIBED"
    return {
        "__typename": "Customer",
        "id": gid,
        "legacyResourceId": str(customer.shopify_id),
        "email": customer.email,
        "firstName": customer.first_name,
        "lastName": customer.last_name,
        "displayName": f"{customer.first_name} {customer.last_name}",
        "phone": customer.phone,
        "createdAt": iso(customer.created_at),
        "updatedAt": iso(customer.created_at),
        "tags": [],
        "state": "ENABLED",
        "locale": "en",
        "defaultEmailAddress": {
            "__typename": "CustomerEmailAddress",
            "emailAddress": customer.email,
            "marketingState": state,
        },
        "emailMarketingConsent": {
            "__typename": "CustomerEmailMarketingConsentState",
            "marketingState": state,
            "marketingOptInLevel": "SINGLE_OPT_IN",
            "consentUpdatedAt": iso(customer.created_at),
        },
        "amountSpent": _money_v2(spent, currency),
        "numberOfOrders": str(orders),  # UnsignedInt64 is a string
    }


def order_object(
    order: FakeOrder,
    *,
    currency: str,
    cancelled_at: datetime | None = None,
    refunded: Decimal = Decimal(0),
    test: bool = False,
) -> dict[str, Any]:
    """An ``Order`` as the Admin GraphQL API answers it, its ``lineItems`` a connection.
    ``refunded``: merchandise refunded (taken off ``currentSubtotalPriceSet``)."""
    current = Decimal(0) if cancelled_at else max(order.subtotal - refunded, Decimal(0))
    if cancelled_at:
        status = "VOIDED"
    elif refunded >= order.subtotal and refunded > 0:
        status = "REFUNDED"
    elif refunded > 0:
        status = "PARTIALLY_REFUNDED"
    else:
        status = "PAID"
    lines = [
        {
            "__typename": "LineItem",
            "id": f"gid://shopify/LineItem/{item.id}",
            "title": item.title,
            "name": item.title,
            "sku": f"SKU-{item.product_id % 100000}",
            "quantity": item.quantity,
            "currentQuantity": 0 if cancelled_at else item.quantity,
            "product": {"__typename": "Product", "id": f"gid://shopify/Product/{item.product_id}"},
            "variant": {
                "__typename": "ProductVariant",
                "id": f"gid://shopify/ProductVariant/{item.variant_id}",
            },
            "originalUnitPriceSet": _money_bag(item.price, currency),
            "discountedUnitPriceSet": _money_bag(item.price, currency),
            "originalTotalSet": _money_bag(item.total, currency),
            "discountedTotalSet": _money_bag(item.total, currency),
            "totalDiscountSet": _money_bag(Decimal(0), currency),
        }
        for item in order.line_items
    ]
    return {
        "__typename": "Order",
        "id": f"gid://shopify/Order/{order.shopify_id}",
        "legacyResourceId": str(order.shopify_id),
        "name": f"#{order.number}",
        "createdAt": iso(order.created_at),
        "processedAt": iso(order.created_at),
        "updatedAt": iso(cancelled_at or order.created_at),
        "cancelledAt": None if cancelled_at is None else iso(cancelled_at),
        "test": test,
        "currencyCode": currency,
        "taxesIncluded": False,
        "displayFinancialStatus": status,
        "displayFulfillmentStatus": "UNFULFILLED",
        "discountCodes": [order.discount_code] if order.discount_code else [],
        "customer": None
        if order.customer is None
        else {"__typename": "Customer", "id": f"gid://shopify/Customer/{order.customer.shopify_id}"},
        "subtotalPriceSet": _money_bag(order.subtotal, currency),
        "currentSubtotalPriceSet": _money_bag(current, currency),
        "totalDiscountsSet": _money_bag(order.discount, currency),
        "totalShippingPriceSet": _money_bag(order.shipping, currency),
        "totalTaxSet": _money_bag(order.tax, currency),
        "currentTotalTaxSet": _money_bag(Decimal(0) if cancelled_at else order.tax, currency),
        "totalPriceSet": _money_bag(order.total, currency),
        "totalRefundedSet": _money_bag(refunded, currency),
        "lineItems": {
            "__typename": "LineItemConnection",
            "edges": [{"__typename": "LineItemEdge", "node": line} for line in lines],
            "nodes": lines,
        },
    }


# --- bulk queries -------------------------------------------------------------------------


def _connection_nodes_selection(field: FieldNode) -> SelectionSetNode | None:
    """The node selection of ``conn { edges { node { ... } } }`` or ``conn { nodes { ... } }``."""
    if field.selection_set is None:
        return None
    for selection in field.selection_set.selections:
        if not isinstance(selection, FieldNode) or selection.selection_set is None:
            continue
        if selection.name.value == "nodes":
            return selection.selection_set
        if selection.name.value == "edges":
            for inner in selection.selection_set.selections:
                if isinstance(inner, FieldNode) and inner.name.value == "node":
                    return inner.selection_set
    return None


def _is_connection(value: Any) -> bool:
    return isinstance(value, dict) and str(value.get("__typename", "")).endswith("Connection")


def _lines_of(
    obj: dict[str, Any], selection_set: SelectionSetNode, fragments: dict[str, FragmentDefinitionNode]
) -> Iterator[dict[str, Any]]:
    """The object's line, then one line per node of each connection it selects (with
    ``__parentId``), depth first, as Shopify writes them."""
    nested: list[tuple[FieldNode, SelectionSetNode]] = []
    plain = []
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode) and _is_connection(obj.get(selection.name.value)):
            inner = _connection_nodes_selection(selection)
            if inner is None:
                raise _GraphQLFailure(f"Connection '{selection.name.value}' must select edges.node or nodes")
            nested.append((selection, inner))
        else:
            plain.append(selection)
    if nested and "id" not in obj:
        raise _GraphQLFailure("The parent of a nested connection must select its id")
    yield _project(obj, SelectionSetNode(selections=tuple(plain)), fragments)
    for field, inner in nested:
        for child in obj[field.name.value]["nodes"]:
            first = True
            for line in _lines_of(child, inner, fragments):
                if first:
                    line["__parentId"] = obj["id"]
                    first = False
                yield line


def _matches(obj: dict[str, Any], search: str | None) -> bool:
    """Shopify's search syntax, the part a backfill uses: ``created_at:>=2026-01-01``
    (also ``updated_at``/``processed_at`` and ``>``, ``<=``, ``<``), ANDed."""
    if not search:
        return True
    for name, op, raw in _FILTER.findall(search):
        key = {"created_at": "createdAt", "updated_at": "updatedAt", "processed_at": "processedAt"}[name]
        value = obj.get(key)
        if value is None:
            return False
        text = raw.strip().replace("Z", "+00:00").replace(" ", "T")
        bound = datetime.fromisoformat(text)
        if bound.tzinfo is None:
            bound = bound.replace(tzinfo=UTC)
        at = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        ok = {">=": at >= bound, ">": at > bound, "<=": at <= bound, "<": at < bound}[op]
        if not ok:
            return False
    return True


def jsonl_lines(query: str, sources: dict[str, list[dict[str, Any]]]) -> tuple[list[bytes], int]:
    """The JSONL lines (each ending in a newline) of a bulk query over ``sources``
    (root connection name -> its objects), and the root objects' count. A query
    Shopify would refuse raises ``_GraphQLFailure`` (answered as a userError)."""
    try:
        document = parse(query)
    except GraphQLError as exc:
        raise _GraphQLFailure(f"Invalid bulk query: {exc.message}") from exc
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    if len(operations) != 1 or operations[0].operation.value != "query":
        raise _GraphQLFailure("Bulk queries must contain exactly one query operation")
    roots = [s for s in operations[0].selection_set.selections if isinstance(s, FieldNode)]
    if len(roots) != 1 or roots[0].name.value not in BULK_ROOTS:
        raise _GraphQLFailure(f"Bulk queries must select one connection of: {', '.join(BULK_ROOTS)}")
    root = roots[0]
    selection = _connection_nodes_selection(root)
    if selection is None:
        raise _GraphQLFailure("Bulk queries must contain at least one connection.")
    search = _arguments(root, {}).get("query")
    lines: list[bytes] = []
    count = 0
    for obj in sources.get(root.name.value, []):
        if not _matches(obj, search if isinstance(search, str) else None):
            continue
        count += 1
        lines.extend(orjson.dumps(line) + b"\n" for line in _lines_of(obj, selection, fragments))
    return lines, count


def bulk_operation_object(op: FakeBulkOperation, url: str | None) -> dict[str, Any]:
    done = op.status == "COMPLETED"
    size = sum(len(line) for line in op.lines)
    return {
        "__typename": "BulkOperation",
        "id": op.gid,
        "status": op.status,
        "errorCode": op.error_code,
        "createdAt": iso(op.created_at),
        "completedAt": None if op.completed_at is None else iso(op.completed_at),
        "objectCount": str(len(op.lines) if done else 0),
        "rootObjectCount": str(op.root_object_count if done else 0),
        "fileSize": str(size) if done and op.lines else None,
        "url": url if done and op.lines else None,
        "partialDataUrl": None,
        "query": op.query,
        "type": "QUERY",
    }


def advance(op: FakeBulkOperation) -> None:
    """One read of the operation: it moves one step (CREATED -> RUNNING -> done)."""
    if op.status == "CREATED":
        op.status = "RUNNING"
    elif op.status == "RUNNING":
        if op.fail_with is not None:
            op.status, op.error_code = "FAILED", op.fail_with
        else:
            op.status = "COMPLETED"
        op.completed_at = datetime.now(UTC)


# --- the demo shop's history ------------------------------------------------------------------

DEMO_SEED = 14
DEMO_CUSTOMERS = 40
DEMO_ORDERS = 160


def demo_history(
    *,
    currency: str = "USD",
    seed: int = DEMO_SEED,
    customers: int = DEMO_CUSTOMERS,
    orders: int = DEMO_ORDERS,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Deterministic customers and orders over the last 400 days (same seed, same shop):
    repeat buyers and one-timers, a few guest checkouts, cancellations and refunds."""
    catalog = Catalog(seed, id_base=7_000_000_000 + seed * 1_000_000)
    people = [catalog.customer() for _ in range(customers)]
    # a few loyal buyers order often, most rarely (RFM has something to separate)
    weights = [8 if i < customers // 8 else 3 if i < customers // 2 else 1 for i in range(customers)]
    placed: list[dict[str, Any]] = []
    totals: dict[int, tuple[int, Decimal]] = {}
    for _ in range(orders):
        customer = None if catalog.random.random() < 0.05 else catalog.random.choices(people, weights)[0]
        if customer is not None and customer.created_at > catalog.now - timedelta(days=1):
            customer = replace(customer, created_at=catalog.now - timedelta(days=2))
        order = catalog.order(customer)
        earliest = customer.created_at if customer is not None else catalog.now - timedelta(days=400)
        span = max(1, int((catalog.now - earliest).total_seconds() // 60) - 5)
        order = replace(
            order, created_at=catalog.now - timedelta(minutes=catalog.random.randrange(5, span + 5))
        )
        roll = catalog.random.random()
        cancelled = order.created_at + timedelta(hours=2) if roll < 0.04 else None
        refunded = (order.subtotal / 2).quantize(Decimal("0.01")) if 0.04 <= roll < 0.1 else Decimal(0)
        placed.append(order_object(order, currency=currency, cancelled_at=cancelled, refunded=refunded))
        if customer is not None and cancelled is None:
            count, spent = totals.get(customer.shopify_id, (0, Decimal(0)))
            totals[customer.shopify_id] = (count + 1, spent + order.subtotal - refunded)
    placed.sort(key=lambda o: str(o["createdAt"]))
    people_objects = [
        customer_object(
            c,
            currency=currency,
            orders=totals.get(c.shopify_id, (0, Decimal(0)))[0],
            spent=totals.get(c.shopify_id, (0, Decimal(0)))[1],
        )
        for c in people
    ]
    return people_objects, placed
