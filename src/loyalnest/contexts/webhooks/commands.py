"""Processing of claimed inbox rows, inside the caller's unit of work.

Each row is decrypted, parsed, its customer resolved through the customers context,
and what Shopify told us is published as an integration event (``events``) on the
unit of work. The contexts that care react in their own handlers, in this same
transaction, so a row's outcome commits together with every reaction to it; adding a
reaction to an order does not touch this module.

Runs of consecutive ``orders/create`` rows become one batch of ``OrderPlaced``
events, so a backlog of orders is handled with a handful of statements.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import orjson

from loyalnest.contexts.customers import api as customers
from loyalnest.contexts.webhooks import payloads, repository
from loyalnest.contexts.webhooks.events import (
    CustomerDataRequested,
    CustomerRedactRequested,
    CustomerUpserted,
    OrderCancelled,
    OrderFulfilled,
    OrderLine,
    OrderPaid,
    OrderPlaced,
    ProductUpdated,
    ReferralFacts,
    RefundCreated,
    RefundLine,
    ShopRedactRequested,
    ShopUninstalled,
    ShopUpdated,
)
from loyalnest.contexts.webhooks.payload_crypto import decrypt_payload
from loyalnest.contexts.webhooks.repository import InboxRow
from loyalnest.platform import events
from loyalnest.platform.events import Event
from loyalnest.platform.uow import UnitOfWork

log = logging.getLogger(__name__)

ORDERS_CREATE = "orders/create"

Outcome = tuple[str, str | None]  # "processed" / "ignored" / "deferred" / "failed", and the error
# A row's payload turned into its event (customers resolved on the way); None: the row
# tells nothing we act on (e.g. a fulfilment that has not succeeded).
Reader = Callable[[UnitOfWork, InboxRow, dict[str, Any]], Awaitable[Event | None]]


# --- one event per row ------------------------------------------------------------------


async def _customer_upserted(
    uow: UnitOfWork, row: InboxRow, body: dict[str, Any], *, created: bool
) -> CustomerUpserted:
    """customers/create (``created``) and customers/update: the profile is written here,
    the earning rules it triggers react to the event."""
    facts = payloads.parse_customer(body)
    written = await customers.record_customer_webhook(uow, row.merchant_id, facts)
    email_marketing, sms_marketing = payloads.parse_marketing_consents(body)
    return CustomerUpserted(
        merchant_id=row.merchant_id,
        customer_id=written.id,
        created=created,
        marketing_opted_in=written.marketing_opted_in,
        email_marketing=email_marketing,
        sms_marketing=sms_marketing,
        updated_at=facts.shopify_updated_at,
    )


async def _customer_created(uow: UnitOfWork, row: InboxRow, body: dict[str, Any]) -> Event:
    return await _customer_upserted(uow, row, body, created=True)


async def _customer_updated(uow: UnitOfWork, row: InboxRow, body: dict[str, Any]) -> Event:
    return await _customer_upserted(uow, row, body, created=False)


async def _order_cancelled(uow: UnitOfWork, row: InboxRow, body: dict[str, Any]) -> Event:
    order = payloads.parse_order(body)
    customer_id = None
    if order.customer is not None:
        customer_id = await customers.upsert_from_shopify(uow, row.merchant_id, order.customer)
    return OrderCancelled(
        merchant_id=row.merchant_id, shopify_order_id=order.shopify_order_id, customer_id=customer_id
    )


async def _order_paid(uow: UnitOfWork, row: InboxRow, body: dict[str, Any]) -> Event:
    """orders/paid: for shops that earn once orders are paid."""
    return OrderPaid(merchant_id=row.merchant_id, shopify_order_id=payloads.parse_order_id(body))


async def _order_fulfilled(uow: UnitOfWork, row: InboxRow, body: dict[str, Any]) -> Event:
    """orders/fulfilled: for shops that earn once orders are fulfilled."""
    return OrderFulfilled(merchant_id=row.merchant_id, shopify_order_id=payloads.parse_order_id(body))


async def _fulfillment_created(uow: UnitOfWork, row: InboxRow, body: dict[str, Any]) -> Event | None:
    """fulfillments/create: a fulfilment that succeeded fulfils its order; one pending,
    open, cancelled or failed does not (nothing happens, the row is ignored)."""
    fulfillment = payloads.parse_fulfillment(body)
    if fulfillment.status != "success":
        return None
    return OrderFulfilled(merchant_id=row.merchant_id, shopify_order_id=fulfillment.shopify_order_id)


async def _refund_created(uow: UnitOfWork, row: InboxRow, body: dict[str, Any]) -> Event:
    refund = payloads.parse_refund(body)
    return RefundCreated(
        merchant_id=row.merchant_id,
        shopify_refund_id=refund.shopify_refund_id,
        shopify_order_id=refund.shopify_order_id,
        line_subtotal=refund.line_subtotal,
        line_tax=refund.line_tax,
        shipping=refund.shipping,
        lines=tuple(
            RefundLine(product_id=line.product_id, subtotal=line.subtotal, tax=line.tax)
            for line in refund.lines
        ),
    )


async def _product_updated(uow: UnitOfWork, row: InboxRow, body: dict[str, Any]) -> Event:
    """products/create, products/update: the tags the purchase rule's excluded tags match."""
    product = payloads.parse_product(body)
    return ProductUpdated(
        merchant_id=row.merchant_id,
        shopify_product_id=product.shopify_product_id,
        tags=product.tags,
        updated_at=product.updated_at,
    )


