"""What processing publishes: one event per row (a batch of ``OrderPlaced`` for a run of
orders), with its customer resolved, and the outcome of the topics whose event nobody
handles yet (compliance topics "deferred" with their payload kept). Handlers registered
here for the test only are removed afterwards."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from loyalnest.contexts.webhooks import api as webhooks
from loyalnest.contexts.webhooks.events import (
    CustomerDataRequested,
    CustomerRedactRequested,
    OrderPlaced,
    ShopRedactRequested,
    ShopUninstalled,
)
from loyalnest.platform import events
from loyalnest.platform.events import Event
from tests import payloads
from tests.contexts.support import broker_unreachable, inbox_rows, scalar


@contextmanager
def recording(event_type: type[Event]) -> Iterator[list[Any]]:
    """Register a handler of ``event_type`` that records what it gets, for the block."""
    seen: list[Any] = []

    async def record(uow: Any, batch: Sequence[Any]) -> None:
        seen.append(list(batch))

    events.handles(event_type)(record)
    try:
        yield seen
    finally:
        events._handlers[event_type].remove(record)


async def _stored(shop, topic: str, body: dict) -> int:
    """A delivery stored but not handed to a worker (processed by the test itself)."""
    with broker_unreachable():
        response = await shop.webhook(topic, body, event_id=uuid.uuid4().hex)
    assert response.json() == {"status": "accepted"}
    return max(r["id"] for r in await inbox_rows(shop.id))


async def test_a_run_of_orders_is_one_batch_of_order_placed_with_our_customer_ids(shop, drain):
    order = payloads.order(
        91_001, subtotal="20.00", customer_body=payloads.customer(9_101), discount_codes=["X1"]
    )
    first = await _stored(shop, "orders/create", order)
    await _stored(shop, "orders/create", payloads.order(91_002, subtotal="5.00", customer_body=None))
    with recording(OrderPlaced) as seen:
        assert await webhooks.process_webhook(shop.id, first) == 2
    [batch] = seen
    assert [e.shopify_order_id for e in batch] == [91_001, 91_002]
    customer_id = await scalar(
        "select id from customers where merchant_id = :m and shopify_customer_id = 9101", m=shop.id
    )
    assert [e.customer_id for e in batch] == [customer_id, None]  # a guest checkout: nobody
    assert batch[0].subtotal == Decimal("20.00")
    assert batch[0].merchant_id == shop.id
    assert batch[0].discount_codes == ("X1",)


async def test_an_uninstall_is_published_to_its_handlers(shop, drain):
    """app/uninstalled has a handler now (merchants: a young merchant referral is
    cancelled): the row is processed and the event published once."""
    with recording(ShopUninstalled) as seen:
        handled = await _stored(shop, "app/uninstalled", {"id": 1, "myshopify_domain": shop.domain})
        assert await webhooks.process_webhook(shop.id, handled) == 1
    assert seen == [[ShopUninstalled(merchant_id=shop.id, shop_domain=shop.domain)]]
    outcomes = {r["id"]: (r["outcome"], r["payload_enc"]) for r in await inbox_rows(shop.id)}
    assert outcomes == {handled: ("processed", None)}


async def test_compliance_requests_are_published_once_a_handler_exists(shop, drain):
    body = {
        "shop_domain": shop.domain,
        "customer": {"id": 5, "email": "gdpr@example.com"},
        "orders_requested": [11],
        "orders_to_redact": [11, 12],
        "data_request": {"id": 9999},
    }
    with recording(CustomerRedactRequested) as redacted, recording(CustomerDataRequested) as requested:
        redact_id = await _stored(shop, "customers/redact", body)
        assert await webhooks.process_webhook(shop.id, redact_id) == 1
        data_id = await _stored(shop, "customers/data_request", body)
        assert await webhooks.process_webhook(shop.id, data_id) == 1
    # all three compliance topics have their handlers (privacy: tests/contexts/privacy)
    assert events.handlers_of(ShopRedactRequested)
    assert events.handlers_of(CustomerDataRequested)

    assert redacted == [[CustomerRedactRequested(shop.id, redact_id, 5, (11, 12))]]
    assert requested == [[CustomerDataRequested(shop.id, data_id, 5, "9999")]]
    rows = {r["id"]: r for r in await inbox_rows(shop.id)}
    assert (rows[redact_id]["outcome"], rows[data_id]["outcome"]) == ("processed", "processed")
    # handled: the payloads (they name the customer) are gone from the inbox
    assert (rows[redact_id]["payload_enc"], rows[data_id]["payload_enc"]) == (None, None)
