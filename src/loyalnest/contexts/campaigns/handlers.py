"""The campaigns context's place in the earning pipeline, and its reactions to other
contexts' events (in the publisher's transaction): counting results from earnings,
reversals and orders' spend, and keeping products' tags for product-tag conditions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from loyalnest.contexts.campaigns import effects, results
from loyalnest.contexts.earning import api as earning
from loyalnest.contexts.earning.events import EarningReversed, OrderSpendChanged, PointsEarned
from loyalnest.platform.events import Event, handles
from loyalnest.platform.uow import UnitOfWork

E = TypeVar("E", bound=Event)


@earning.pipeline_step("campaigns.effects", order=200)
async def campaign_effects(
    uow: UnitOfWork, merchant_id: int, earnings: Sequence[earning.Earning], dry_run: bool
) -> None:
    """Campaign parts for the batch (after the tier's multiplier, which the shop's cap
    bounds together with them); with ``dry_run`` nothing is written or locked."""
    await effects.apply_campaign_effects(uow, merchant_id, earnings, dry_run=dry_run)


def _by_shop(events: Sequence[E]) -> dict[int, list[E]]:
    grouped: dict[int, list[E]] = {}
    for event in events:
        grouped.setdefault(event.merchant_id, []).append(event)  # type: ignore[attr-defined]
    return grouped


@handles(PointsEarned)
async def count_points_earned(uow: UnitOfWork, events: Sequence[PointsEarned]) -> None:
    for merchant_id, batch in _by_shop(events).items():
        await results.record_points_earned(uow, merchant_id, batch)


@handles(EarningReversed)
async def count_reversals(uow: UnitOfWork, events: Sequence[EarningReversed]) -> None:
    for merchant_id, batch in _by_shop(events).items():
        await results.record_reversals(uow, merchant_id, batch)


@handles(OrderSpendChanged)
async def count_spend_changes(uow: UnitOfWork, events: Sequence[OrderSpendChanged]) -> None:
    for merchant_id, batch in _by_shop(events).items():
        await results.record_spend_changes(uow, merchant_id, batch)
