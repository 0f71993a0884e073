"""The privacy context's reactions to Shopify's compliance webhooks (in the webhook's
transaction: the request is logged with the inbox row marked processed, and its work
is sent after commit), to a shop's return, and to a customer's erasure."""

from __future__ import annotations

from collections.abc import Sequence

from loyalnest.contexts.merchants import api as merchants
from loyalnest.contexts.merchants.events import ShopInstalled
from loyalnest.contexts.privacy import commands, rules
from loyalnest.contexts.privacy.repository import exports, requests
from loyalnest.contexts.webhooks.events import (
    CustomerDataRequested,
    CustomerRedactRequested,
    ShopRedactRequested,
)
from loyalnest.platform.erasure import CustomerErased
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
        await requests.cancel_open_shop_redact(
            uow.session, event.merchant_id, now=utcnow(), outcome="reinstalled: nothing deleted"
        )


@handles(CustomerRedactRequested)
async def redact_customer(uow: UnitOfWork, events: Sequence[CustomerRedactRequested]) -> None:
    """customers/redact: erase the customer's personal data everywhere."""
    for event in events:
        merchant = await merchants.get_merchant_in(uow, event.merchant_id)
        if merchant is None:
            continue
        await commands.request_for_customer(
            uow,
            merchant_id=event.merchant_id,
            shop_domain=merchant.shop_domain,
            type=rules.CUSTOMER_REDACT,
            shopify_customer_id=event.shopify_customer_id,
            source=rules.WEBHOOK,
            source_ref=f"inbox:{event.inbox_id}",
        )


@handles(CustomerDataRequested)
async def export_customer_data(uow: UnitOfWork, events: Sequence[CustomerDataRequested]) -> None:
    """customers/data_request: everything held about the customer, as an archive for
    the shop's staff (one per Shopify request id, however often it is delivered)."""
    for event in events:
        merchant = await merchants.get_merchant_in(uow, event.merchant_id)
        if merchant is None:
            continue
        await commands.request_for_customer(
            uow,
            merchant_id=event.merchant_id,
            shop_domain=merchant.shop_domain,
            type=rules.DATA_REQUEST,
            shopify_customer_id=event.shopify_customer_id,
            source=rules.WEBHOOK,
            source_ref=f"inbox:{event.inbox_id}",
            external_ref=event.data_request_id,
        )


@handles(CustomerErased)
async def drop_archives_of_the_erased(uow: UnitOfWork, events: Sequence[CustomerErased]) -> None:
    """An erased customer's data archives go with the rest of their data (a copy made
    for an earlier data request would otherwise outlive the erasure); the requests stay,
    naming them by Shopify's id only, as the proof both were answered."""
    for event in events:
        if event.shopify_customer_id is not None:
            await exports.delete_for_customer(uow.session, event.merchant_id, event.shopify_customer_id)


# consents' reactions (Shopify's marketing consent in customers webhooks)
from loyalnest.contexts.privacy.consents import handlers as _consent_handlers  # noqa: E402, F401
