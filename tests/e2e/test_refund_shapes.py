"""Refunds in the older API shape (no subtotal on the refunded lines) take back their
share of what the order earned, through signed orders/create and refunds/create webhooks
(issue 8, item 4). The shop earns 1 point per unit of currency on the subtotal after
discounts, tax and shipping excluded."""

from __future__ import annotations

import copy
from typing import Any

from tests import payloads
from tests.contexts.support import balance, ledger_rows

# Shopify's sample order 450789469 (shopify_python_api's order.json): three iPods at 199.00
# (product 632910392), 6 % state tax. Its subtotal is made the lines' sum here (the
# fixture's own says 398.00 for lines worth 597.00).
IPOD_LINES = (("466157049", "GREEN"), ("518995019", "RED"), ("703073504", "BLACK"))


def _ipod_order(customer_id: int) -> dict[str, Any]:
    body = payloads.order(
        450789469,
        subtotal="597.00",
        shipping="0.00",
        tax="11.94",
        customer_body=payloads.customer(customer_id),
    )
    body["line_items"] = [
        {
            "id": int(line_id),
            "product_id": 632910392,
            "variant_id": None,
            "title": "IPod Nano - 8gb",
            "sku": f"IPOD2008{colour}",
            "quantity": 1,
            "price": "199.00",
            "price_set": payloads.money_set("199.00"),
            "total_discount": "0.00",
            "discount_allocations": [],
            "tax_lines": [{"title": "State Tax", "price": "3.98", "rate": 0.06}],
        }
        for line_id, colour in IPOD_LINES
    ]
    return body


async def _send(shop: Any, drain: Any, topic: str, body: dict[str, Any]) -> None:
    response = await shop.webhook(topic, body)
    assert response.status_code == 200, response.text
    await drain()


async def _taken_back(shop: Any) -> list[int]:
    return [r["delta"] for r in await ledger_rows(shop.id) if r["kind"] == "reversal"]


async def test_shopify_python_api_refund_fixture_takes_back_its_lines_share(shop, drain):
    await _send(shop, drain, "orders/create", _ipod_order(207119551))
    assert await balance(shop, 207119551) == 597
    refund = copy.deepcopy(payloads.SHOPIFY_PYTHON_API_REFUND["refund"])
    await _send(shop, drain, "refunds/create", refund)
    # two of the three iPods: 398.00 of 597.00 (price x quantity; the 209.00 transaction
    # is not needed when the lines tell)
    assert await _taken_back(shop) == [-398]
    assert await balance(shop, 207119551) == 199
    # a replay takes nothing more
    await _send(shop, drain, "refunds/create", refund)
    assert await balance(shop, 207119551) == 199


async def test_old_shape_line_less_its_discount_allocations(shop, drain):
    body = payloads.order(
        7001, subtotal="90.00", shipping="0.00", tax="0.00", customer_body=payloads.customer(7002)
    )
    body["line_items"] = [
        {
            "id": 70011,
            "product_id": 70012,
            "quantity": 2,
            "price": "50.00",
            "price_set": payloads.money_set("50.00"),
            "discount_allocations": [
                {
                    "amount": "10.00",
                    "amount_set": payloads.money_set("10.00"),
                    "discount_application_index": 0,
                }
            ],
            "tax_lines": [],
        }
    ]
    await _send(shop, drain, "orders/create", body)
    assert await balance(shop, 7002) == 90
    refund = {
        "id": 7003,
        "order_id": 7001,
        "refund_line_items": [
            {"id": 70031, "quantity": 1, "line_item_id": 70011, "line_item": body["line_items"][0]}
        ],
        "transactions": [{"id": 70032, "amount": "45.00", "kind": "refund", "status": "success"}],
        "order_adjustments": [],
    }
    await _send(shop, drain, "refunds/create", refund)
    # one of two units: 50.00 less half the line's 10.00 discount = 45.00 of 90.00
    assert await _taken_back(shop) == [-45]
    assert await balance(shop, 7002) == 45


async def test_a_refund_with_no_lines_falls_back_to_its_successful_refund_transactions(shop, drain):
    await _send(
        shop,
        drain,
        "orders/create",
        payloads.order(8001, subtotal="100.00", customer_body=payloads.customer(8002)),
    )
    assert await balance(shop, 8002) == 100
    refund = {
        "id": 8003,
        "order_id": 8001,
        "refund_line_items": [],
        "transactions": [
            {"id": 1, "amount": "30.00", "kind": "refund", "status": "success"},
            {"id": 2, "amount": "50.00", "kind": "refund", "status": "failure"},
            {"id": 3, "amount": "70.00", "kind": "sale", "status": "success"},
        ],
        "order_adjustments": [],
    }
    await _send(shop, drain, "refunds/create", refund)
    assert await _taken_back(shop) == [-30]
    assert await balance(shop, 8002) == 70
