"""Reactions of nudges to other contexts' events, in the publisher's transaction:
orders convert recent clicks (one statement per batch), tier drops open the
tier_dropped audience."""

from __future__ import annotations

from collections.abc import Sequence

from loyalnest.contexts.analytics.commands import nudges as commands
from loyalnest.contexts.tiers import api as tiers
from loyalnest.contexts.tiers.events import TierChanged
from loyalnest.contexts.webhooks.events import OrderPlaced
from loyalnest.platform.events import handles
from loyalnest.platform.uow import UnitOfWork


@handles(OrderPlaced)
async def record_nudge_conversions(uow: UnitOfWork, events: Sequence[OrderPlaced]) -> None:
    """One indexed statement for the whole batch (``commands.record_nudge_conversions``);
    none when real-time analytics is off (the daily catch-up attributes the stored
    orders then) or the batch holds only guest and test orders."""
    from loyalnest.settings import get_settings  # read per call, as the other contexts do

    if not get_settings().analytics_realtime:
        return
    await commands.record_nudge_conversions(uow, events)


@handles(TierChanged)
async def mark_tier_drops(uow: UnitOfWork, events: Sequence[TierChanged]) -> None:
    """A customer moved to a lower tier (or out of every tier) becomes eligible for
    tier_dropped nudges. Rises cost nothing: only changes from a tier are looked at,
    and their ranks are read once per shop of the batch."""
    by_merchant: dict[int, list[TierChanged]] = {}
    for event in events:
        if event.from_tier_id is not None:
            by_merchant.setdefault(event.merchant_id, []).append(event)
    for merchant_id, changes in by_merchant.items():
        wanted = {e.from_tier_id for e in changes} | {
            e.to_tier_id for e in changes if e.to_tier_id is not None
        }
        found = await tiers.get_tiers(merchant_id, [t for t in wanted if t is not None])
        rank = {tier_id: tier.rank for tier_id, tier in found.items()}
        dropped = []
        for e in changes:
            if e.to_tier_id is None:
                dropped.append(e)
                continue
            before, after = rank.get(e.from_tier_id or 0), rank.get(e.to_tier_id)
            if before is not None and after is not None and after < before:
                dropped.append(e)
        if dropped:
            latest = max(e.occurred_at for e in dropped)
            await commands.mark_tier_drops(uow, merchant_id, [e.customer_id for e in dropped], latest)
