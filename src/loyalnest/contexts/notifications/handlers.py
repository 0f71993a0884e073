"""The product's events turned into messages owed, in the event's own transaction: each
handler writes delivery rows (one statement per batch, idempotent per cause) and asks
for one ``deliver_batch`` per shop through the outbox. Nothing is rendered or sent here.

Causes (the middle of each idempotency key):
- ``points_earned`` / ``birthday``: the earning's base ledger key (a replayed webhook
  posts nothing and publishes nothing; the key dedupes anyway);
- ``tier_changed``: customer, new tier and the change's time (a customer can go up and
  down and up again: each change is its own message); imports notify nobody;
- ``reward_issued`` / ``points_returned``: the redemption id.

``points_earned`` stores what earned the points as facts (``trigger``: the earning rule,
"referral" for a referral reward; ``order_number``), and its ``reason`` is worded from
them in the message's locale when it is rendered.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from loyalnest.contexts.earning.events import PointsEarned
from loyalnest.contexts.notifications import commands
from loyalnest.contexts.notifications.delivery import Outgoing, queue_messages
from loyalnest.contexts.notifications.registry import Money
from loyalnest.contexts.rewards.events import PointsReturned, RewardIssued
from loyalnest.contexts.tiers.events import TierChanged
from loyalnest.platform.consents import NEWSLETTER, SMS_MARKETING, ConsentChanged
from loyalnest.platform.erasure import CustomerErased
from loyalnest.platform.events import handles
from loyalnest.platform.uow import UnitOfWork

E = TypeVar("E", PointsEarned, TierChanged, RewardIssued, PointsReturned)


def _by_merchant(events: Sequence[E]) -> dict[int, list[E]]:
    grouped: dict[int, list[E]] = {}
    for event in events:
        grouped.setdefault(event.merchant_id, []).append(event)
    return grouped


def _earning_facts(event: PointsEarned) -> dict[str, Any]:
    """What earned the points, stored as facts (the trigger, the order's number): the
    ``reason`` the templates show is worded from them in the message's locale when it
    is rendered (``defaults.earn_reason``), never stored in English."""
    number = str(event.order.shopify_order_id) if event.order is not None else ""
    return {"points": event.points, "trigger": event.rule, "order_number": number}


@handles(PointsEarned)
async def notify_points_earned(uow: UnitOfWork, events: Sequence[PointsEarned]) -> None:
    for merchant_id, batch in _by_merchant(events).items():
        items = []
        for event in batch:
            if event.points <= 0 or not event.parts:
                continue
            if event.rule == "referral":
                continue  # the referrals context tells the advocate (referral_rewarded): one message
            if event.rule == "import":
                continue  # earned with the shop's old app: nothing to announce here
            cause = event.parts[0].key
            if event.rule == "birthday":
                items.append(Outgoing("birthday", cause, event.customer_id, {"points": event.points}))
            else:
                items.append(Outgoing("points_earned", cause, event.customer_id, _earning_facts(event)))
        await queue_messages(uow, merchant_id, items)


@handles(TierChanged)
async def notify_tier_changed(uow: UnitOfWork, events: Sequence[TierChanged]) -> None:
    for merchant_id, batch in _by_merchant(events).items():
        items = []
        for event in batch:
            if event.reason == "import" or event.from_tier_id == event.to_tier_id:
                continue
            at = int(event.occurred_at.timestamp() * 1000)
            # names, perks and direction are read when sending (in the customer's locale)
            variables: dict[str, Any] = {"tier_id": event.to_tier_id, "previous_tier_id": event.from_tier_id}
            cause = f"{event.customer_id}:{event.to_tier_id or 0}:{at}"
            items.append(Outgoing("tier_changed", cause, event.customer_id, variables))
        await queue_messages(uow, merchant_id, items)


@handles(RewardIssued)
async def notify_reward_issued(uow: UnitOfWork, events: Sequence[RewardIssued]) -> None:
    for merchant_id, batch in _by_merchant(events).items():
        items = []
        for event in batch:
            value = None
            if event.value is not None:
                # a currency None means the shop's: filled in when sending
                value = Money(event.value, event.currency or "")
            variables = {
                "reward_title": event.reward_title,
                "value": value,
                "expires_at": event.expires_at,
                "points_spent": event.points_spent,
            }
            items.append(
                Outgoing(
                    "reward_issued",
                    str(event.redemption_id),
                    event.customer_id,
                    variables,
                    sealed={"code": event.code},
                )
            )
        await queue_messages(uow, merchant_id, items)


@handles(PointsReturned)
async def notify_points_returned(uow: UnitOfWork, events: Sequence[PointsReturned]) -> None:
    for merchant_id, batch in _by_merchant(events).items():
        items = [
            Outgoing(
                "points_returned",
                str(event.redemption_id),
                event.customer_id,
                {"points": event.points, "reward_title": event.reward_title, "reason": event.reason},
            )
            for event in batch
            if event.points > 0
        ]
        await queue_messages(uow, merchant_id, items)


@handles(CustomerErased)
async def erase_deliveries(uow: UnitOfWork, events: Sequence[CustomerErased]) -> None:
    """Who the customer's messages went to and what they said (their log stays),
    messages to their address from before they were a customer included."""
    for event in events:
        await commands.erase_deliveries_of(uow, event.merchant_id, event.customer_id, event.known_as)


# Marketing consent per channel. ``ConsentChanged`` is privacy's event, declared in the
# shared kernel: privacy depends on this context (retention), so importing it through
# ``privacy.events`` would be an import cycle.
_CONSENT_CHANNELS = {NEWSLETTER: "email", SMS_MARKETING: "sms"}


@handles(ConsentChanged)
async def keep_marketing_consent(uow: UnitOfWork, events: Sequence[ConsentChanged]) -> None:
    """``newsletter`` / ``sms_marketing`` changed: marketing messages by email / SMS go
    to the customer (granted) or not (revoked), from the next send on, waiting rows
    included (consent is decided at send time)."""
    for event in events:
        channel = _CONSENT_CHANNELS.get(event.type)
        if channel is not None:
            await commands.set_marketing_consent(
                uow,
                event.merchant_id,
                event.customer_id,
                channel=channel,
                granted=event.granted,
                changed_at=event.occurred_at,
            )
