"""The RFM actors on the real broker and worker: the daily fan-out recomputes every shop
with orders, and a recompute delivered twice (Dramatiq is at-least-once) leaves the same
scores and records no change twice."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from loyalnest.contexts.analytics import api as analytics
from loyalnest.platform import queue
from loyalnest.platform.timeutil import utcnow
from tests.contexts.analytics.test_rfm_reference import Order, write_orders
from tests.contexts.support import rows


async def test_the_daily_fan_out_recomputes_each_shop_idempotently(make_shop, drain):
    a, b, idle = await make_shop(), await make_shop(), await make_shop()
    now = utcnow()
    for shop, base in ((a, 81_000_000), (b, 82_000_000)):
        orders = [
            Order(base + i, 1 + i % 7, now - timedelta(days=i * 11, hours=2), Decimal(20 + i * 15))
            for i in range(20)
        ]
        await write_orders(shop.id, orders, 0)

    queue.send(analytics.SCHEDULE_RFM_RECOMPUTES_ACTOR, analytics.ANALYTICS_RFM_QUEUE, {})
    await drain()
    for shop in (a, b):
        config = await analytics.get_rfm_config(shop.id)
        assert config.last_recomputed_at is not None
        assert config.frequency_cuts is not None
        assert len(await analytics.all_customer_rfm(shop.id)) == 7
    assert (await analytics.get_rfm_config(idle.id)).last_recomputed_at is None

    scores = await analytics.all_customer_rfm(a.id)
    history = await rows("select count(*) as n from analytics_segment_history where merchant_id = :m", m=a.id)
    for _ in range(2):  # delivered again
        queue.send(analytics.RECOMPUTE_RFM_ACTOR, analytics.ANALYTICS_RFM_QUEUE, {"merchant_id": a.id})
    await drain()
    assert await analytics.all_customer_rfm(a.id) == scores
    again = await rows("select count(*) as n from analytics_segment_history where merchant_id = :m", m=a.id)
    assert again == history == [{"n": 7}]
    daily = await rows(
        "select sum(customers) as n, count(*) as segments from analytics_segment_daily"
        " where merchant_id = :m",
        m=a.id,
    )
    assert daily == [{"n": 7, "segments": 12}]
