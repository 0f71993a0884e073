"""Staff referral analytics over shop-local days, from real rows: clicks and unique
visitors of ``referral_clicks_daily``, claims, conversions that still stand, revenue,
the cost of rewards (points at the shop's point value, friends' discounts), ROI and the
top advocates; another shop's rows never count."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from loyalnest.contexts.referrals import api as referrals
from loyalnest.contexts.rewards import api as rewards
from loyalnest.platform.errors import ValidationFailed
from loyalnest.platform.uow import unit_of_work
from tests.contexts.points.helpers import execute
from tests.contexts.referrals.link_support import advocate, set_program

MARCH = {"start": date(2026, 3, 1), "end": date(2026, 3, 7)}


async def referral(shop: Any, advocate_id: int, source: str, status: str, **values: Any) -> None:
    columns = {
        "merchant_id": shop.id,
        "advocate_customer_id": advocate_id,
        "source": source,
        "status": status,
    }
    columns.update(values)
    names = ", ".join(columns)
    casts = {
        "claimed_at": "timestamptz",
        "ordered_at": "timestamptz",
        "rewarded_at": "timestamptz",
        "order_subtotal": "numeric",
        "order_refunded": "numeric",
    }
    # written as text (ISO times, amounts) and cast by PostgreSQL
    placeholders = ", ".join(
        f"cast(cast(:{n} as text) as {casts[n]})" if n in casts else f":{n}" for n in columns
    )
    await execute(f"insert into referrals ({names}) values ({placeholders})", **columns)


async def clicks(shop: Any, advocate_id: int, day: str, count: int, visitors: int) -> None:
    await execute(
        "insert into referral_clicks_daily (merchant_id, advocate_customer_id, day, clicks, unique_visitors)"
        " values (:m, :a, cast(cast(:d as text) as date), :c, :u)",
        m=shop.id,
        a=advocate_id,
        d=day,
        c=count,
        u=visitors,
    )


async def catalog_reward(shop: Any, value: str, points: int) -> None:
    async with unit_of_work() as uow:
        await rewards.create_reward(
            uow,
            merchant_id=shop.id,
            actor="staff:test",
            data=rewards.RewardInput(
                kind="fixed_amount",
                points_cost=points,
                titles=[("en", f"{value} off")],
                default_locale="en",
                value=Decimal(value),
            ),
        )


async def test_a_week_of_a_program(shop, make_shop):
    await execute("update merchants set iana_timezone = 'America/New_York' where id = :m", m=shop.id)
    await set_program(shop, enabled=True, friend_kind="fixed_amount", friend_value=Decimal("10"))
    await catalog_reward(shop, "5.00", 500)  # 0.01 a point: the best rate of the catalog
    await catalog_reward(shop, "1.00", 200)
    a, _ = await advocate(shop, 601)
    b, _ = await advocate(shop, 602)

    # a link-discount order, partly refunded, rewarded with 500 points
    await referral(
        shop, a, "link_discount", "rewarded", ordered_at="2026-03-02T15:00Z", order_subtotal="100.00",
        order_refunded="10.00", rewarded_at="2026-03-05T10:00Z", reward_points=500, shopify_order_id=1,
    )  # fmt: skip
    # claimed with an email, then ordered with the friend code: waiting its confirmation
    await referral(
        shop, a, "friend_code", "pending", claimed_at="2026-03-01T12:00Z", ordered_at="2026-03-03T12:00Z",
        order_subtotal="50.00", shopify_order_id=2,
    )  # fmt: skip
    await referral(
        shop, b, "cart_attribute", "completed", ordered_at="2026-03-04T12:00Z", order_subtotal="80.00",
        shopify_order_id=3,
    )  # fmt: skip
    await referral(shop, b, "claim", "claimed", claimed_at="2026-03-06T12:00Z")
    # a cancelled order is no conversion
    await referral(
        shop, a, "link_discount", "cancelled", ordered_at="2026-03-02T12:00Z", order_subtotal="60.00",
        shopify_order_id=4,
    )  # fmt: skip
    # 22:00 on 7 March in New York (03:00 UTC on the 8th): inside the range
    await referral(
        shop, a, "landing_url", "pending", ordered_at="2026-03-08T03:00Z", order_subtotal="20.00",
        shopify_order_id=5,
    )  # fmt: skip
    # 01:00 on 8 March in New York: outside; so is a claim of February
    await referral(
        shop, b, "cart_attribute", "pending", ordered_at="2026-03-08T06:00Z", order_subtotal="999.00",
        shopify_order_id=6,
    )  # fmt: skip
    await referral(shop, b, "claim", "claimed", claimed_at="2026-02-28T12:00Z")
    await clicks(shop, a, "2026-03-01", 10, 8)
    await clicks(shop, a, "2026-03-07", 5, 5)
    await clicks(shop, a, "2026-03-08", 100, 90)
    await clicks(shop, b, "2026-03-02", 20, 15)

    # another shop's busy week, same days and same customer ids where they collide
    other = await make_shop()
    await set_program(other, enabled=True, friend_kind="fixed_amount", friend_value=Decimal("10"))
    c, _ = await advocate(other, 601)
    await referral(
        other, c, "link_discount", "rewarded", claimed_at="2026-03-02T12:00Z", ordered_at="2026-03-02T12:00Z",
        order_subtotal="5000.00", rewarded_at="2026-03-03T12:00Z", reward_points=9000, shopify_order_id=1,
    )  # fmt: skip
    await clicks(other, c, "2026-03-02", 1000, 900)

    seen = await referrals.referral_analytics(shop.id, **MARCH)
    assert (seen.start, seen.end) == (date(2026, 3, 1), date(2026, 3, 7))
    assert (seen.clicks, seen.unique_visitors, seen.claims, seen.conversions) == (35, 28, 2, 4)
    assert seen.revenue == Decimal("240.00")  # 90 + 50 + 80 + 20
    assert seen.click_to_order_rate == Decimal("0.1143")  # 4 / 35
    # 500 points at 0.01 + two friends' 10.00 discounts (link discount, friend code)
    assert seen.reward_cost == Decimal("25.00")
    assert seen.roi == Decimal("8.6000")  # (240 - 25) / 25
    assert seen.top_advocates == (
        referrals.AdvocateStatDTO(customer_id=a, conversions=3, revenue=Decimal("160.00"), clicks=15),
        referrals.AdvocateStatDTO(customer_id=b, conversions=1, revenue=Decimal("80.00"), clicks=20),
    )

    theirs = await referrals.referral_analytics(other.id, **MARCH)
    assert (theirs.clicks, theirs.conversions, theirs.revenue) == (1000, 1, Decimal("5000.00"))
    assert [s.customer_id for s in theirs.top_advocates] == [c]


async def test_a_percentage_offer_costs_what_it_took_off_the_order(shop):
    await set_program(shop, enabled=True, friend_kind="percentage", friend_value=Decimal("20"))
    a, _ = await advocate(shop, 611)
    # 80.00 after 20 % off: the friend saved 20.00
    await referral(
        shop, a, "friend_code", "completed", ordered_at="2026-03-02T12:00Z", order_subtotal="80.00",
        shopify_order_id=11,
    )  # fmt: skip
    seen = await referrals.referral_analytics(shop.id, **MARCH)
    # no catalog reward to value points by and none posted: only the discount costs
    assert (seen.revenue, seen.reward_cost, seen.roi) == (
        Decimal("80.00"),
        Decimal("20.00"),
        Decimal("3.0000"),
    )
    assert seen.click_to_order_rate == Decimal("0.0000")  # no clicks recorded


async def test_a_quiet_shop_and_bad_ranges(shop):
    seen = await referrals.referral_analytics(shop.id, **MARCH)
    assert (seen.clicks, seen.unique_visitors, seen.claims, seen.conversions) == (0, 0, 0, 0)
    assert (seen.revenue, seen.reward_cost, seen.roi, seen.top_advocates) == (
        Decimal("0.00"),
        Decimal("0.00"),
        None,
        (),
    )
    with pytest.raises(ValidationFailed) as refused:
        await referrals.referral_analytics(shop.id, start=date(2026, 3, 7), end=date(2026, 3, 1))
    assert refused.value.field == "to"
    with pytest.raises(ValidationFailed):
        await referrals.referral_analytics(shop.id, start=date(2025, 1, 1), end=date(2026, 3, 1))
