"""Campaigns on orders, through signed webhooks and the real worker: order and product
bonuses with their conditions (minimum amount, product ids and tags, first order,
every n-th order), refunds and cancellations taking each campaign part back and
adjusting the campaign's revenue, and orders using a campaign's discount code counted
in its results."""

from __future__ import annotations

from decimal import Decimal

from tests.contexts.campaigns import support
from tests.contexts.earning.test_purchase_rule import line, product, refunded_line
from tests.contexts.points.helpers import cancel, local_id, new_id, order, send
from tests.payloads import refund as refund_body


async def campaign_parts(shop, customer_id: int) -> list[tuple[int, int]]:
    return [
        (r["origin_id"], r["delta"])
        for r in await support.ledger(shop.id, customer_id)
        if r["origin_type"] == "campaign"
    ]


async def test_order_and_product_bonuses_with_their_conditions(shop, drain):
    tagged, other = new_id(), new_id()
    await send(shop, drain, "products/create", product(tagged, "New, Summer", "2026-11-01T10:00:00Z"))
    big_orders = await support.make_campaign(
        shop.id, name="Big orders", effect="order_bonus", bonus_points=50, min_order_amount=Decimal(60)
    )
    per_unit = await support.make_campaign(
        shop.id, name="New in", effect="product_unit_bonus", bonus_points=10, product_tags=("new",)
    )
    per_line = await support.make_campaign(
        shop.id, name="Line", effect="product_line_bonus", bonus_points=7, product_ids=(other,)
    )
    shopper = new_id()
    await order(
        shop, drain, new_id(), shopper, "80.00",
        line_items=[line(tagged, "20.00", quantity=3), line(other, "20.00")],
    )  # fmt: skip
    await order(shop, drain, new_id(), shopper, "20.00", line_items=[line(other, "20.00")])
    customer = await local_id(shop, shopper)
    assert await campaign_parts(shop, customer) == [
        (big_orders.id, 50),
        (per_unit.id, 30),
        (per_line.id, 7),
        (per_line.id, 7),
    ]
    big = await support.results(shop.id, big_orders.id)
    assert (big["orders_affected"], big["revenue"], big["customers_reached"]) == (1, Decimal(80), 1)
    assert (await support.results(shop.id, per_line.id))["orders_affected"] == 2


async def test_first_order_and_every_third_order(shop, drain):
    welcome = await support.make_campaign(
        shop.id, name="Welcome", effect="order_bonus", bonus_points=100, first_order=True
    )
    third = await support.make_campaign(
        shop.id, name="Every third", effect="order_bonus", bonus_points=30, every_nth_order=3
    )
    shopper = new_id()
    for _ in range(6):
        await order(shop, drain, new_id(), shopper, "10.00")
    customer = await local_id(shop, shopper)
    assert await campaign_parts(shop, customer) == [(welcome.id, 100), (third.id, 30), (third.id, 30)]


async def test_refunds_and_cancellations_take_campaign_parts_back(shop, drain):
    doubled = await support.make_campaign(shop.id, name="Double")
    shopper, refunded, cancelled = new_id(), new_id(), new_id()
    await order(shop, drain, refunded, shopper, "100.00")
    await order(shop, drain, cancelled, shopper, "40.00")
    customer = await local_id(shop, shopper)
    assert await campaign_parts(shop, customer) == [(doubled.id, 100), (doubled.id, 40)]
    before = await support.results(shop.id, doubled.id)
    assert (before["points_issued"], before["orders_affected"], before["revenue"]) == (140, 2, Decimal(140))

    refund = refund_body(new_id(), refunded, subtotal="25.00")
    await send(shop, drain, "refunds/create", refund | {"refund_line_items": [refunded_line(None, "25.00")]})
    await cancel(shop, drain, cancelled, shopper)

    parts = await campaign_parts(shop, customer)
    assert sum(delta for _, delta in parts) == 75  # 100 - 25, 40 - 40
    after = await support.results(shop.id, doubled.id)
    assert (after["points_issued"], after["orders_affected"], after["revenue"]) == (75, 1, Decimal(75))


async def test_orders_using_the_campaigns_discount_code_count_for_it(shop, drain):
    promo = await support.make_campaign(
        shop.id, name="Gold weekend", effect="order_bonus", bonus_points=5, discount_kind="percentage",
        discount_value=Decimal(15), discount_code="GOLD15", min_order_amount=Decimal(50),
    )  # fmt: skip
    await order(shop, drain, new_id(), new_id(), "60.00", discount_codes=["gold15"])  # bonus and code
    await order(shop, drain, new_id(), new_id(), "30.00", discount_codes=["GOLD15"])  # the code only
    await order(shop, drain, new_id(), new_id(), "70.00")  # the bonus only
    result = await support.results(shop.id, promo.id)
    assert (result["orders_affected"], result["discount_uses"], result["revenue"]) == (3, 2, Decimal(160))
    assert result["customers_reached"] == 2
