"""Consents' reaction to Shopify's customers webhooks, in the webhook's transaction:
the marketing consent they carry becomes ``newsletter`` / ``sms_marketing`` rows where
it changes the current state (``commands.record_shopify_marketing``); and choices
other contexts state (an import's file: ``platform.consents.ConsentsStated``) or take back
(its revert: ``ConsentsRetracted``)."""

from __future__ import annotations

from collections.abc import Sequence

from loyalnest.contexts.privacy.consents import commands, repository
from loyalnest.contexts.privacy.consents.dto import ConsentChoice, MarketingState
from loyalnest.contexts.webhooks.events import CustomerUpserted, MarketingConsentFacts
from loyalnest.platform.consents import ConsentsRetracted, ConsentsStated
from loyalnest.platform.events import handles
from loyalnest.platform.uow import UnitOfWork


def _state(facts: MarketingConsentFacts | None) -> MarketingState | None:
    return None if facts is None else MarketingState(state=facts.state, updated_at=facts.updated_at)


@handles(CustomerUpserted)
async def record_shopify_marketing_consent(uow: UnitOfWork, events: Sequence[CustomerUpserted]) -> None:
    """Customers in (shop, customer) order, each customer's webhooks in delivery order:
    two batches locking the same customers (``repository.lock_customer``) take the locks
    in the same order, so they never wait on each other in a circle."""
    for event in sorted(events, key=lambda e: (e.merchant_id, e.customer_id)):
        await commands.record_shopify_marketing(
            uow,
            merchant_id=event.merchant_id,
            customer_id=event.customer_id,
            email=_state(event.email_marketing),
            sms=_state(event.sms_marketing),
            seen_at=event.updated_at,
        )


@handles(ConsentsStated)
async def record_stated_consents(uow: UnitOfWork, events: Sequence[ConsentsStated]) -> None:
    """Choices another context learned (an import's file), recorded as the customer's;
    customers in order, as above."""
    for event in sorted(events, key=lambda e: (e.merchant_id, e.customer_id)):
        await commands.record_consents(
            uow,
            merchant_id=event.merchant_id,
            customer_id=event.customer_id,
            choices=[ConsentChoice(type=kind, granted=granted) for kind, granted in event.choices],
            source=event.source,
            actor=event.actor,
        )


@handles(ConsentsRetracted)
async def retract_stated_consents(uow: UnitOfWork, events: Sequence[ConsentsRetracted]) -> None:
    """Choices taken back by the context that stated them (an import reverted); the
    history of customers it removed goes. Customers in order, as above."""
    for event in sorted(events, key=lambda e: e.merchant_id):
        forgotten = set(event.forgotten)
        kept = sorted(set(event.customer_ids) - forgotten)
        # only customers whose current state the stater recorded need a statement of their own
        for customer_id in await repository.standing_by(
            uow.session, event.merchant_id, kept, event.stated_by
        ):
            await commands.retract_stated(
                uow,
                merchant_id=event.merchant_id,
                customer_id=customer_id,
                stated_by=event.stated_by,
                source=event.source,
                actor=event.actor,
            )
        if forgotten:
            await repository.forget(uow.session, event.merchant_id, sorted(forgotten))
