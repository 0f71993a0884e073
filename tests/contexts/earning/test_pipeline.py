"""The award pipeline's steps, registered from outside earning as the tiers and
campaigns contexts do: a step sees every earning of a batch (orders and signups alike),
its parts reach the ledger in the same batch under keys of their own with their
origin, refunds and cancellations take every part back in proportion, pending orders
hold the parts and post them on release, a replay posts nothing, and the events other
contexts count from are published once per created row."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from decimal import Decimal

import pytest

from loyalnest.contexts.campaigns import api as campaigns
from loyalnest.contexts.earning import api as earning
from loyalnest.contexts.earning.events import EarningReversed, OrderSpendChanged, PointsEarned
from loyalnest.contexts.tiers import api as tiers
from loyalnest.platform import events
from loyalnest.platform.uow import UnitOfWork, unit_of_work
from tests.contexts.points.helpers import (
    account,
    cancel,
    execute,
    local_id,
    new_id,
    order,
    refund,
    release,
    send,
    set_rule,
)
from tests.contexts.support import rows
from tests.payloads import refund as refund_body

seen: list[tuple[str, int, int]] = []
published: list[events.Event] = []
# Test steps stand for the tiers step (x1.5 on orders) and a campaign (+100 per order).
# a real tier and campaign of the shop (their ids), made by the fixture; the test steps
# stand for their contexts' steps, so the numbers here are the test's own
ids: dict[str, int] = {}


async def _tier(
    uow: UnitOfWork, merchant_id: int, earnings: Sequence[earning.Earning], dry_run: bool
) -> None:
    seen.append(("tier", len(earnings), sum(len(e.parts) for e in earnings)))
    for item in earnings:
        if item.award.rule == "order":
            item.parts.append(
                earning.Part(
                    suffix="tier",
                    points=item.award.points // 2,
                    kind="tier_bonus",
                    origin_type=earning.ORIGIN_TIER,
                    origin_id=ids["tier"],
                    label="Gold x1.50",
                    multiplier=Decimal("1.5"),
                )
            )


async def _campaign(
    uow: UnitOfWork, merchant_id: int, earnings: Sequence[earning.Earning], dry_run: bool
) -> None:
    seen.append(("campaign", len(earnings), sum(len(e.parts) for e in earnings)))
    for item in earnings:
        item.parts.append(
            earning.Part(
                suffix=f"campaign:{ids['campaign']}",
                points=100,
                kind="campaign",
                origin_type=earning.ORIGIN_CAMPAIGN,
                origin_id=ids["campaign"],
                label="Black Friday",
            )
        )


async def _record(uow: UnitOfWork, batch: Sequence[events.Event]) -> None:
    published.extend(batch)


@pytest.fixture
async def bonus_steps(shop) -> AsyncIterator[None]:
    from loyalnest.contexts.earning import pipeline

    async with unit_of_work() as uow:
        tier = await tiers.create_tier(
            uow,
            merchant_id=shop.id,
            actor="test",
            data=tiers.TierInput(names=[("en", "Gold")], default_locale="en", threshold=Decimal(10**9)),
        )
        campaign = await campaigns.create_campaign(
            uow,
            merchant_id=shop.id,
            actor="test",
            data=campaigns.CampaignInput(name="Black Friday", effect="order_bonus", bonus_points=100),
        )
    ids.update(tier=tier.id, campaign=campaign.id)

    seen.clear()
    published.clear()
    saved = dict(pipeline._steps)
    pipeline._steps.clear()  # only the test's steps: the real tiers/campaigns ones find nothing anyway
    earning.pipeline_step("tests.campaign", order=200)(_campaign)
    earning.pipeline_step("tests.tier", order=100)(_tier)
    for kind in (PointsEarned, EarningReversed, OrderSpendChanged):
        events.handles(kind)(_record)
    try:
        yield
    finally:
        pipeline._steps.clear()
        pipeline._steps.update(saved)
        for kind in (PointsEarned, EarningReversed, OrderSpendChanged):
            events._handlers[kind].remove(_record)


async def _ledger(shop, customer: int) -> list[dict]:
    return await rows(
        "select kind, delta, idempotency_key, origin_type, origin_id, reason, shortfall from points_ledger"
        " where merchant_id = :m and customer_id = :c order by id",
        m=shop.id,
        c=customer,
    )


async def test_parts_are_rows_of_their_own_with_their_origin(shop, drain, bonus_steps):
    cid, oid = new_id(), new_id()
    await order(shop, drain, oid, cid, "40.00")
    customer = await local_id(shop, cid)
    # order 100 before 200; the campaign step sees the tier's part
    assert seen == [("tier", 1, 0), ("campaign", 1, 1)]
    got = [
        (r["kind"], r["delta"], r["idempotency_key"], r["origin_type"], r["origin_id"], r["reason"])
        for r in await _ledger(shop, customer)
    ]
    assert got == [
        ("earn", 40, f"order:{oid}:earn", "rule", None, None),
        ("tier_bonus", 20, f"order:{oid}:tier", "tier", ids["tier"], "Gold x1.50"),
        (
            "campaign",
            100,
            f"order:{oid}:campaign:{ids['campaign']}",
            "campaign",
            ids["campaign"],
            "Black Friday",
        ),
    ]
    assert (await account(shop, customer)).balance == 160
    [earned] = [e for e in published if isinstance(e, PointsEarned)]
    assert (earned.customer_id, earned.rule, earned.points) == (customer, "order", 160)
    assert earned.order is not None
    assert earned.order.subtotal == Decimal("40.00")
    assert [p.origin_type for p in earned.parts] == ["rule", "tier", "campaign"]
    [spend] = [e for e in published if isinstance(e, OrderSpendChanged)]
    assert (spend.amount, spend.orders, spend.reason) == (Decimal("40.00"), 1, "placed")

    # a replayed webhook (new event id, same order) posts and publishes nothing
    published.clear()
    await order(shop, drain, oid, cid, "40.00")
    assert len(await _ledger(shop, customer)) == 3
    assert [e for e in published if isinstance(e, PointsEarned)] == []


async def test_a_refund_takes_every_part_back_in_proportion(shop, drain, bonus_steps):
    cid, oid = new_id(), new_id()
    await order(shop, drain, oid, cid, "40.00")
    customer = await local_id(shop, cid)
    published.clear()
    refund_id = new_id()
    await send(shop, drain, "refunds/create", refund_body(refund_id, oid, subtotal="10.00"))
    taken = [
        (r["kind"], r["delta"], r["idempotency_key"], r["origin_type"]) for r in await _ledger(shop, customer)
    ][3:]
    # a quarter of the order: 10 of 40 base, 5 of 20 tier, 25 of 100 campaign
    assert taken == [
        ("reversal", -10, f"refund:{refund_id}", "rule"),
        ("reversal", -5, f"refund:{refund_id}:tier", "tier"),
        ("reversal", -25, f"refund:{refund_id}:campaign:{ids['campaign']}", "campaign"),
    ]
    assert (await account(shop, customer)).balance == 120
    [reversed_] = [e for e in published if isinstance(e, EarningReversed)]
    assert (reversed_.reason, reversed_.points) == ("refund", -40)
    [spend] = [e for e in published if isinstance(e, OrderSpendChanged)]
    assert (spend.amount, spend.orders, spend.reason) == (Decimal("-10.00"), 0, "refund")

    published.clear()
    await cancel(shop, drain, oid, cid)
    assert (await account(shop, customer)).balance == 0
    [reversed_] = [e for e in published if isinstance(e, EarningReversed)]
    assert (reversed_.reason, reversed_.points) == ("cancellation", -120)
    [spend] = [e for e in published if isinstance(e, OrderSpendChanged)]
    assert (spend.amount, spend.orders, spend.reason) == (Decimal("-30.00"), -1, "cancellation")
    [verified] = await rows(
        "select a.balance, (select coalesce(sum(delta), 0) from points_ledger l"
        " where l.merchant_id = a.merchant_id and l.customer_id = a.customer_id) as total"
        " from points_accounts a where a.merchant_id = :m and a.customer_id = :c",
        m=shop.id,
        c=customer,
    )
    assert verified["balance"] == verified["total"] == 0


async def test_pending_orders_hold_their_parts_and_post_them_on_release(shop, drain, bonus_steps):
    await set_rule(shop, pending_days=14)
    cid, oid = new_id(), new_id()
    await order(shop, drain, oid, cid, "40.00")
    customer = await local_id(shop, cid)
    assert await _ledger(shop, customer) == []
    assert (await earning.get_pending_points(shop.id, [customer]))[customer] == 160
    # a refund while pending lowers every part before anything is posted
    await refund(shop, drain, oid, "20.00")
    assert (await earning.get_pending_points(shop.id, [customer]))[customer] == 80
    # the steps ran once, when the order was placed: not again on release
    seen.clear()
    await execute(
        "update pending_points set release_at = now() - interval '1 second' where merchant_id = :m", m=shop.id
    )
    await release(drain)
    assert seen == []
    got = [(r["kind"], r["delta"], r["idempotency_key"]) for r in await _ledger(shop, customer)]
    assert got == [
        ("earn", 20, f"order:{oid}:earn"),
        ("tier_bonus", 10, f"order:{oid}:tier"),
        ("campaign", 50, f"order:{oid}:campaign:{ids['campaign']}"),
    ]
    assert (await account(shop, customer)).balance == 80
    # a later refund takes back from the released parts, in proportion again
    await refund(shop, drain, oid, "20.00")
    assert (await account(shop, customer)).balance == 0


async def test_other_triggers_go_through_the_same_steps(shop, drain, bonus_steps):
    cid = new_id()
    await order(shop, drain, new_id(), cid, "10.00")
    customer = await local_id(shop, cid)
    seen.clear()
    async with unit_of_work() as uow:
        await earning.update_rule(
            uow,
            merchant_id=shop.id,
            actor="staff:1",
            trigger="custom",
            update=earning.EarningRuleUpdate(enabled=True),
        )
        result = await earning.award_custom(
            uow,
            merchant_id=shop.id,
            customer_id=customer,
            points_given=30,
            reason="survey",
            actor="staff:1",
            idempotency_key="survey-1",
        )
    assert result.created
    assert seen == [("tier", 1, 0), ("campaign", 1, 0)]  # the tier multiplies orders only here
    # a replay with parts posts nothing and answers with the first entry
    published.clear()
    async with unit_of_work() as uow:
        again = await earning.award_custom(
            uow,
            merchant_id=shop.id,
            customer_id=customer,
            points_given=30,
            reason="survey",
            actor="staff:1",
            idempotency_key="survey-1",
        )
    assert (again.created, again.entry.id) == (False, result.entry.id)
    assert [e for e in published if isinstance(e, PointsEarned)] == []
    got = [(r["kind"], r["delta"], r["idempotency_key"]) for r in await _ledger(shop, customer)][-2:]
    assert got == [
        ("earn", 30, "custom:survey-1"),
        ("campaign", 100, f"custom:survey-1:campaign:{ids['campaign']}"),
    ]


async def test_planning_writes_nothing(shop, drain, bonus_steps):
    cid = new_id()
    await order(shop, drain, new_id(), cid, "10.00")
    customer = await local_id(shop, cid)
    before = await _ledger(shop, customer)
    async with unit_of_work() as uow:
        [planned] = await earning.plan_earnings(
            uow,
            shop.id,
            [earning.Award(customer_id=customer, points=50, rule="order", idempotency_key="x:earn")],
            dry_run=True,
        )
    assert planned.total == 50 + 25 + 100
    assert await _ledger(shop, customer) == before
