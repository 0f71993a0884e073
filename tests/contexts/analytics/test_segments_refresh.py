"""Custom segments' members, materialised by ``refresh_custom_segment_members``: RFM-only
rules in one SQL statement, rules reading tier, points or tags in Python over the other
contexts' api; the background actor run by the real worker, twice (idempotent)."""

from __future__ import annotations

from typing import Any

from loyalnest.contexts.analytics import api as analytics
from loyalnest.platform import queue
from loyalnest.platform.uow import unit_of_work
from tests.contexts.analytics.segments_support import (
    give_points,
    make_customer,
    make_tier,
    members,
    put_in_tier,
    score,
)


async def create(shop: Any, name: str, rule: str) -> analytics.CustomSegmentDTO:
    async with unit_of_work() as uow:
        return await analytics.create_custom_segment(
            uow, shop.id, analytics.CustomSegmentInput(name=name, rule=rule), actor="staff:test"
        )


async def refresh(shop: Any) -> int:
    async with unit_of_work() as uow:
        return await analytics.refresh_custom_segment_members(uow, shop.id)


async def test_rfm_rules_materialise_in_sql_and_follow_changes(
    shop: Any, make_shop: Any, broker: Any
) -> None:
    a, b, c = [await make_customer(shop) for _ in range(3)]
    await score(shop, a, 5, 5, 5, "champions", last_order_days=3)
    await score(shop, b, 2, 4, 4, "at_risk", last_order_days=70)
    await score(shop, c, 1, 1, 1, "lost", last_order_days=200)
    other_shop = await make_shop()
    stranger = await make_customer(other_shop)
    await score(other_shop, stranger, 5, 5, 5, "champions", last_order_days=1)

    recent = await create(shop, "Recent big", "r >= 4 and m >= 4")
    slipping = await create(shop, "Slipping", 'segment in (at_risk, "lost") or last_order_days > 100')
    assert await refresh(shop) == 3
    assert await members(shop, recent.id) == [a]
    assert await members(shop, slipping.id) == sorted([b, c])
    assert await members(other_shop, recent.id) == []

    await score(shop, a, 2, 5, 5, "at_risk", last_order_days=80)
    assert await refresh(shop) == 3
    assert await members(shop, recent.id) == []
    assert await members(shop, slipping.id) == sorted([a, b, c])
    listed = {s.id: s for s in await analytics.list_custom_segments(shop.id)}
    assert listed[slipping.id].members == 3
    assert listed[slipping.id].refreshed_at is not None


async def test_rules_over_tier_points_and_tags_read_other_contexts(shop: Any, broker: Any) -> None:
    gold = await make_tier(shop, "Gold")
    vip = await make_customer(shop, tags=("VIP", "wholesale"))
    rich = await make_customer(shop)
    golden = await make_customer(shop)
    nobody = await make_customer(shop)
    await give_points(shop, rich, 600)
    await put_in_tier(shop, golden, gold)
    await score(shop, golden, 5, 5, 5, "champions")

    tagged = await create(shop, "VIPs", 'tags has "vip"')
    wealthy = await create(shop, "Wealthy", "points_balance >= 500 and lifetime_points >= 500")
    in_gold = await create(shop, "Gold champions", 'tier = "gold" and segment = champions')
    unscored = await create(shop, "Unscored", "not r >= 1")
    await refresh(shop)

    assert await members(shop, tagged.id) == [vip]
    assert await members(shop, wealthy.id) == [rich]
    assert await members(shop, in_gold.id) == [golden]
    assert await members(shop, unscored.id) == sorted([vip, rich, nobody])


async def test_create_refreshes_in_the_background_idempotently(shop: Any, drain: Any) -> None:
    a = await make_customer(shop)
    await score(shop, a, 5, 5, 5, "champions")
    segment = await create(shop, "Champions plus", "segment = champions")
    await drain()
    assert await members(shop, segment.id) == [a]
    # at-least-once delivery: the same message again changes nothing
    queue.send(
        analytics.REFRESH_CUSTOM_SEGMENT_ACTOR,
        "analytics",
        {"merchant_id": shop.id, "segment_id": segment.id},
    )
    await drain()
    assert await members(shop, segment.id) == [a]


async def test_scored_only_rules_read_tags_by_id_and_skip_withdrawn_customers(shop: Any, broker: Any) -> None:
    vip_champion = await make_customer(shop, tags=("VIP",))
    plain_champion = await make_customer(shop)
    unscored_vip = await make_customer(shop, tags=("vip",))
    withdrawn = await make_customer(shop, tags=("vip",))
    for cid in (vip_champion, plain_champion, withdrawn):
        await score(shop, cid, 5, 5, 5, "champions")
    # no customer without an RFM row can be a champion: only scored customers are read
    vip_champions = await create(shop, "VIP champions", 'segment = champions and tags has "vip"')
    # "not champions" holds for customers without a row: every customer is read
    not_champions = await create(shop, "Not champions", 'not segment = champions and tags has "vip"')
    async with unit_of_work() as uow:
        await analytics.set_rfm_tracking(uow, shop.id, withdrawn, enabled=False, actor="staff:test")
    await refresh(shop)
    assert await members(shop, vip_champions.id) == [vip_champion]
    assert await members(shop, not_champions.id) == [unscored_vip]


async def test_customers_in_segment_walks_by_id_and_leaves_out_withdrawn_at_once(
    shop: Any, make_shop: Any, broker: Any
) -> None:
    ids = sorted([await make_customer(shop) for _ in range(5)])
    for cid in ids:
        await score(shop, cid, 4, 4, 4, "loyal")
    segment = await create(shop, "Scored", "r >= 1")
    await refresh(shop)
    key = f"custom:{segment.id}"
    assert await analytics.customers_in_segment(shop.id, key, None, 3) == ids[:3]
    assert await analytics.customers_in_segment(shop.id, key, ids[2], 3) == ids[3:]
    assert await analytics.customers_in_segment(shop.id, "loyal", ids[0], 2) == ids[1:3]
    async with unit_of_work() as uow:
        await analytics.set_rfm_tracking(uow, shop.id, ids[1], enabled=False, actor="staff:test")
    # before any refresh: the withdrawn customer is no longer walked nor counted
    assert await analytics.customers_in_segment(shop.id, key, None, 10) == [ids[0], *ids[2:]]
    assert await analytics.count_in_segment(shop.id, key) == 4
    assert await analytics.customers_in_segment(shop.id, "loyal", None, 10) == [ids[0], *ids[2:]]
    # unknown keys and another shop's segment have no members
    other = await make_shop()
    assert await analytics.customers_in_segment(other.id, key, None, 10) == []
    assert await analytics.customers_in_segment(shop.id, "custom:x", None, 10) == []
    assert await analytics.customers_in_segment(shop.id, "vips", None, 10) == []
