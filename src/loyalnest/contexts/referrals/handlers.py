"""Reactions of the referrals context to other contexts' events, in the publisher's
transaction: orders (attribution), cancellations and refunds (the confirmation period),
and our own progress event, turned into the live update after commit."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from loyalnest.contexts.privacy.events import ConsentChanged
from loyalnest.contexts.referrals import commands
from loyalnest.contexts.referrals.events import ReferralProgressChanged, referral_progress_channel
from loyalnest.contexts.webhooks.events import OrderCancelled, OrderPlaced, RefundCreated
from loyalnest.platform.consents import REFERRALS
from loyalnest.platform.erasure import CustomerErased
from loyalnest.platform.events import handles
from loyalnest.platform.uow import UnitOfWork

E = TypeVar("E", OrderPlaced, OrderCancelled, RefundCreated)


def _by_merchant(events: Sequence[E]) -> dict[int, list[E]]:
    grouped: dict[int, list[E]] = {}
    for event in events:
        grouped.setdefault(event.merchant_id, []).append(event)
    return grouped


@handles(OrderPlaced)
async def attribute_orders(uow: UnitOfWork, events: Sequence[OrderPlaced]) -> None:
    """Only orders carrying a referral marker are looked at: the filter is in memory, so
    a batch of ordinary orders costs no statement at all (the webhooks bench)."""
    marked = [event for event in events if event.referral is not None]
    if not marked:
        return
    for merchant_id, batch in _by_merchant(marked).items():
        await commands.attribute_orders(uow, merchant_id, batch)
        await commands.record_advocate_orders(uow, merchant_id, batch)


@handles(OrderCancelled)
async def cancel_orders(uow: UnitOfWork, events: Sequence[OrderCancelled]) -> None:
    for merchant_id, batch in _by_merchant(events).items():
        await commands.cancel_orders(uow, merchant_id, batch)


@handles(RefundCreated)
async def refund_orders(uow: UnitOfWork, events: Sequence[RefundCreated]) -> None:
    for merchant_id, batch in _by_merchant(events).items():
        await commands.refund_orders(uow, merchant_id, batch)


@handles(ReferralProgressChanged)
async def publish_progress(uow: UnitOfWork, events: Sequence[ReferralProgressChanged]) -> None:
    """The live update of ``myReferralProgress``, after commit (never for a rollback):
    whoever publishes the event (a claim, the click flush, the sweep) gets it."""
    for event in dict.fromkeys(events):
        uow.publish(
            referral_progress_channel(event.merchant_id, event.advocate_customer_id), event.to_payload()
        )


@handles(CustomerErased)
async def erase_customer(uow: UnitOfWork, events: Sequence[CustomerErased]) -> None:
    """The customer's personal data in the referral program (see ``repository.erasure``)."""
    for event in events:
        await commands.erase_customer(uow, event.merchant_id, event.customer_id, event.known_as)


@handles(ConsentChanged)
async def honour_referrals_consent(uow: UnitOfWork, events: Sequence[ConsentChanged]) -> None:
    """``referrals`` revoked: no referral invite goes to the customer's addresses."""
    for event in events:
        if event.type == REFERRALS:
            await commands.honour_referrals_consent(
                uow, event.merchant_id, event.customer_id, granted=event.granted
            )
