"""What the segments tests share: customers, points and tiers made through those
contexts' api (as webhooks and staff would), RFM rows written as the RFM pass leaves
them (its table is the contract: this concern only reads it), and stored rows read with SQL."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from itertools import count
from typing import Any

from sqlalchemy import text

from loyalnest.contexts.customers import api as customers
from loyalnest.contexts.points import api as points
from loyalnest.contexts.tiers import api as tiers
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import unit_of_work
from tests.contexts.support import rows

_shopify_ids = count(7_000_000_000)


async def make_customer(shop: Any, *, tags: tuple[str, ...] = ()) -> int:
    async with unit_of_work() as uow:
        return await customers.upsert_from_shopify(
            uow,
            shop.id,
            customers.ShopifyCustomerFacts(shopify_customer_id=next(_shopify_ids), email=None, tags=tags),
        )


async def give_points(shop: Any, customer_id: int, delta: int) -> None:
    async with unit_of_work() as uow:
        await points.adjust_points(
            uow,
            merchant_id=shop.id,
            customer_id=customer_id,
            delta=delta,
            reason="test",
            actor="staff:test",
            idempotency_key=f"seg-test-{customer_id}-{delta}-{utcnow().timestamp()}",
        )


async def make_tier(shop: Any, name: str, threshold: str = "100") -> int:
    async with unit_of_work() as uow:
        tier = await tiers.create_tier(
            uow,
            merchant_id=shop.id,
            actor="staff:test",
            data=tiers.TierInput(names=[("en", name)], default_locale="en", threshold=Decimal(threshold)),
        )
    return tier.id


async def put_in_tier(shop: Any, customer_id: int, tier_id: int) -> None:
    async with unit_of_work() as uow:
        await tiers.assign_tier(
            uow,
            merchant_id=shop.id,
            actor="staff:test",
            customer_id=customer_id,
            tier_id=tier_id,
            until=None,
            reason="test",
        )


async def score(
    shop: Any,
    customer_id: int,
    r: int,
    f: int,
    m: int,
    segment: str,
    *,
    last_order_days: int = 10,
    now: datetime | None = None,
) -> None:
    """The customer's RFM row as the RFM pass writes it."""
    last = (now or utcnow()) - timedelta(days=last_order_days, hours=1)
    async with unit_of_work() as uow:
        await uow.session.execute(
            text(
                "INSERT INTO analytics_customer_rfm (merchant_id, customer_id, first_order_at, last_order_at,"
                " order_count, net_spend, r, f, m, segment, segment_since, updated_at)"
                " VALUES (:m, :c, :last, :last, 1, 10, :r, :f, :mm, :s, now(), now())"
                " ON CONFLICT (merchant_id, customer_id) DO UPDATE SET r = :r, f = :f, m = :mm, segment = :s,"
                " last_order_at = :last"
            ),
            {"m": shop.id, "c": customer_id, "last": last, "r": r, "f": f, "mm": m, "s": segment},
        )


async def members(shop: Any, segment_id: int) -> list[int]:
    found = await rows(
        "SELECT customer_id FROM analytics_custom_segment_members WHERE merchant_id = :m AND segment_id = :s"
        " ORDER BY customer_id",
        m=shop.id,
        s=segment_id,
    )
    return [r["customer_id"] for r in found]
