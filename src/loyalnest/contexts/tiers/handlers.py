"""The tiers context in the earning path, in the earning's own transaction:

- the pipeline step ``tiers.multiplier`` (order 100): each earning whose trigger the
  customer's tier multiplies gets a ``tier`` part of floor(base * (m - 1)) points;
- the handlers of earning's events, which append to the metric's source and evaluate
  the customers at once (up, or down under the shop's retention policy).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from loyalnest.contexts.earning import api as earning
from loyalnest.contexts.earning.events import EarningReversed, OrderSpendChanged, PointsEarned
from loyalnest.contexts.tiers import evaluation, repository, rules
from loyalnest.contexts.tiers.repository import MetricEntry
from loyalnest.platform.events import handles
from loyalnest.platform.uow import UnitOfWork


@earning.pipeline_step("tiers.multiplier", order=100)
async def multiply_by_tier(
    uow: UnitOfWork, merchant_id: int, earnings: Sequence[earning.Earning], dry_run: bool
) -> None:
    """One read of the customers' tiers for the whole batch, none at all when no tier
    of the shop multiplies anything. Writes nothing (dry runs included)."""
    del dry_run  # reads only
    shop = await evaluation.program(uow, merchant_id)
    if not shop.multiplies:
        return
    triggers = {t for tier in shop.tiers if tier.multiplier > 1 for t in tier.multiplied_triggers}
    wanted = sorted({e.award.customer_id for e in earnings if e.award.rule in triggers})
    if not wanted:
        return
    held = await repository.tier_ids_of(uow.session, merchant_id, wanted)
    for item in earnings:
        tier = shop.by_id.get(held.get(item.award.customer_id, 0))
        if tier is None or item.award.rule not in tier.multiplied_triggers:
            continue
        bonus = rules.multiplier_bonus(item.award.points, tier.multiplier)
        if bonus <= 0:
            continue
        item.parts.append(
            earning.Part(
                suffix="tier",
                points=bonus,
                kind="tier_bonus",
                origin_type=earning.ORIGIN_TIER,
                origin_id=tier.id,
                label=rules.multiplier_label(tier.names[tier.default_locale], tier.multiplier),
                multiplier=tier.multiplier,
            )
        )


E = TypeVar("E", PointsEarned, EarningReversed, OrderSpendChanged)


def _by_merchant(events: Sequence[E]) -> dict[int, list[E]]:
    grouped: dict[int, list[E]] = {}
    for event in events:
        grouped.setdefault(event.merchant_id, []).append(event)
    return grouped


@handles(PointsEarned)
async def count_points_earned(uow: UnitOfWork, events: Sequence[PointsEarned]) -> None:
    """Points earned count toward the points metric (a tier's entry bonus never comes
    through here: it is posted by this context, not earned)."""
    for merchant_id, batch in _by_merchant(events).items():
        shop = await evaluation.program(uow, merchant_id)
        entries = [MetricEntry(e.customer_id, e.occurred_at, points=e.points) for e in batch if e.points]
        await evaluation.record_activity(uow, merchant_id, entries, evaluate=shop.metric == "points")


@handles(EarningReversed)
async def count_points_reversed(uow: UnitOfWork, events: Sequence[EarningReversed]) -> None:
    """A refund or cancellation takes its points back from the points metric (counted
    when it happens: a December order refunded in January lowers January's year)."""
    for merchant_id, batch in _by_merchant(events).items():
        shop = await evaluation.program(uow, merchant_id)
        entries = [MetricEntry(e.customer_id, e.occurred_at, points=e.points) for e in batch if e.points]
        await evaluation.record_activity(
            uow,
            merchant_id,
            entries,
            evaluate=shop.metric == "points",
            refunds={e.customer_id for e in batch},
        )


@handles(OrderSpendChanged)
async def count_spend(uow: UnitOfWork, events: Sequence[OrderSpendChanged]) -> None:
    """Spend and orders count in the period the order was placed in; a refund or a
    cancellation lowers that period's."""
    for merchant_id, batch in _by_merchant(events).items():
        shop = await evaluation.program(uow, merchant_id)
        entries = [
            MetricEntry(e.customer_id, e.placed_at, amount=e.amount, orders=e.orders)
            for e in batch
            if e.amount or e.orders
        ]
        await evaluation.record_activity(
            uow,
            merchant_id,
            entries,
            evaluate=shop.metric in ("money", "orders"),
            refunds={e.customer_id for e in batch if e.reason not in ("placed", "imported")},
            # the shop's history (imports' backfill): a tier reached is an import
            imported={e.customer_id for e in batch if e.reason == "imported"},
        )
