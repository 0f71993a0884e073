"""The privacy context's reactions to Shopify's compliance webhooks (in the webhook's
transaction: the request is logged with the inbox row marked processed, and its work
is sent after commit)."""

from __future__ import annotations

from collections.abc import Sequence

from loyalnest.contexts.merchants import api as merchants
from loyalnest.contexts.merchants.events import ShopInstalled
from loyalnest.contexts.privacy import commands, repository, rules
from loyalnest.contexts.webhooks.events import CustomerRedactRequested, ShopRedactRequested
from loyalnest.platform.events import handles
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import UnitOfWork


@handles(ShopRedactRequested)
async def redact_shop(uow: UnitOfWork, events: Sequence[ShopRedactRequested]) -> None:
    """shop/redact, 48 hours after an uninstall: delete everything of the shop."""
    for event in events:
        merchant = await merchants.get_merchant_in(uow, event.merchant_id)
        if merchant is None:
            continue  # deleted already (the inbox row went with it)
        await commands.request_shop_redact(
            uow,
            merchant_id=event.merchant_id,
            shop_domain=merchant.shop_domain,
            source=rules.WEBHOOK,
            source_ref=f"inbox:{event.inbox_id}",
        )


@handles(ShopInstalled)
async def keep_a_returning_shop(uow: UnitOfWork, events: Sequence[ShopInstalled]) -> None:
    """A shop installed again before its deletion ran keeps its data: the open request
    is closed, saying so (one already under way is not stopped)."""
    for event in events:
        await repository.cancel_open_shop_redact(
            uow.session, event.merchant_id, now=utcnow(), outcome="reinstalled: nothing deleted"
        )


@handles(CustomerRedactRequested)
async def redact_customer(uow: UnitOfWork, events: Sequence[CustomerRedactRequested]) -> None:
    """customers/redact: erase the customer's personal data everywhere."""
    for event in events:
        merchant = await merchants.get_merchant_in(uow, event.merchant_id)
        if merchant is None:
            continue
        await commands.request_customer_redact(
            uow,
            merchant_id=event.merchant_id,
            shop_domain=merchant.shop_domain,
            shopify_customer_id=event.shopify_customer_id,
            source=rules.WEBHOOK,
            source_ref=f"inbox:{event.inbox_id}",
        )


# consents' reactions (Shopify's marketing consent in customers webhooks)
from loyalnest.contexts.privacy.consents import handlers as _consent_handlers  # noqa: E402, F401
