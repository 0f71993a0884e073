"""Real time against the full pass: a random sequence of orders (some redelivered, some
of guests, some test orders), refunds (some redelivered, some ahead of their order),
cancellations and day changes is published on units of work, as the webhooks context
publishes it, so the real handlers keep the summaries; then the full pass over the same
orders (with the same boundaries) must find nothing to change, for every customer."""

from __future__ import annotations

import math
import random
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import text

from loyalnest.contexts.analytics import api as analytics
from loyalnest.contexts.webhooks.events import (
    OrderCancelled,
    OrderLine,
    OrderPlaced,
    RefundCreated,
    RefundLine,
)
from loyalnest.platform.db import read_session
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import unit_of_work


def order_event(
    merchant_id: int, order_id: int, customer_id: int | None, placed_at: Any, amount: str, **kw: Any
):
    return OrderPlaced(
        merchant_id=merchant_id,
        shopify_order_id=order_id,
        customer_id=customer_id,
        currency="USD",
        subtotal=Decimal(amount),
        shipping=Decimal("5.00"),
        tax=Decimal("1.00"),
        taxes_included=False,
        discount_codes=(),
        lines=(
            OrderLine(
                product_id=order_id % 7 + 1,
                quantity=1,
                price=Decimal(amount),
                discount=Decimal(0),
                tax=Decimal(0),
            ),
        ),
        placed_at=placed_at,
        **kw,
    )


async def publish(events: list[Any]) -> None:
    async with unit_of_work() as uow:
        await uow.publish_events(events)


async def state(merchant_id: int) -> dict[int, tuple[Any, ...]]:
    async with read_session() as session:
        result = await session.execute(
            text(
                "SELECT customer_id, first_order_at, last_order_at, order_count, net_spend,"
                " weighted_frequency,"
                " weighted_monetary, r, f, m, segment FROM analytics_customer_rfm WHERE merchant_id = :m"
            ),
            {"m": merchant_id},
        )
        return {row[0]: tuple(row[1:]) for row in result}


def same(a: tuple[Any, ...], b: tuple[Any, ...]) -> bool:
    for x, y in zip(a, b, strict=True):
        if isinstance(x, float) and isinstance(y, float):
            if not math.isclose(x, y, rel_tol=1e-9):
                return False
        elif x != y:
            return False
    return True


@pytest.mark.parametrize(
    "update",
    [
        analytics.RfmConfigUpdate(),
        analytics.RfmConfigUpdate(mode="thresholds", time_weighting=True, half_life_days=30),
        analytics.RfmConfigUpdate(mode="quintiles", time_weighting=True, half_life_days=20, lookback_days=90),
    ],
    ids=["quintiles", "thresholds_weighted", "quintiles_weighted_short_window"],
)
async def test_real_time_equals_the_full_pass_for_every_customer(shop, update):
    rnd = random.Random(12)
    m = shop.id
    start = utcnow()
    if update != analytics.RfmConfigUpdate():
        async with unit_of_work() as uow:
            await analytics.update_rfm_config(uow, m, actor="staff:test", update=update)
    customers = list(range(900_001, 900_041))
    next_order = 7_000_000 + m * 10_000
    placed: list[tuple[int, int | None]] = []
    # an initial history and a full pass, so the quintile boundaries exist
    seed = []
    for cid in customers[:30]:
        for _ in range(rnd.randint(1, 4)):
            next_order += 1
            seed.append(
                order_event(
                    m, next_order, cid, start - timedelta(days=rnd.randint(40, 300), hours=1), "50.00"
                )
            )
            placed.append((next_order, cid))
    await publish(seed)
    async with unit_of_work() as uow:
        await analytics.full_recompute(uow, m)
    refund_id = 1
    # 40 days pass, a batch or two each day
    for day in range(40, 0, -1):
        batch: list[Any] = []
        for _ in range(rnd.randint(1, 6)):
            roll = rnd.random()
            when = start - timedelta(days=day, hours=rnd.choice([1, 5, 13]))
            if roll < 0.55 or not placed:
                next_order += 1
                cid = rnd.choice([*customers, None])
                amount = rnd.choice(["12.50", "30.00", "75.00", "150.00", "420.00"])
                batch.append(order_event(m, next_order, cid, when, amount, test=rnd.random() < 0.05))
                placed.append((next_order, cid))
            elif roll < 0.75:
                order_id, _ = rnd.choice(placed)
                refund_id += 1
                batch.append(
                    RefundCreated(
                        merchant_id=m,
                        shopify_refund_id=refund_id,
                        shopify_order_id=order_id,
                        line_subtotal=Decimal(rnd.choice(["5.00", "10.00", "200.00"])),
                        line_tax=Decimal(0),
                        shipping=Decimal(0),
                        lines=(
                            RefundLine(product_id=order_id % 7 + 1, subtotal=Decimal("5.00"), tax=Decimal(0)),
                        ),
                    )
                )
                if rnd.random() < 0.2:  # Shopify delivers the same refund again
                    batch.append(batch[-1])
            elif roll < 0.85:
                order_id, cid = rnd.choice(placed)
                batch.append(OrderCancelled(merchant_id=m, shopify_order_id=order_id, customer_id=cid))
            elif roll < 0.93:
                # a refund and a cancellation ahead of an order that arrives later
                next_order += 1
                cid = rnd.choice(customers)
                refund_id += 1
                early = RefundCreated(m, refund_id, next_order, Decimal("10.00"), Decimal(0), Decimal(0))
                await publish([early])
                batch.append(order_event(m, next_order, cid, when, "60.00"))
                placed.append((next_order, cid))
            else:
                # an order delivered again
                order_id, cid = rnd.choice(placed)
                batch.append(order_event(m, order_id, cid, when, "99.00"))
        # events of one type form one batch; mix the types as the inbox does
        await publish(batch)
    incremental = await state(m)
    async with unit_of_work() as uow:
        report = await analytics.full_recompute(uow, m, refresh_boundaries=False)
    full = await state(m)
    assert set(incremental) == set(full)
    differing = {cid: (incremental[cid], full[cid]) for cid in full if not same(incremental[cid], full[cid])}
    assert differing == {}
    assert report.segments_changed == 0
    assert len(full) >= 30
    assert len({row[-1] for row in full.values()}) >= 2
