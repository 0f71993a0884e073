"""Conversions: an order within 7 days of a click counts for the clicked variant, once
per order, in one statement per batch; and the results per variant with the z-test."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from loyalnest.contexts.analytics import api as analytics
from loyalnest.contexts.analytics.handlers import nudges as handlers
from loyalnest.contexts.webhooks.events import OrderPlaced
from loyalnest.platform.db import observe_statements
from loyalnest.platform.uow import unit_of_work
from tests.contexts.analytics.nudges_support import execute, make_customer, make_nudge, record
from tests.contexts.support import rows

_orders = itertools.count(int(datetime.now(UTC).timestamp()) * 1000)


def order(
    merchant_id: int, customer_id: int | None, *, at: datetime | None = None, test: bool = False
) -> OrderPlaced:
    return OrderPlaced(
        merchant_id=merchant_id,
        shopify_order_id=next(_orders),
        customer_id=customer_id,
        currency="USD",
        subtotal=Decimal("40.00"),
        shipping=Decimal("0"),
        tax=Decimal("0"),
        taxes_included=False,
        discount_codes=(),
        test=test,
        placed_at=at or datetime.now(UTC),
    )


async def handle(events: list[OrderPlaced]) -> list[str]:
    """Run the nudges' OrderPlaced handler on a batch; the statements it sent."""
    seen: list[str] = []
    async with unit_of_work() as uow:
        with observe_statements(seen.append):
            await handlers.record_nudge_conversions(uow, events)
    return [s for s in seen if not s.strip().upper().startswith(("BEGIN", "COMMIT", "SELECT 1"))]


async def conversions(merchant_id: int) -> list[dict]:
    return await rows(
        "SELECT shopify_order_id, nudge_id, variant_id, customer_id, amount FROM analytics_nudge_conversions"
        " WHERE merchant_id = :m ORDER BY shopify_order_id",
        m=merchant_id,
    )


async def test_orders_within_7_days_of_a_click_convert_once_in_one_statement(make_shop) -> None:
    shop, other_shop = await make_shop(), await make_shop()
    clicker, viewer = await make_customer(shop.id), await make_customer(shop.id)
    other_clicker = await make_customer(other_shop.id)
    nudge = await make_nudge(shop.id)
    other_nudge = await make_nudge(other_shop.id)
    await record(shop.id, clicker, nudge, "view")
    await record(shop.id, clicker, nudge, "click")
    await record(shop.id, viewer, nudge, "view")
    await record(other_shop.id, other_clicker, other_nudge, "click")

    first, second = order(shop.id, clicker), order(shop.id, clicker)
    late = order(shop.id, clicker, at=datetime.now(UTC) + timedelta(days=8))
    before = order(shop.id, clicker, at=datetime.now(UTC) - timedelta(hours=1))
    batch = [
        first, second, late, before, order(shop.id, viewer), order(shop.id, None),
        order(shop.id, clicker, test=True), order(other_shop.id, other_clicker),
    ]  # fmt: skip
    statements = await handle(batch)
    # every shop of the batch in one statement
    assert len(statements) == 1, statements
    assert "analytics_nudge_conversions" in statements[0]

    found = await conversions(shop.id)
    assert [(r["shopify_order_id"], r["variant_id"], r["customer_id"]) for r in found] == [
        (first.shopify_order_id, nudge.variants[0].id, clicker),
        (second.shopify_order_id, nudge.variants[0].id, clicker),
    ]
    assert [r["amount"] for r in found] == [Decimal("40.00"), Decimal("40.00")]
    assert len(await conversions(other_shop.id)) == 1

    # a replayed batch adds nothing (one conversion per order)
    await handle(batch)
    assert len(await conversions(shop.id)) == 2
    # a batch of guests and test orders sends no statement at all
    assert await handle([order(shop.id, None), order(shop.id, clicker, test=True)]) == []


