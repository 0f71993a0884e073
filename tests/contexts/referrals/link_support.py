"""What the link, click and analytics tests share: advocates with a code in a shop
whose program is set through the referrals api (as the staff mutation does), the
click counters as the flush actor writes them, and the events it publishes."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any

import pytest

from loyalnest.contexts.customers import api as customers
from loyalnest.contexts.referrals import api as referrals
from loyalnest.contexts.referrals import links
from loyalnest.contexts.referrals.tasks.clicks import FLUSH_CLICKS_ACTOR, REFERRALS_QUEUE
from loyalnest.platform import events
from loyalnest.platform.uow import unit_of_work
from tests.contexts.support import rows


async def set_program(shop: Any, **changes: Any) -> None:
    async with unit_of_work() as uow:
        await referrals.update_program(
            uow, merchant_id=shop.id, actor="staff:test", update=referrals.ProgramUpdate(**changes)
        )


async def advocate(shop: Any, shopify_id: int) -> tuple[int, str]:
    """A customer of the shop with a referral code: (customer id, code)."""
    async with unit_of_work() as uow:
        customer_id = await customers.upsert_from_shopify(
            uow,
            shop.id,
            customers.ShopifyCustomerFacts(
                shopify_customer_id=shopify_id, email=f"advocate{shopify_id}@example.com", first_name="Ana"
            ),
        )
        code = await referrals.ensure_code(uow, merchant_id=shop.id, customer_id=customer_id)
    return customer_id, code


async def program_with_advocate(shop: Any, shopify_id: int = 501) -> tuple[int, str]:
    """The shop's program on (friends get 10.00 off) and one advocate with a code."""
    await set_program(shop, enabled=True, friend_kind="fixed_amount", friend_value=Decimal("10"))
    return await advocate(shop, shopify_id)


async def flush(drain: Any) -> None:
    """The periodic flush, as the scheduler sends it, run by the real worker."""
    from loyalnest.platform import queue

    queue.send(FLUSH_CLICKS_ACTOR, REFERRALS_QUEUE, {})
    await drain()


async def daily(shop: Any) -> list[dict[str, Any]]:
    return await rows(
        "select advocate_customer_id, day, clicks, unique_visitors from referral_clicks_daily"
        " where merchant_id = :m order by advocate_customer_id, day",
        m=shop.id,
    )


def forget_cached_links() -> None:
    """A fresh API process: nothing cached in this one (Redis entries expire by TTL;
    each test's shop has its own domain, so none is shared)."""
    links.forget_cached_links()


progress: list[Any] = []


async def _record(uow: Any, batch: Sequence[Any]) -> None:
    progress.extend(batch)


@pytest.fixture
def progress_events() -> Iterator[list[Any]]:
    """The ``ReferralProgressChanged`` events published while the test runs."""
    from loyalnest.contexts.referrals.events import ReferralProgressChanged

    progress.clear()
    events.handles(ReferralProgressChanged)(_record)
    try:
        yield progress
    finally:
        events._handlers[ReferralProgressChanged].remove(_record)
