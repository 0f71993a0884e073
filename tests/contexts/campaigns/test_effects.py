"""The campaigns step of the earning pipeline, end to end through the earning api:
parts of their own in the ledger (with origin), counted in the results, bounded by
caps and budgets, decided from the per-process snapshot, and nothing written when the
pipeline only plans (dry_run)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from loyalnest.contexts.campaigns import api as campaigns
from loyalnest.contexts.earning import api as earning
from loyalnest.contexts.earning import pipeline
from loyalnest.platform.db import observe_statements
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import unit_of_work
from tests.contexts.campaigns import support
from tests.contexts.support import rows


async def test_a_multiplier_adds_a_part_of_its_own_with_its_origin(shop, broker):
    await support.enable_rule(shop.id, "custom")
    doubled = await support.make_campaign(shop.id, triggers=("custom",), name="Double week")
    customer = await support.make_customer(shop.id)

    await support.award_custom(shop.id, customer, 120, key="k1")

    ledger = await support.ledger(shop.id, customer)
    assert [(r["kind"], r["delta"], r["origin_type"], r["origin_id"]) for r in ledger] == [
        ("earn", 120, "rule", None),
        ("campaign", 120, "campaign", doubled.id),
    ]
    assert ledger[1]["idempotency_key"] == f"custom:k1:campaign:{doubled.id}"
    assert ledger[1]["reason"] == "Double week"
    assert await support.results(shop.id, doubled.id) == {
        "points_issued": 120,
        "orders_affected": 0,
        "customers_reached": 1,
        "revenue": Decimal(0),
        "discount_uses": 0,
    }


async def test_a_trigger_bonus_on_signup(shop, broker):
    await support.enable_rule(shop.id, "signup", points=50)
    bonus = await support.make_campaign(
        shop.id, effect="trigger_bonus", bonus_points=200, triggers=("signup",), name="Launch"
    )
    customer = await support.make_customer(shop.id)
    async with unit_of_work() as uow:
        assert await earning.award_signup(uow, merchant_id=shop.id, customer_id=customer) == 50
    assert await support.campaign_rows(shop.id) == [("campaign", 200)]
    assert (await support.results(shop.id, bonus.id))["points_issued"] == 200


async def test_dry_run_plans_the_parts_and_writes_nothing(shop, broker):
    budgeted = await support.make_campaign(
        shop.id, triggers=("custom",), points_budget=1000, max_uses_per_customer=1
    )
    customer = await support.make_customer(shop.id)
    award = earning.Award(customer_id=customer, points=100, rule="custom", idempotency_key="custom:plan")
    async with unit_of_work() as uow:
        [planned] = await earning.plan_earnings(uow, shop.id, [award], dry_run=True)
    assert [(p.suffix, p.points, p.kind, p.multiplier) for p in planned.parts] == [
        (f"campaign:{budgeted.id}", 100, "campaign", Decimal(2))
    ]
    assert await support.ledger(shop.id) == []
    assert await rows("select * from campaign_customers where merchant_id = :m", m=shop.id) == []
    assert (await support.results(shop.id, budgeted.id))["points_issued"] == 0


async def test_per_customer_caps_and_a_budget_that_ends_the_campaign_by_itself(shop, broker):
    await support.enable_rule(shop.id, "custom")
    once = await support.make_campaign(
        shop.id, name="Once", effect="trigger_bonus", bonus_points=10, triggers=("signup",)
    )
    del once
    capped = await support.make_campaign(
        shop.id, name="Capped", triggers=("custom",), max_points_per_customer=150, max_uses_per_customer=5
    )
    budget = await support.make_campaign(
        shop.id, name="Budget", triggers=("custom",), multiplier=Decimal("1.5"), points_budget=120
    )
    first, second = await support.make_customer(shop.id), await support.make_customer(shop.id)

    await support.award_custom(shop.id, first, 100)  # capped +100, budget +50
    await support.award_custom(shop.id, first, 100)  # capped +50 (cap 150), budget +50
    await support.award_custom(shop.id, second, 100)  # capped +100, budget +20 (what is left)
    await support.award_custom(shop.id, second, 100)  # capped +50, budget ended

    parts = [(r["customer_id"], r["origin_id"], r["delta"]) for r in await support.ledger(shop.id)
             if r["kind"] == "campaign"]  # fmt: skip
    assert parts == [
        (first, capped.id, 100),
        (first, budget.id, 50),
        (first, capped.id, 50),
        (first, budget.id, 50),
        (second, capped.id, 100),
        (second, budget.id, 20),
        (second, capped.id, 50),
    ]
    assert await support.status(shop.id, budget.id) == "ended"
    assert (await support.results(shop.id, budget.id))["points_issued"] == 120
    assert "campaign.ended" in await support.audit_actions(shop.id)
    [ended] = (await campaigns.get_campaigns(shop.id, [budget.id])).values()
    assert ended.ended_reason == "budget"


async def test_reach_counts_each_customer_once_without_a_row_per_customer(shop, broker):
    await support.enable_rule(shop.id, "custom")
    doubled = await support.make_campaign(shop.id, triggers=("custom",))
    first, second = await support.make_customer(shop.id), await support.make_customer(shop.id)

    await support.award_custom(shop.id, first, 100)
    await support.award_custom(shop.id, first, 100)  # reached already
    async with unit_of_work() as uow:  # one batch: the second customer twice, reached once
        await pipeline.award(
            uow,
            shop.id,
            [
                earning.Award(customer_id=second, points=10, rule="custom", idempotency_key="custom:b1"),
                earning.Award(customer_id=second, points=10, rule="custom", idempotency_key="custom:b2"),
            ],
        )

    result = await support.results(shop.id, doubled.id)
    assert (result["points_issued"], result["customers_reached"]) == (220, 2)
    # an uncapped campaign keeps no row per customer: its reach is read from the ledger
    assert await rows("select * from campaign_customers where merchant_id = :m", m=shop.id) == []


async def test_caps_set_while_a_campaign_runs_count_what_it_gave_before(shop, broker):
    await support.enable_rule(shop.id, "custom")
    bonus = await support.make_campaign(shop.id, triggers=("custom",))
    customer = await support.make_customer(shop.id)
    await support.award_custom(shop.id, customer, 100)
    await support.award_custom(shop.id, customer, 100)
    async with unit_of_work() as uow:
        await campaigns.update_campaign(
            uow,
            merchant_id=shop.id,
            actor="staff:test",
            campaign_id=bonus.id,
            update=campaigns.CampaignUpdate(max_uses_per_customer=3),
        )

    await support.award_custom(shop.id, customer, 100)  # the third use
    await support.award_custom(shop.id, customer, 100)  # over the cap: no part

    assert [r["delta"] for r in await support.ledger(shop.id) if r["kind"] == "campaign"] == [100, 100, 100]
    assert await rows(
        "select campaign_id, customer_id, uses, points from campaign_customers where merchant_id = :m",
        m=shop.id,
    ) == [{"campaign_id": bonus.id, "customer_id": customer, "uses": 3, "points": 300}]
    result = await support.results(shop.id, bonus.id)
    assert (result["points_issued"], result["customers_reached"]) == (300, 1)


async def test_a_paused_campaign_stops_applying_in_every_process_at_once(shop, broker):
    await support.enable_rule(shop.id, "custom")
    doubled = await support.make_campaign(shop.id, triggers=("custom",))
    customer = await support.make_customer(shop.id)
    await support.award_custom(shop.id, customer, 10)
    async with unit_of_work() as uow:
        await campaigns.pause_campaign(uow, merchant_id=shop.id, actor="staff:test", campaign_id=doubled.id)
    await support.award_custom(shop.id, customer, 10)
    async with unit_of_work() as uow:
        await campaigns.resume_campaign(uow, merchant_id=shop.id, actor="staff:test", campaign_id=doubled.id)
    await support.award_custom(shop.id, customer, 10)
    assert await support.campaign_rows(shop.id) == [("campaign", 10), ("campaign", 10)]


async def test_fifty_campaigns_award_in_one_pass_from_the_snapshot(shop, broker):
    await support.enable_rule(shop.id, "custom")
    for i in range(50):
        await support.make_campaign(
            shop.id,
            name=f"Bonus {i}",
            effect="trigger_bonus" if i % 2 else "multiplier",
            multiplier=None if i % 2 else Decimal("1.1"),
            bonus_points=i + 1 if i % 2 else None,
            triggers=("review",) if i % 2 else ("custom",),
            stacking="stackable",
        )
    customer = await support.make_customer(shop.id)
    await support.award_custom(shop.id, customer, 100)  # loads the snapshot
    statements: list[str] = []
    with observe_statements(statements.append):
        await support.award_custom(shop.id, customer, 100)
    campaign_reads = [s for s in statements if "FROM campaigns" in s]
    assert campaign_reads == []  # decided from the snapshot: only the version was read
    assert sum(1 for s in statements if "campaign_settings" in s) == 1
    # 25 multipliers of 1.1 ask for 2.5x extra; the shop's cap (5x) lets them all count
    assert len(await support.campaign_rows(shop.id)) == 50


async def test_a_scheduled_campaign_applies_from_its_start(shop, broker):
    await support.enable_rule(shop.id, "custom")
    later = await support.make_campaign(
        shop.id, triggers=("custom",), starts_at=utcnow() + timedelta(hours=1)
    )
    assert later.status == "scheduled"
    customer = await support.make_customer(shop.id)
    await support.award_custom(shop.id, customer, 10)
    assert await support.campaign_rows(shop.id) == []


async def test_tier_targeting_and_the_shops_cap_over_tier_and_campaign(shop, broker):
    from loyalnest.contexts.tiers import api as tiers

    await support.enable_rule(shop.id, "custom")
    async with unit_of_work() as uow:
        gold = await tiers.create_tier(
            uow,
            merchant_id=shop.id,
            actor="staff:test",
            data=tiers.TierInput(
                names=[("en", "Gold")],
                default_locale="en",
                threshold=Decimal(1000),
                multiplier=Decimal(3),
                multiplied_triggers=("custom",),
            ),
        )
    member, other = await support.make_customer(shop.id), await support.make_customer(shop.id)
    async with unit_of_work() as uow:
        await tiers.assign_tier(
            uow,
            merchant_id=shop.id,
            actor="staff:test",
            customer_id=member,
            tier_id=gold.id,
            until=None,
            reason="vip",
        )
    golden = await support.make_campaign(
        shop.id, name="Gold x4", triggers=("custom",), multiplier=Decimal(4), tier_ids=(gold.id,)
    )

    await support.award_custom(shop.id, member, 100)
    await support.award_custom(shop.id, other, 100)

    ledger = await support.ledger(shop.id)
    by_customer = [(r["customer_id"], r["kind"], r["delta"], r["origin_id"]) for r in ledger]
    # the cap (5x): the tier keeps its 3x (+200), the campaign gets what is left (+200, not +300)
    assert by_customer == [
        (member, "earn", 100, None),
        (member, "tier_bonus", 200, gold.id),
        (member, "campaign", 200, golden.id),
        (other, "earn", 100, None),
    ]
