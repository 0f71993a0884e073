"""The order copy's lines, kept as arrays of the order's row by the real handlers: in
Shopify's line order, a refund's amounts on the first line of each refunded product,
a redelivered refund counted once, a redelivered order keeping its first lines, and a
refund ahead of its order (its line amounts lost with the lines it could not find);
the product stats read them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from loyalnest.contexts.analytics import api as analytics
from loyalnest.contexts.webhooks.events import OrderLine, OrderPlaced, RefundCreated, RefundLine
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import unit_of_work
from tests.contexts.support import rows

P1, P2, P3 = 9_300_000_001, 9_300_000_002, 9_300_000_003


def placed(
    merchant_id: int, order_id: int, customer_id: int, *lines: tuple[int | None, int, str]
) -> OrderPlaced:
    return OrderPlaced(
        merchant_id=merchant_id,
        shopify_order_id=order_id,
        customer_id=customer_id,
        currency="USD",
        subtotal=sum((Decimal(price) * quantity for _, quantity, price in lines), Decimal(0)),
        shipping=Decimal(0),
        tax=Decimal(0),
        taxes_included=False,
        discount_codes=(),
        lines=tuple(
            OrderLine(product_id=p, quantity=q, price=Decimal(price), discount=Decimal(0), tax=Decimal(0))
            for p, q, price in lines
        ),
        placed_at=utcnow(),
    )


def refund(merchant_id: int, refund_id: int, order_id: int, *lines: tuple[int | None, str]) -> RefundCreated:
    return RefundCreated(
        merchant_id=merchant_id,
        shopify_refund_id=refund_id,
        shopify_order_id=order_id,
        line_subtotal=sum((Decimal(amount) for _, amount in lines), Decimal(0)),
        line_tax=Decimal(0),
        shipping=Decimal(0),
        lines=tuple(
            RefundLine(product_id=p, subtotal=Decimal(amount), tax=Decimal(0)) for p, amount in lines
        ),
    )


async def publish(*events: Any) -> None:
    async with unit_of_work() as uow:
        await uow.publish_events(list(events))


async def lines_of(merchant_id: int, order_id: int) -> dict[str, Any]:
    found = await rows(
        "select refunded, line_products, line_quantities, line_revenues, line_refunds from analytics_orders"
        " where merchant_id = :m and shopify_order_id = :o",
        m=merchant_id,
        o=order_id,
    )
    return found[0]


async def test_lines_refunds_and_redeliveries(shop: Any) -> None:
    m = shop.id
    buyer = 9_300_000_100  # analytics rows name a customer id, no row needed
    await publish(
        placed(m, 501, buyer, (P1, 2, "15.00"), (P2, 1, "12.00"), (None, 1, "3.00"), (P1, 1, "5.00"))
    )
    first = await lines_of(m, 501)
    assert first["line_products"] == [P1, P2, None, P1]
    assert first["line_quantities"] == [2, 1, 1, 1]
    assert first["line_revenues"] == [Decimal("30.00"), Decimal("12.00"), Decimal("3.00"), Decimal("5.00")]
    assert first["line_refunds"] == [Decimal(0)] * 4

    # P1's refund goes to its first line; a redelivery of the refund counts nothing
    await publish(refund(m, 71, 501, (P1, "10.00"), (P2, "12.00")))
    await publish(refund(m, 71, 501, (P1, "10.00"), (P2, "12.00")))
    after = await lines_of(m, 501)
    assert after["refunded"] == Decimal("22.00")
    assert after["line_refunds"] == [Decimal("10.00"), Decimal("12.00"), Decimal(0), Decimal(0)]
    # two refunds of one order in one batch add up on the same line
    await publish(refund(m, 72, 501, (P1, "5.00")), refund(m, 73, 501, (P1, "1.00"), (P3, "9.00")))
    assert (await lines_of(m, 501))["line_refunds"] == [
        Decimal("16.00"),
        Decimal("12.00"),
        Decimal(0),
        Decimal(0),
    ]

    # a redelivered order keeps its first lines (and what was refunded on them)
    await publish(placed(m, 501, buyer, (P3, 1, "99.00")))
    again = await lines_of(m, 501)
    assert again["line_products"] == [P1, P2, None, P1]
    assert again["line_refunds"][0] == Decimal("16.00")

    # a refund ahead of its order: the order's row without lines, then the order's lines
    await publish(refund(m, 74, 502, (P2, "4.00")))
    early = await lines_of(m, 502)
    assert (early["refunded"], early["line_products"], early["line_refunds"]) == (Decimal("4.00"), [], [])
    await publish(placed(m, 502, buyer, (P2, 1, "20.00")))
    late = await lines_of(m, 502)
    assert (late["refunded"], late["line_products"], late["line_refunds"]) == (
        Decimal("4.00"),
        [P2],
        [Decimal(0)],
    )

    # the product stats read the arrays: revenue net of the lines' refunds
    async with unit_of_work() as uow:
        await analytics.refresh_product_stats(uow, m)
    stats = {
        r["product_id"]: r
        for r in await rows(
            "select product_id, orders, units, revenue from analytics_product_stats where merchant_id = :m",
            m=m,
        )
    }
    assert (stats[P1]["orders"], stats[P1]["units"]) == (1, 3)
    assert stats[P1]["revenue"] == Decimal("19.00")  # 30 + 5 - 16
    assert (stats[P2]["orders"], stats[P2]["revenue"]) == (2, Decimal("20.00"))  # 12 - 12 + 20
    assert P3 not in stats