async def _shop_uninstalled(uow: UnitOfWork, row: InboxRow, body: dict[str, Any]) -> Event:
    return ShopUninstalled(
        merchant_id=row.merchant_id, shop_domain=payloads.parse_uninstalled_shop_domain(body)
    )


async def _shop_updated(uow: UnitOfWork, row: InboxRow, body: dict[str, Any]) -> Event:
    shop = payloads.parse_shop_update(body)
    return ShopUpdated(
        merchant_id=row.merchant_id,
        name=shop.name,
        email=shop.email,
        currency=shop.currency,
        iana_timezone=shop.iana_timezone,
        updated_at=shop.updated_at,
        primary_locale=shop.primary_locale,
    )


async def _customer_data_requested(uow: UnitOfWork, row: InboxRow, body: dict[str, Any]) -> Event:
    request = payloads.parse_data_request(body)
    return CustomerDataRequested(
        merchant_id=row.merchant_id,
        inbox_id=row.id,
        shopify_customer_id=request.shopify_customer_id,
        data_request_id=request.data_request_id,
    )


async def _customer_redact_requested(uow: UnitOfWork, row: InboxRow, body: dict[str, Any]) -> Event:
    redact = payloads.parse_customer_redact(body)
    return CustomerRedactRequested(
        merchant_id=row.merchant_id,
        inbox_id=row.id,
        shopify_customer_id=redact.shopify_customer_id,
        orders_to_redact=redact.orders_to_redact,
    )


async def _shop_redact_requested(uow: UnitOfWork, row: InboxRow, body: dict[str, Any]) -> Event:
    return ShopRedactRequested(merchant_id=row.merchant_id, inbox_id=row.id)


READERS: dict[str, Reader] = {
    "customers/create": _customer_created,
    "customers/update": _customer_updated,
    "orders/cancelled": _order_cancelled,
    "orders/paid": _order_paid,
    "orders/fulfilled": _order_fulfilled,
    "fulfillments/create": _fulfillment_created,
    "refunds/create": _refund_created,
    "products/create": _product_updated,
    "products/update": _product_updated,
    "app/uninstalled": _shop_uninstalled,
    "shop/update": _shop_updated,
    "customers/data_request": _customer_data_requested,
    "customers/redact": _customer_redact_requested,
    "shop/redact": _shop_redact_requested,
}

# Topics whose event may have no handler yet, and the row's outcome while it has none.
# Shopify's mandatory compliance topics are kept, encrypted, as "deferred" so the privacy
# context can act on them when it comes instead of their being dropped; an uninstall
# nobody reacts to is "ignored", as any topic we do not act on. Their payload is not
# even decrypted then.
UNHANDLED_OUTCOMES: dict[str, tuple[type[Event], str]] = {
    "customers/data_request": (CustomerDataRequested, "deferred"),
    "customers/redact": (CustomerRedactRequested, "deferred"),
    "shop/redact": (ShopRedactRequested, "deferred"),
    "app/uninstalled": (ShopUninstalled, "ignored"),
}
COMPLIANCE_TOPICS = frozenset(
    topic for topic, (_, outcome) in UNHANDLED_OUTCOMES.items() if outcome == "deferred"
)


def _rejected(row: InboxRow, exc: Exception) -> Outcome:
    # A payload we cannot read will not improve with retries: park it, visibly.
    log.warning("webhook payload rejected", extra={"topic": row.topic, "inbox_id": row.id, "error": str(exc)})
    return "failed", str(exc)


async def process_row(uow: UnitOfWork, row: InboxRow) -> Outcome:
    """Publish the row's event; returns its outcome and error for the inbox."""
    reader = READERS.get(row.topic)
    if reader is None:
        return "ignored", None
    unhandled = UNHANDLED_OUTCOMES.get(row.topic)
    if unhandled is not None and not events.handlers_of(unhandled[0]):
        return unhandled[1], None
    try:
        event = await reader(uow, row, decrypt_payload(row))
        if event is None:
            return "ignored", None
        await uow.publish_events([event])
    except (payloads.PayloadError, orjson.JSONDecodeError) as exc:
        return _rejected(row, exc)
    return "processed", None


# --- runs of orders/create --------------------------------------------------------------


