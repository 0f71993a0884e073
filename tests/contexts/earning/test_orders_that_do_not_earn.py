"""Orders that must not earn (issue 8, item 3), through signed orders/create webhooks:
Shopify's own sample order (a test order, voided, already cancelled), test orders unless
the shop lets them earn, voided orders, orders cancelled in their own payload, and orders
whose amounts are in another currency than the shop's. Each is recorded with the reason
on its order row, and its inbox row is processed."""

from __future__ import annotations

import logging
from typing import Any

from tests import payloads
from tests.contexts.support import inbox_rows, ledger_rows, rows

SAMPLE_CUSTOMER = 115310627314723954

UPDATE = """
mutation ($earn: Boolean) {
  updateProgramSettings(testOrdersEarn: $earn) {
    programSettings { testOrdersEarn }
    userErrors { field message code }
  }
}
"""


def _sample(**changes: Any) -> dict[str, Any]:
    return payloads.shopify_sample_order_create() | changes


async def _send(shop: Any, drain: Any, topic: str, body: dict[str, Any]) -> None:
    response = await shop.webhook(topic, body)
    assert response.status_code == 200, response.text
    await drain()


async def _order_row(shop: Any, order_id: int) -> dict[str, Any]:
    [row] = await rows(
        "select points_earned, skip_reason, cancelled, eligible_amount from order_points"
        " where merchant_id = :m and shopify_order_id = :o",
        m=shop.id,
        o=order_id,
    )
    return row


async def _order_points(shop: Any) -> list[int]:
    return [r["delta"] for r in await ledger_rows(shop.id) if r["source"] == "order"]


async def test_shopifys_sample_order_earns_nothing_and_says_why(program_shop, drain, caplog):
    body = _sample()
    with caplog.at_level(logging.INFO, logger="loyalnest.contexts.earning.orders"):
        await _send(program_shop, drain, "orders/create", body)
    assert await _order_points(program_shop) == []  # was 4,049
    row = await _order_row(program_shop, body["id"])
    assert (row["points_earned"], row["skip_reason"], row["cancelled"]) == (0, "cancelled", True)
    assert [r["outcome"] for r in await inbox_rows(program_shop.id)] == ["processed"]
    # its cancellation arriving later takes nothing back
    await _send(program_shop, drain, "orders/cancelled", body)
    assert await ledger_rows(program_shop.id) == []
    # the log says which order and why, never who bought it
    [record] = [r for r in caplog.records if r.getMessage() == "order earns nothing"]
    assert (record.shopify_order_id, record.reason) == (body["id"], "cancelled")
    for pii in ("john@example.com", "jon@example.com", "Smith", str(SAMPLE_CUSTOMER)):
        assert pii not in repr(record.__dict__)


async def test_a_test_order_earns_nothing_unless_the_shop_lets_it(program_shop, drain):
    shop = program_shop
    await _send(shop, drain, "orders/create", _sample(cancelled_at=None, financial_status="paid"))
    assert await _order_points(shop) == []
    assert (await _order_row(shop, 820982911946154508))["skip_reason"] == "test_order"

    result = await shop.gql(UPDATE, {"earn": True})
    assert result["data"]["updateProgramSettings"] == {
        "programSettings": {"testOrdersEarn": True},
        "userErrors": [],
    }
    await _send(
        shop,
        drain,
        "orders/create",
        _sample(id=820982911946154509, cancelled_at=None, financial_status="paid"),
    )
    assert await _order_points(shop) == [4049]
    assert (await _order_row(shop, 820982911946154509))["skip_reason"] is None


async def test_a_voided_order_earns_nothing(program_shop, drain):
    await _send(program_shop, drain, "orders/create", _sample(cancelled_at=None, test=False))
    assert await _order_points(program_shop) == []
    assert (await _order_row(program_shop, 820982911946154508))["skip_reason"] == "voided"


async def test_the_same_order_paid_and_live_earns(program_shop, drain):
    """The sample with nothing that keeps it from earning: the rule's 10 per unit."""
    await _send(
        program_shop, drain, "orders/create", _sample(cancelled_at=None, test=False, financial_status="paid")
    )
    assert await _order_points(program_shop) == [4049]


async def test_an_order_in_another_currency_than_the_shops_is_skipped(make_shop, drain):
    shop = await make_shop(currency="EUR")
    body = payloads.order(9101, subtotal="80.00", currency="USD", customer_body=payloads.customer(9102))
    await _send(shop, drain, "orders/create", body)
    assert await _order_points(shop) == []
    row = await _order_row(shop, 9101)
    assert (row["points_earned"], row["skip_reason"]) == (0, "currency_mismatch")
    assert [r["outcome"] for r in await inbox_rows(shop.id)] == ["processed"]
    # the shop's own currency earns as always
    await _send(
        shop,
        drain,
        "orders/create",
        payloads.order(9103, subtotal="80.00", currency="EUR", customer_body=payloads.customer(9102)),
    )
    assert await _order_points(shop) == [80]