async def test_the_latest_click_within_the_window_wins(shop) -> None:
    customer = await make_customer(shop.id)
    older, newer = await make_nudge(shop.id, name="older"), await make_nudge(shop.id, name="newer")
    await record(shop.id, customer, older, "click")
    await record(shop.id, customer, newer, "click")
    await execute(
        "UPDATE analytics_nudge_events SET occurred_at = now() - interval '2 days'"
        " WHERE merchant_id = :m AND nudge_id = :n",
        m=shop.id,
        n=older.id,
    )
    placed = order(shop.id, customer)
    await handle([placed])
    assert [r["nudge_id"] for r in await conversions(shop.id)] == [newer.id]


async def test_results_per_variant_against_the_control(shop) -> None:
    nudge = await make_nudge(
        shop.id,
        variants=(analytics.VariantSpec(name="Control", weight=1), analytics.VariantSpec(name="B", weight=1)),
    )
    control, b = nudge.variants
    # 40 viewers each; control: 4 click, 2 convert; B: 20 click, 15 convert
    customers = [await make_customer(shop.id) for _ in range(80)]
    batch = []
    for i, customer in enumerate(customers):
        variant = control if i < 40 else b
        await record(shop.id, customer, nudge, "view", variant.id)
        rank = i % 40
        if (variant is control and rank < 4) or (variant is b and rank < 20):
            await record(shop.id, customer, nudge, "click", variant.id)
            if (variant is control and rank < 2) or (variant is b and rank < 15):
                batch.append(order(shop.id, customer))
    await handle(batch)

    results = await analytics.nudge_results(shop.id, nudge.id)
    assert results is not None
    assert results.control_variant_id == control.id
    by_id = {v.variant_id: v for v in results.variants}
    c, v = by_id[control.id], by_id[b.id]
    assert (c.views, c.clicks, c.conversions, c.converted_customers) == (40, 4, 2, 2)
    assert (v.views, v.clicks, v.conversions, v.converted_customers) == (40, 20, 15, 15)
    assert c.ctr == 0.1
    assert v.ctr == 0.5
    assert v.conversion_rate == 15 / 40
    assert v.revenue == Decimal("600.00")
    assert c.p_value is None
    assert c.significant is False
    assert v.p_value == analytics.two_proportion_p_value(15, 40, 2, 40)
    assert v.p_value is not None
    assert v.p_value < 0.001
    assert v.significant is True
    assert v.ctr_p_value is not None
    assert v.ctr_p_value < 0.001

    # a variant removed later keeps its numbers in the results
    async with unit_of_work() as uow:
        await analytics.set_nudge_variants(
            uow, merchant_id=shop.id, actor="staff:test", nudge_id=nudge.id,
            variants=[analytics.VariantSpec(name="B", weight=1, control=True, id=b.id)],
        )  # fmt: skip
    after = await analytics.nudge_results(shop.id, nudge.id)
    assert after is not None
    assert after.control_variant_id == b.id
    removed = {v.variant_id: v for v in after.variants}[control.id]
    assert removed.removed is True
    assert removed.views == 40


async def test_with_real_time_off_the_daily_pass_catches_up(shop, monkeypatch) -> None:
    import loyalnest.settings as settings_module
    from loyalnest.contexts.analytics.tasks.nudges import catch_up_nudge_conversions

    off = settings_module.get_settings().model_copy(update={"analytics_realtime": False})
    monkeypatch.setattr(settings_module, "get_settings", lambda: off)
    customer = await make_customer(shop.id)
    nudge = await make_nudge(shop.id)
    await record(shop.id, customer, nudge, "click")
    placed = order(shop.id, customer)
    # the hot path sends nothing at all
    assert await handle([placed]) == []
    assert await conversions(shop.id) == []
    # the RFM concern stored the order; the daily pass attributes it
    await execute(
        "INSERT INTO analytics_orders (merchant_id, shopify_order_id, customer_id, placed_at, amount)"
        " VALUES (:m, :o, :c, now(), 40)",
        m=shop.id,
        o=placed.shopify_order_id,
        c=customer,
    )
    await catch_up_nudge_conversions()
    await catch_up_nudge_conversions()  # twice: still one conversion per order
    assert [r["shopify_order_id"] for r in await conversions(shop.id)] == [placed.shopify_order_id]
