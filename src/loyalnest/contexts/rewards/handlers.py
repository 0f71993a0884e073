"""Reactions of the rewards context to other contexts' events (same transaction)."""

from __future__ import annotations

from collections.abc import Sequence

from loyalnest.contexts.rewards import commands
from loyalnest.contexts.rewards.dto import CodeUse
from loyalnest.contexts.webhooks.events import OrderPlaced
from loyalnest.platform.erasure import CustomerErased
from loyalnest.platform.events import handles
from loyalnest.platform.uow import UnitOfWork


@handles(OrderPlaced)
async def mark_reward_codes_used(uow: UnitOfWork, orders: Sequence[OrderPlaced]) -> None:
    """Reward codes the orders used become fulfilled redemptions: one call for the
    batch, and none at all when no order carries a discount code (guest checkouts
    included: the code was used all the same). Rewards comes before earning in
    ``CONTEXTS``, so redemption rows are locked before points accounts, as everywhere
    else."""
    by_merchant: dict[int, list[CodeUse]] = {}
    for order in orders:
        for code in order.discount_codes:
            by_merchant.setdefault(order.merchant_id, []).append(
                CodeUse(shopify_order_id=order.shopify_order_id, code=code)
            )
    for merchant_id, uses in by_merchant.items():
        await commands.mark_codes_used(uow, merchant_id, uses)


@handles(CustomerErased)
async def erase_codes(uow: UnitOfWork, events: Sequence[CustomerErased]) -> None:
    """The texts of the customer's discount codes."""
    for event in events:
        await commands.erase_codes_of(uow, event.merchant_id, event.customer_id)
