"""The program a shop runs in ``loyalnest bench webhooks --tiers N --campaigns M``: a
ladder of tiers qualifying on money spent (so new customers' first orders move them up:
tier changes, history rows and entry bonuses happen during the run) and campaigns of
every kind at once, stackable and exclusive, some conditional, as a busy shop runs them
in November. Created through the contexts' own commands, as staff would."""

from __future__ import annotations

import dataclasses
import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from loyalnest.contexts.campaigns import api as campaigns
from loyalnest.contexts.tiers import api as tiers
from loyalnest.platform.uow import unit_of_work

ACTOR = "bench"
# money spent: new customers' first orders (about $20 to $300) cross the lower ones
THRESHOLDS = (Decimal(40), Decimal(100), Decimal(200), Decimal(400), Decimal(800), Decimal(1600))


def _tier_inputs(count: int) -> list[tiers.TierInput]:
    return [
        tiers.TierInput(
            names=[("en", f"Tier {rank + 1}"), ("fr", f"Niveau {rank + 1}")],
            default_locale="en",
            threshold=THRESHOLDS[rank] if rank < len(THRESHOLDS) else Decimal(1200 * rank),
            multiplier=Decimal("1.25") + Decimal("0.25") * rank,
            entry_bonus_points=50 * (rank + 1),
        )
        for rank in range(count)
    ]


def _campaign_inputs(count: int, tier_ids: list[int], seed: int) -> list[campaigns.CampaignInput]:
    """``count`` campaigns (cycling through this list of 20): what a busy shop runs at
    once in November, every effect and condition kind, most of them for some orders or
    customers only, as real campaigns are. On the bench's orders (a new customer each,
    $20 to $300, on a weekday) about four apply to an order."""
    rng = random.Random(seed)
    products = tuple(rng.randrange(10**9, 10**12) for _ in range(500))
    top = tuple(tier_ids[-1:])
    upper = tuple(tier_ids[2:])
    second = tuple(tier_ids[1:2])
    C = campaigns.CampaignInput
    kinds = [
        C(name="Double points week", effect="multiplier", multiplier=Decimal("2")),
        C(name="Big basket bonus", effect="order_bonus", bonus_points=50, min_order_amount=Decimal(75)),
        C(name="Featured products", effect="product_unit_bonus", bonus_points=10, product_ids=products),
        C(name="New arrivals", effect="product_line_bonus", bonus_points=20, product_tags=("new",)),
        C(
            name="Triple over $50",
            effect="multiplier",
            multiplier=Decimal("3"),
            stacking="exclusive",
            priority=1,
            min_order_amount=Decimal(50),
        ),
        C(name="Welcome bonus", effect="trigger_bonus", bonus_points=100, triggers=("signup",)),
        C(name="Silver boost", effect="multiplier", multiplier=Decimal("1.5"), tier_ids=second),
        C(name="Every third order", effect="order_bonus", bonus_points=25, every_nth_order=3),
        C(
            name="Limited bonus",
            effect="order_bonus",
            bonus_points=30,
            max_uses_per_customer=5,
            points_budget=10**9,
        ),
        C(
            name="VIP first order",
            effect="order_bonus",
            bonus_points=40,
            customer_tags=("vip",),
            first_order=True,
        ),
        C(
            name="Weekend x2.5",
            effect="multiplier",
            multiplier=Decimal("2.5"),
            stacking="exclusive",
            priority=2,
            days_of_week=(5, 6),
        ),
        C(name="Happy hour", effect="multiplier", multiplier=Decimal("2"), hours=(18, 21)),
        C(name="Newsletter bonus", effect="trigger_bonus", bonus_points=50, triggers=("newsletter",)),
        C(name="Review bonus", effect="trigger_bonus", bonus_points=50, triggers=("review",)),
        C(name="Gold and up", effect="order_bonus", bonus_points=100, tier_ids=upper),
        C(name="First order", effect="order_bonus", bonus_points=100, first_order=True),
        C(name="Wholesale", effect="multiplier", multiplier=Decimal("1.2"), customer_tags=("wholesale",)),
        C(name="Over $200", effect="order_bonus", bonus_points=75, min_order_amount=Decimal(200)),
        C(name="Birthday bonus", effect="trigger_bonus", bonus_points=100, triggers=("birthday",)),
        C(
            name="Top tier x4",
            effect="multiplier",
            multiplier=Decimal("4"),
            stacking="exclusive",
            priority=10,
            exclusive_of_all=True,
            tier_ids=top,
        ),
    ]
    # running since a month ago (the bench's orders were placed over the past week, and
    # a campaign counts for orders placed inside its window) until a month from now
    now = datetime.now(UTC)
    return [
        dataclasses.replace(
            kinds[index % len(kinds)], starts_at=now - timedelta(days=30), ends_at=now + timedelta(days=30)
        )
        for index in range(count)
    ]


async def seed_program(merchant_id: int, *, tier_count: int, campaign_count: int, seed: int = 7) -> str:
    """Give the shop ``tier_count`` tiers and ``campaign_count`` active campaigns; returns
    what it made, in a few words."""
    tier_ids: list[int] = []
    async with unit_of_work() as uow:
        if tier_count:
            await tiers.update_settings(
                uow,
                merchant_id=merchant_id,
                actor=ACTOR,
                update=tiers.TierSettingsUpdate(metric="money", period="rolling_12_months"),
            )
        for data in _tier_inputs(tier_count):
            tier_ids.append(
                (await tiers.create_tier(uow, merchant_id=merchant_id, actor=ACTOR, data=data)).id
            )
        for campaign in _campaign_inputs(campaign_count, tier_ids, seed):
            await campaigns.create_campaign(uow, merchant_id=merchant_id, actor=ACTOR, data=campaign)
    top = 1 + 0.25 * tier_count
    return f"{tier_count} tiers (money spent, x1.25 to x{top:.2f}), {campaign_count} active campaigns"
