"""A customer's erasure (``platform.erasure.CustomerErased``) in the inbox: a handled
row's payload is already gone, but rows still waiting (or deferred compliance requests)
hold theirs. Each is opened and, if it is about the customer (their Shopify id as the
customer of an order or a customer webhook, or any value they were known by anywhere
in it), its payload is dropped and the row settled: there is no one left to award."""

from __future__ import annotations

from typing import Any

import orjson

from loyalnest.contexts.webhooks import payloads, repository
from loyalnest.contexts.webhooks.payload_crypto import decrypt_payload
from loyalnest.platform.erasure import CustomerErased, json_fragment, searched_values
from loyalnest.platform.uow import UnitOfWork


def _names_customer(topic: str, body: dict[str, Any], shopify_customer_id: int | None) -> bool:
    if shopify_customer_id is None:
        return False
    customer = body if topic.startswith("customers/") and "customer" not in body else body.get("customer")
    return isinstance(customer, dict) and customer.get("id") == shopify_customer_id


async def drop_payloads_of(uow: UnitOfWork, event: CustomerErased) -> int:
    """Returns how many rows lost their payload."""
    fragments = [json_fragment(value).lower() for value in searched_values(event)]
    about: list[int] = []
    for row in await repository.held_payloads(uow.session, event.merchant_id):
        try:
            body = decrypt_payload(row)
        except (payloads.PayloadError, orjson.JSONDecodeError):
            continue  # unreadable: it names nobody we can find (the processor fails it)
        text = orjson.dumps(body).decode().lower()
        if _names_customer(row.topic, body, event.shopify_customer_id) or any(f in text for f in fragments):
            about.append(row.id)
    if about:
        await repository.drop_payloads(uow.session, event.merchant_id, about)
    return len(about)
