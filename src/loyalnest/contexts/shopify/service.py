"""Webhook intake and processing.

Intake is as small as it can be (verify, store, hand to a worker) so Shopify gets its
200 fast; the topic handlers run in the ``shopify.process_webhook`` actor, several
waiting rows of a shop per transaction when a backlog builds up.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import orjson

from loyalnest.contexts.customers import api as customers
from loyalnest.contexts.points import api as points
from loyalnest.contexts.shopify import payloads, repository
from loyalnest.contexts.shopify.models import WebhookInbox
from loyalnest.platform.crypto import get_keyring
from loyalnest.platform.uow import UnitOfWork

log = logging.getLogger(__name__)

PAYLOAD_CONTEXT = b"shopify_webhook_inbox.payload"

Handler = Callable[[UnitOfWork, int, dict[str, Any]], Awaitable[None]]


async def handle_customer_upsert(uow: UnitOfWork, merchant_id: int, payload: dict[str, Any]) -> None:
    await customers.upsert_from_shopify(uow, merchant_id, payloads.parse_customer(payload))


async def handle_order_created(uow: UnitOfWork, merchant_id: int, payload: dict[str, Any]) -> None:
    order = payloads.parse_order(payload)
    if order.customer is None:
        return  # guest checkout: nobody to award
    customer_id = await customers.upsert_from_shopify(uow, merchant_id, order.customer)
    await points.award_order_points(
        uow,
        merchant_id=merchant_id,
        order=points.OrderFacts(
            shopify_order_id=order.shopify_order_id,
            customer_id=customer_id,
            currency=order.currency or "",
            subtotal=order.subtotal,
            shipping=order.shipping,
            tax=order.tax,
            taxes_included=order.taxes_included,
        ),
    )


async def handle_order_cancelled(uow: UnitOfWork, merchant_id: int, payload: dict[str, Any]) -> None:
    order = payloads.parse_order(payload)
    customer_id = None
    if order.customer is not None:
        customer_id = await customers.upsert_from_shopify(uow, merchant_id, order.customer)
    await points.cancel_order(
        uow, merchant_id=merchant_id, shopify_order_id=order.shopify_order_id, customer_id=customer_id
    )


async def handle_refund_created(uow: UnitOfWork, merchant_id: int, payload: dict[str, Any]) -> None:
    refund = payloads.parse_refund(payload)
    await points.refund_order(
        uow,
        merchant_id=merchant_id,
        refund=points.RefundFacts(
            shopify_refund_id=refund.shopify_refund_id,
            shopify_order_id=refund.shopify_order_id,
            customer_id=None,
            line_subtotal=refund.line_subtotal,
            line_tax=refund.line_tax,
            shipping=refund.shipping,
        ),
    )


HANDLERS: dict[str, Handler] = {
    "customers/create": handle_customer_upsert,
    "customers/update": handle_customer_upsert,
    "orders/create": handle_order_created,
    "orders/cancelled": handle_order_cancelled,
    "refunds/create": handle_refund_created,
}


def encrypt_payload(raw_body: bytes) -> str:
    return get_keyring().encrypt(raw_body.decode(), context=PAYLOAD_CONTEXT)


def decrypt_payload(row: WebhookInbox) -> dict[str, Any]:
    if row.payload_enc is None:
        raise payloads.PayloadError("payload already cleared")
    body = orjson.loads(get_keyring().decrypt(row.payload_enc, context=PAYLOAD_CONTEXT))
    if not isinstance(body, dict):
        raise payloads.PayloadError("payload is not a JSON object")
    return body


async def process_row(uow: UnitOfWork, row: WebhookInbox) -> None:
    handler = HANDLERS.get(row.topic)
    if handler is None:
        repository.mark_done(row, "ignored")
        return
    try:
        body = decrypt_payload(row)
        await handler(uow, row.merchant_id, body)
    except (payloads.PayloadError, orjson.JSONDecodeError) as exc:
        # A payload we cannot read will not improve with retries: park it, visibly.
        log.warning(
            "webhook payload rejected", extra={"topic": row.topic, "inbox_id": row.id, "error": str(exc)}
        )
        repository.mark_done(row, "failed", str(exc))
        return
    repository.mark_done(row, "processed")


async def process_batch(uow: UnitOfWork, merchant_id: int, inbox_id: int, *, batch_size: int) -> int:
    """Process the given inbox row and, in the same transaction, up to ``batch_size - 1``
    later rows of the shop that are still waiting. Returns how many were processed."""
    rows = await repository.claim_pending(uow.session, merchant_id, inbox_id, limit=batch_size)
    for row in rows:
        await process_row(uow, row)
    await uow.session.flush()
    return len(rows)


async def stale_pending(uow: UnitOfWork, *, older_than: datetime, limit: int) -> list[tuple[int, int]]:
    return await repository.stale_pending(uow.session, older_than=older_than, limit=limit)
