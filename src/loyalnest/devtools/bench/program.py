"""The program a shop runs in ``loyalnest bench webhooks --tiers N --campaigns M``: a
ladder of tiers qualifying on money spent (so new customers' first orders move them up:
tier changes, history rows and entry bonuses happen during the run) and campaigns of
every kind at once, stackable and exclusive, some conditional, as a busy shop runs them
in November. Created through the contexts' own commands, as staff would."""

from __future__ import annotations

import random
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
    """``count`` campaigns cycling through every effect and the common conditions."""
    rng = random.Random(seed)
    products = tuple(rng.randrange(10**9, 10**12) for _ in range(500))
    made: list[campaigns.CampaignInput] = []
    for index in range(count):
        name = f"Bench campaign {index + 1}"
        match index % 10:
            case 0:
                made.append(campaigns.CampaignInput(name=name, effect="multiplier", multiplier=Decimal("2")))
            case 1:
                made.append(campaigns.CampaignInput(name=name, effect="order_bonus", bonus_points=50))
            case 2:
                made.append(
                    campaigns.CampaignInput(
                        name=name, effect="product_unit_bonus", bonus_points=10, product_ids=products
                    )
                )
            case 3:
                made.append(
                    campaigns.CampaignInput(
                        name=name, effect="product_line_bonus", bonus_points=20, product_tags=("sale", "new")
                    )
                )
            case 4:
                made.append(
                    campaigns.CampaignInput(
                        name=name,
                        effect="multiplier",
                        multiplier=Decimal("3"),
                        stacking="exclusive",
                        priority=index,
                        min_order_amount=Decimal(50),
                    )
                )
            case 5:
                made.append(
                    campaigns.CampaignInput(
                        name=name, effect="trigger_bonus", bonus_points=100, triggers=("signup",)
                    )
                )
            case 6:
                made.append(
                    campaigns.CampaignInput(
                        name=name,
                        effect="multiplier",
                        multiplier=Decimal("1.5"),
                        tier_ids=tuple(tier_ids[1:2]) if len(tier_ids) > 1 else (),
                    )
                )
            case 7:
                made.append(
                    campaigns.CampaignInput(
                        name=name, effect="order_bonus", bonus_points=25, every_nth_order=3
                    )
                )
            case 8:
                made.append(
                    campaigns.CampaignInput(
                        name=name,
                        effect="order_bonus",
                        bonus_points=30,
                        max_uses_per_customer=5,
                        points_budget=10**9,
                    )
                )
            case _:
                made.append(
                    campaigns.CampaignInput(
                        name=name,
                        effect="order_bonus",
                        bonus_points=40,
                        customer_tags=("vip",),
                        first_order=True,
                    )
                )
    return made


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
