"""The product stats refresh: per product, orders, revenue net of refunds, buyers and
repeat buyers, slipping buyers and the buyers' segments, from the orders as the RFM pass
stores them; run through the real actor (twice: idempotent), and shop by shop."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

from loyalnest.contexts.analytics import api as analytics
from loyalnest.devtools.simulate_rfm import write_orders
from loyalnest.platform import queue
from loyalnest.platform.uow import unit_of_work
from tests.contexts.analytics.products_support import (
    QUEUE,
    line,
    moved,
    order,
    person,
    refresh_through_worker,
    score,
    seed,
)
from tests.contexts.support import rows

P1, P2, P3, P4 = 9_000_000_001, 9_000_000_002, 9_000_000_003, 9_000_000_004


async def _history(shop: Any) -> list[int]:
    ids = await seed(
        shop,
        [person(), person()],
        [
            order(0, 60, line(P1, "10.00")),
            # the same product on two lines of one order: one order, both lines' units
            order(0, 10, line(P1, "20.00", quantity=2), line(P1, "4.00"), line(P2, "5.00")),
            order(1, 30, line(P1, "10.00", refunded="10.00")),
            order(1, 3, line(P3, "7.00"), cancelled=True),
            order(None, 1, line(P2, "5.00")),  # a guest
            order(1, 2, line(P4, "3.00")),
        ],
    )
    await score(shop, ids[0], "champions", r=5, f=5, m=5)
    await score(shop, ids[1], "at_risk", r=1, f=3, m=3)
    await moved(shop, ids[1], "loyal", "at_risk", days_ago=3)
    return ids


async def _stats(shop: Any) -> dict[int, dict[str, Any]]:
    found = await rows(
        "SELECT product_id, orders, units, revenue, buyers, repeat_buyers, repeat_rate, slipping_buyers,"
        " revenue_rank, orders_rank, recency_rank, repeat_rank"
        " FROM analytics_product_stats WHERE merchant_id = :m",
        m=shop.id,
    )
    return {r["product_id"]: r for r in found}


async def test_refresh_computes_each_product(shop: Any, drain: Callable[[], Awaitable[None]]) -> None:
    await _history(shop)
    await refresh_through_worker(shop, drain)
    stats = await _stats(shop)

    assert set(stats) == {P1, P2, P4}  # P3 sold only in a cancelled order
    p1 = stats[P1]
    assert (p1["orders"], p1["units"], p1["buyers"], p1["repeat_buyers"]) == (3, 5, 2, 1)
    assert p1["revenue"] == Decimal("34.00")  # 10 + 20 + 4 + (10 - 10 refunded)
    assert p1["repeat_rate"] == Decimal("0.5000")
    assert p1["slipping_buyers"] == 1
    p2 = stats[P2]
    assert (p2["orders"], p2["buyers"], p2["repeat_buyers"], p2["revenue"]) == (2, 1, 0, Decimal("10.00"))
    assert [p for p, _ in sorted(((p, s["revenue_rank"]) for p, s in stats.items()), key=lambda x: x[1])] == [
        P1,
        P2,
        P4,
    ]
    assert (stats[P2]["recency_rank"], stats[P4]["recency_rank"]) == (1, 2)  # 1 and 2 days ago

    segments = await rows(
        "SELECT product_id, segment, buyers, revenue FROM analytics_product_segment_stats"
        " WHERE merchant_id = :m ORDER BY product_id, segment",
        m=shop.id,
    )
    assert [(r["product_id"], r["segment"], r["buyers"], r["revenue"]) for r in segments] == [
        (P1, "at_risk", 1, Decimal("0.00")),
        (P1, "champions", 1, Decimal("34.00")),
        (P2, "champions", 1, Decimal("5.00")),
        (P4, "at_risk", 1, Decimal("3.00")),
    ]


async def test_refresh_is_idempotent_and_follows_new_orders(
    shop: Any, drain: Callable[[], Awaitable[None]]
) -> None:
    ids = await _history(shop)
    await refresh_through_worker(shop, drain)
    first = await _stats(shop)
    await refresh_through_worker(shop, drain)
    assert await _stats(shop) == first

    await write_orders(shop.id, [order(0, 0.5, line(P3, "9.00"))], ids)
    await refresh_through_worker(shop, drain)
    again = await _stats(shop)
    assert again[P3]["orders"] == 1
    assert again[P3]["recency_rank"] == 1


async def test_daily_fan_out_refreshes_every_shop_with_orders(
    make_shop: Callable[..., Awaitable[Any]], drain: Callable[[], Awaitable[None]]
) -> None:
    shop, other, idle = await make_shop(), await make_shop(), await make_shop()
    await _history(shop)
    await seed(other, [person()], [order(0, 5, line(P2, "8.00"))])
    queue.send("analytics.refresh_all_product_stats", QUEUE, {})
    await drain()

    assert set(await _stats(shop)) == {P1, P2, P4}
    other_stats = await _stats(other)
    assert set(other_stats) == {P2}
    assert other_stats[P2]["revenue"] == Decimal("8.00")  # its own order only
    assert await _stats(idle) == {}


async def test_queries_read_one_shop(
    make_shop: Callable[..., Awaitable[Any]], drain: Callable[[], Awaitable[None]]
) -> None:
    shop, other = await make_shop(), await make_shop()
    await _history(shop)
    await refresh_through_worker(shop, drain)
    await refresh_through_worker(other, drain)

    page = await analytics.list_product_rfm(shop.id, sort="revenue", first=2, after=None)
    assert [p.product_id for p in page.items] == [P1, P2]
    assert page.has_next_page
    rest = await analytics.list_product_rfm(shop.id, sort="revenue", first=2, after=page.items[-1].rank)
    assert [p.product_id for p in rest.items] == [P4]
    assert not rest.has_next_page

    slipping = await analytics.products_slipping(shop.id, first=10)
    assert [p.product_id for p in slipping.items] == [P1, P4]
    top = await analytics.top_products_of_segment(shop.id, "champions", first=10)
    assert [(t.product.product_id, t.segment_buyers, t.segment_revenue) for t in top] == [
        (P1, 1, Decimal("34.00")),
        (P2, 1, Decimal("5.00")),
    ]

    assert (await analytics.list_product_rfm(other.id, sort="revenue", first=10, after=None)).items == []
    assert await analytics.top_products_of_segment(other.id, "champions", first=10) == []
    assert await analytics.product_segment_counts(other.id, [P1]) == {P1: []}


async def test_concurrent_refreshes_of_one_shop_both_succeed(
    shop: Any, drain: Callable[[], Awaitable[None]]
) -> None:
    await _history(shop)

    async def refresh() -> int:
        async with unit_of_work() as uow:
            return (await analytics.refresh_product_stats(uow, shop.id)).products

    assert await asyncio.gather(refresh(), refresh()) == [3, 3]
    assert set(await _stats(shop)) == {P1, P2, P4}


async def test_a_full_rfm_recompute_refreshes_the_products_buyer_segments(
    shop: Any, drain: Callable[[], Awaitable[None]]
) -> None:
    await _history(shop)
    assert await _stats(shop) == {}
    await analytics.recompute_rfm(shop.id)
    await drain()  # the refresh the pass queued, run by the worker
    assert set(await _stats(shop)) == {P1, P2, P4}