def _order_placed(merchant_id: int, order: payloads.ParsedOrder, customer_id: int | None) -> OrderPlaced:
    return OrderPlaced(
        merchant_id=merchant_id,
        shopify_order_id=order.shopify_order_id,
        customer_id=customer_id,
        currency=order.currency or "",
        subtotal=order.subtotal,
        shipping=order.shipping,
        tax=order.tax,
        taxes_included=order.taxes_included,
        discount_codes=order.discount_codes,
        lines=tuple(
            OrderLine(
                product_id=line.product_id,
                quantity=line.quantity,
                price=line.price,
                discount=line.discount,
                tax=line.tax,
            )
            for line in order.lines
        ),
        test=order.test,
        financial_status=order.financial_status,
        cancelled=order.cancelled,
        fulfillment_status=order.fulfillment_status,
        placed_at=order.placed_at,
        referral=None if order.referral is None else _referral_facts(order.referral),
    )


def _referral_facts(facts: payloads.ParsedReferralFacts) -> ReferralFacts:
    return ReferralFacts(
        ref_attribute=facts.ref_attribute,
        landing_ref=facts.landing_ref,
        client_ip=facts.client_ip,
        shipping_address=facts.shipping_address,
        payment_fingerprint=facts.payment_fingerprint,
        customer_created_at=facts.customer_created_at,
        email=facts.email,
        phone=facts.phone,
    )


async def _resolve_customers(
    uow: UnitOfWork, merchant_id: int, orders: Sequence[payloads.ParsedOrder]
) -> list[int | None]:
    """Our customer id of each order (None for a guest checkout). Customers are written
    once each (identical facts twice in a batch are one write) and in Shopify-id order,
    so two batches sharing customers lock them in the same order."""
    facts = [order.customer for order in orders if order.customer is not None]
    try:
        distinct = list(dict.fromkeys(facts))
    except TypeError:  # facts that cannot be dict keys: written one by one, in order
        return [
            None
            if order.customer is None
            else await customers.upsert_from_shopify(uow, merchant_id, order.customer)
            for order in orders
        ]
    customer_ids: dict[customers.ShopifyCustomerFacts, int] = {}
    # stable sort: two payloads of one customer keep their inbox order
    for customer in sorted(distinct, key=lambda f: f.shopify_customer_id):
        customer_ids[customer] = await customers.upsert_from_shopify(uow, merchant_id, customer)
    return [None if order.customer is None else customer_ids[order.customer] for order in orders]


async def process_orders_created(
    uow: UnitOfWork, merchant_id: int, rows: Sequence[InboxRow]
) -> list[Outcome]:
    """Several orders/create rows (consecutive in the inbox) at once: their customers
    resolved, then one ``OrderPlaced`` batch published (guest checkouts included: their
    reward codes are used all the same). Handlers get the whole batch, so e.g. the
    codes are marked with one call and the awards made together."""
    outcomes: list[Outcome] = []
    orders: list[payloads.ParsedOrder] = []
    for row in rows:
        try:
            orders.append(payloads.parse_order(decrypt_payload(row)))
        except (payloads.PayloadError, orjson.JSONDecodeError) as exc:
            outcomes.append(_rejected(row, exc))
            continue
        outcomes.append(("processed", None))
    customer_ids = await _resolve_customers(uow, merchant_id, orders)
    await uow.publish_events(
        [
            _order_placed(merchant_id, order, customer_id)
            for order, customer_id in zip(orders, customer_ids, strict=True)
        ]
    )
    return outcomes


# --- a claimed batch --------------------------------------------------------------------


async def process_batch(
    uow: UnitOfWork,
    merchant_id: int,
    inbox_id: int,
    *,
    batch_size: int,
    claimed: list[int] | None = None,
) -> int:
    """Process the given inbox row and, in the same transaction, up to ``batch_size - 1``
    later rows of the shop that are still waiting, in inbox order (runs of orders/create
    together), once no other transaction is processing the shop's inbox (so a shop's
    rows are handled one batch at a time, in order). Returns how many were processed.
    The ids claimed are appended to ``claimed`` (so a caller can retry them one by one
    if the transaction fails)."""
    await repository.lock_shop_inbox(uow.session, merchant_id)
    rows = await repository.claim_pending(uow.session, merchant_id, inbox_id, limit=batch_size)
    if claimed is not None:
        claimed.extend(row.id for row in rows)
    outcomes: list[tuple[int, str, str | None]] = []
    start = 0
    while start < len(rows):
        end = start + 1
        if rows[start].topic == ORDERS_CREATE:
            while end < len(rows) and rows[end].topic == ORDERS_CREATE:
                end += 1
            results = await process_orders_created(uow, merchant_id, rows[start:end])
        else:
            results = [await process_row(uow, rows[start])]
        outcomes += [
            (row.id, outcome, error) for row, (outcome, error) in zip(rows[start:end], results, strict=True)
        ]
        start = end
    await repository.mark_done(uow.session, merchant_id, outcomes)
    return len(rows)
