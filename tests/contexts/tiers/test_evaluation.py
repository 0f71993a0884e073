"""Customers climb, keep and lose tiers as they earn, get refunds, and as time passes,
evaluated in the transaction that posts the earning (orders through the signed webhook
route, the real worker), under each retention policy and period."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from loyalnest.contexts.tiers import api as tiers
from loyalnest.platform import queue
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import unit_of_work
from tests.contexts.points.helpers import account, cancel, execute, local_id, new_id, order, refund
from tests.contexts.tiers.support import (
    age_activity,
    configure,
    expire_retention,
    history,
    ladder,
    ledger,
    reevaluate,
    standing,
    tier_of,
)


async def test_customers_climb_as_they_earn_and_jump_tiers_at_once(shop, drain, tier_events):
    silver, gold, black = await ladder(
        shop,
        drain,
        {"name": "Silver", "threshold": 100, "entry_bonus_points": 10},
        {"name": "Gold", "threshold": 300, "entry_bonus_points": 50},
        {"name": "Black", "threshold": 1000, "entry_bonus_points": 500},
    )
    cid = new_id()
    await order(shop, drain, new_id(), cid, "50.00")
    customer = await local_id(shop, cid)
    assert await tier_of(shop, customer) is None

    await order(shop, drain, new_id(), cid, "60.00")
    assert await tier_of(shop, customer) == silver.id
    assert (await standing(shop, customer)).metric_value == Decimal("110")

    # 110 + 10 (bonus, not counted) + 400: past Gold at once
    await order(shop, drain, new_id(), cid, "400.00")
    assert await tier_of(shop, customer) == gold.id
    assert await history(shop, customer) == [
        (None, silver.id, "qualified"),
        (silver.id, gold.id, "qualified"),
    ]
    assert [(e.from_tier_id, e.to_tier_id, e.reason) for e in tier_events] == [
        (None, silver.id, "qualified"),
        (silver.id, gold.id, "qualified"),
    ]
    bonuses = await ledger(shop, customer, "tier_bonus")
    assert [(b["delta"], b["source"], b["origin_id"]) for b in bonuses] == [
        (10, "tier_entry", silver.id),
        (50, "tier_entry", gold.id),
    ]
    assert (await account(shop, customer)).balance == 50 + 60 + 400 + 10 + 50
    del black


async def test_a_jump_over_several_tiers_gives_only_the_reached_tiers_entry_bonus(shop, drain):
    silver, gold = await ladder(
        shop,
        drain,
        {"name": "Silver", "threshold": 100, "entry_bonus_points": 10},
        {"name": "Gold", "threshold": 300, "entry_bonus_points": 50},
    )
    cid = new_id()
    await order(shop, drain, new_id(), cid, "500.00")
    customer = await local_id(shop, cid)
    assert await tier_of(shop, customer) == gold.id
    assert await history(shop, customer) == [(None, gold.id, "qualified")]
    assert [b["delta"] for b in await ledger(shop, customer, "tier_bonus")] == [50]
    del silver


async def test_the_tier_multiplies_the_triggers_it_names(shop, drain):
    (gold,) = await ladder(shop, drain, {"name": "Gold", "threshold": 100, "multiplier": Decimal("1.50")})
    cid = new_id()
    first = new_id()
    await order(shop, drain, first, cid, "100.00")  # reaches Gold with this order: no bonus on it
    customer = await local_id(shop, cid)
    assert await tier_of(shop, customer) == gold.id
    second = new_id()
    await order(shop, drain, second, cid, "45.00")
    rows_ = await ledger(shop, customer)
    assert [(r["kind"], r["delta"], r["idempotency_key"], r["origin_type"], r["reason"]) for r in rows_] == [
        ("earn", 100, f"order:{first}:earn", "rule", None),
        ("earn", 45, f"order:{second}:earn", "rule", None),
        ("tier_bonus", 22, f"order:{second}:tier", "tier", "Gold ×1.50"),  # noqa: RUF001
    ]
    # a refund takes the tier part back in proportion, as the base
    await refund(shop, drain, second, "45.00")
    assert (await account(shop, customer)).balance == 100


async def test_a_refund_downgrades_at_once_under_immediate_and_never_under_never(make_shop, drain):
    for retention, expected in (("immediate", "silver"), ("never", "gold")):
        shop = await make_shop()
        await configure(shop, drain, retention=retention)
        silver, gold = await ladder(
            shop, drain, {"name": "Silver", "threshold": 100}, {"name": "Gold", "threshold": 300}
        )
        cid, oid = new_id(), new_id()
        await order(shop, drain, oid, cid, "350.00")
        customer = await local_id(shop, cid)
        assert await tier_of(shop, customer) == gold.id
        await refund(shop, drain, oid, "200.00")
        assert (await standing(shop, customer)).metric_value == Decimal("150")
        tiers_by_name = {"silver": silver.id, "gold": gold.id}
        assert await tier_of(shop, customer) == tiers_by_name[expected]
        if retention == "immediate":
            assert (await history(shop, customer))[-1] == (gold.id, silver.id, "refund")


async def test_money_spent_after_refunds_and_orders_count(make_shop, drain):
    shop = await make_shop()
    await configure(shop, drain, metric="money", retention="immediate")
    (vip,) = await ladder(shop, drain, {"name": "VIP", "threshold": "99.50"})
    cid, oid = new_id(), new_id()
    await order(shop, drain, oid, cid, "100.00")
    customer = await local_id(shop, cid)
    assert await tier_of(shop, customer) == vip.id
    await refund(shop, drain, oid, "0.60")
    assert (await standing(shop, customer)).metric_value == Decimal("99.40")
    assert await tier_of(shop, customer) is None

    orders_shop = await make_shop()
    await configure(orders_shop, drain, metric="orders", retention="immediate")
    (regular,) = await ladder(orders_shop, drain, {"name": "Regular", "threshold": 2})
    first, second = new_id(), new_id()
    await order(orders_shop, drain, first, cid, "5.00")
    await order(orders_shop, drain, second, cid, "5.00")
    other = await local_id(orders_shop, cid)
    assert await tier_of(orders_shop, other) == regular.id
    await cancel(orders_shop, drain, second, cid)
    assert await tier_of(orders_shop, other) is None


async def test_the_entry_bonus_is_given_once_per_period(make_shop, drain):
    shop = await make_shop()
    await configure(shop, drain, period="calendar_year", retention="immediate")
    silver, gold = await ladder(
        shop,
        drain,
        {"name": "Silver", "threshold": 100},
        {"name": "Gold", "threshold": 300, "entry_bonus_points": 50},
    )
    cid, oid = new_id(), new_id()
    await order(shop, drain, oid, cid, "300.00")
    customer = await local_id(shop, cid)
    await refund(shop, drain, oid, "100.00")  # down to Silver
    await order(shop, drain, new_id(), cid, "100.00")  # back in Gold, the same year
    assert await tier_of(shop, customer) == gold.id
    bonuses = await ledger(shop, customer, "tier_bonus")
    year = str(utcnow().year)
    assert [(b["delta"], b["idempotency_key"]) for b in bonuses] == [
        (50, f"tier:{gold.id}:entry:{customer}:{year}")
    ]
    # as if that bonus had been given in 2000: it does not count against this year
    await execute("update tier_entry_awards set period_key = '2000' where merchant_id = :m", m=shop.id)
    await execute(
        "update points_ledger set idempotency_key = replace(idempotency_key, :y, :old)"
        " where merchant_id = :m and kind = 'tier_bonus'",
        y=f":{year}",
        old=":2000",
        m=shop.id,
    )
    await refund(shop, drain, oid, "100.00")
    await order(shop, drain, new_id(), cid, "100.00")
    assert [b["delta"] for b in await ledger(shop, customer, "tier_bonus")] == [50, 50]
    del silver


async def test_a_rolling_window_that_slides_downgrades_in_the_periodic_pass(make_shop, drain, tier_events):
    shop = await make_shop()
    await configure(shop, drain, period="rolling_12_months", retention="immediate")
    (gold,) = await ladder(shop, drain, {"name": "Gold", "threshold": 100})
    cid = new_id()
    await order(shop, drain, new_id(), cid, "150.00")
    customer = await local_id(shop, cid)
    assert await tier_of(shop, customer) == gold.id
    # eleven months on nothing has left the window
    await age_activity(shop, customer, "11 months")
    await reevaluate(shop, drain)
    assert await tier_of(shop, customer) == gold.id
    await age_activity(shop, customer, "2 months")
    tier_events.clear()
    await reevaluate(shop, drain)
    assert await tier_of(shop, customer) is None
    assert (await history(shop, customer))[-1] == (gold.id, None, "retention_expired")
    assert [(e.customer_id, e.from_tier_id, e.to_tier_id) for e in tier_events] == [(customer, gold.id, None)]
    # a pass with nothing due changes nothing
    await reevaluate(shop, drain)
    assert len(await history(shop, customer)) == 2


async def test_a_calendar_year_keeps_the_tier_through_the_next_year_then_drops_one(make_shop, drain):
    shop = await make_shop()
    await configure(shop, drain, period="calendar_year", retention="end_of_next_period")
    silver, gold = await ladder(
        shop, drain, {"name": "Silver", "threshold": 100}, {"name": "Gold", "threshold": 300}
    )
    cid = new_id()
    await order(shop, drain, new_id(), cid, "400.00")
    customer = await local_id(shop, cid)
    # it all happened last year: this year's metric is 0, Gold is kept until next 1 January
    await age_activity(shop, customer, "1 year")
    await reevaluate(shop, drain)
    kept = await standing(shop, customer)
    assert (kept.tier_id, kept.metric_value) == (gold.id, Decimal(0))
    assert kept.retain_until == datetime(utcnow().year + 1, 1, 1, tzinfo=UTC)
    # that day comes: one tier down, Silver kept on the same terms
    await expire_retention(shop, customer)
    await reevaluate(shop, drain)
    dropped = await standing(shop, customer)
    assert dropped.tier_id == silver.id
    assert dropped.retain_until is not None
    assert dropped.retain_until > utcnow()
    assert (await history(shop, customer))[-1] == (gold.id, silver.id, "retention_expired")


async def test_a_manual_tier_holds_until_its_end_then_the_metric_decides(make_shop, drain):
    shop = await make_shop()
    silver, gold = await ladder(
        shop, drain, {"name": "Silver", "threshold": 100}, {"name": "Gold", "threshold": 300}
    )
    cid = new_id()
    await order(shop, drain, new_id(), cid, "150.00")
    customer = await local_id(shop, cid)
    async with unit_of_work() as uow:
        await tiers.assign_tier(
            uow,
            merchant_id=shop.id,
            actor="staff:1",
            customer_id=customer,
            tier_id=gold.id,
            until=utcnow() + timedelta(days=7),
            reason="influencer",
        )
    await order(shop, drain, new_id(), cid, "10.00")
    assert await tier_of(shop, customer) == gold.id
    await execute(
        "update customer_tiers set manual_until = now() - interval '1 second' where merchant_id = :m",
        m=shop.id,
    )
    await reevaluate(shop, drain)
    after = await standing(shop, customer)
    assert (after.tier_id, after.manual) == (silver.id, False)
    assert await history(shop, customer) == [
        (None, silver.id, "qualified"),
        (silver.id, gold.id, "manual"),
        (gold.id, silver.id, "retention_expired"),
    ]


async def test_new_tiers_re_tier_every_customer_in_the_background(make_shop, drain):
    shop = await make_shop()
    customers = []
    for subtotal in ("50.00", "150.00", "400.00"):
        cid = new_id()
        await order(shop, drain, new_id(), cid, subtotal)
        customers.append(await local_id(shop, cid))
    silver, gold = await ladder(
        shop,
        drain,
        {"name": "Silver", "threshold": 100, "entry_bonus_points": 5},
        {"name": "Gold", "threshold": 300, "entry_bonus_points": 20},
    )
    assert [await tier_of(shop, c) for c in customers] == [None, silver.id, gold.id]
    run = await tiers.latest_retier(shop.id)
    assert run is not None
    assert (run.status, run.total, run.done) == ("done", 3, 3)
    assert [b["delta"] for b in await ledger(shop, customers[2], "tier_bonus")] == [20]
    # the same run again (a redelivered message) does nothing
    queue.send(tiers.RETIER_SHOP_ACTOR, tiers.TIERS_QUEUE, {"merchant_id": shop.id, "run_id": run.id})
    await drain()
    assert [b["delta"] for b in await ledger(shop, customers[2], "tier_bonus")] == [20]
    assert len(await history(shop, customers[2])) == 1
    # raising Gold's threshold moves its holder down (retention NEVER keeps earned
    # tiers, but a ladder change re-evaluates as the metric says only upward)
    async with unit_of_work() as uow:
        await tiers.update_tier(
            uow,
            merchant_id=shop.id,
            actor="staff:1",
            tier_id=silver.id,
            update=tiers.TierUpdate(threshold=Decimal(40)),
        )
    await drain()
    assert [await tier_of(shop, c) for c in customers] == [silver.id, silver.id, gold.id]
