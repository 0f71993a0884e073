"""What the notifications core tests share: customers written as the customers webhook
would, providers set through the api (as the GraphQL mutation does), causes published
as the other contexts publish them, and the delivery rows read with plain SQL."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from loyalnest.contexts.customers import api as customers
from loyalnest.contexts.notifications import api as notifications
from loyalnest.contexts.rewards.events import RewardIssued
from loyalnest.platform.events import Event
from loyalnest.platform.uow import unit_of_work
from tests.contexts.support import rows

_ids = itertools.count(int(datetime.now(UTC).timestamp()) * 1000)


async def make_customer(
    merchant_id: int,
    *,
    email: str | None = "ana@example.com",
    phone: str | None = None,
    first_name: str | None = "Ana",
    locale: str | None = None,
    accepts_marketing: bool = False,
) -> int:
    facts = customers.ShopifyCustomerFacts(
        shopify_customer_id=next(_ids),
        email=email,
        first_name=first_name,
        phone=phone,
        accepts_marketing=accepts_marketing,
        locale=locale,
    )
    async with unit_of_work() as uow:
        written = await customers.record_customer_webhook(uow, merchant_id, facts)
    return written.id


async def set_smtp(merchant_id: int, sink: Any, *, role: str = "primary") -> None:
    await set_provider(
        merchant_id,
        notifications.ProviderInput(
            channel="email",
            role=role,
            kind="smtp",
            settings={
                "host": "127.0.0.1",
                "port": sink.port,
                "security": "none",
                "from_address": "rewards@shop.test",
            },
        ),
    )


async def set_klaviyo(merchant_id: int, fake: Any, *, role: str = "primary", key: str | None = None) -> None:
    from loyalnest.devtools.provider_fakes import DEV_KLAVIYO_KEY

    await set_provider(
        merchant_id,
        notifications.ProviderInput(
            channel="email",
            role=role,
            kind="klaviyo",
            settings={"base_url": fake.base_url},
            secret=key or DEV_KLAVIYO_KEY,
        ),
    )


async def set_twilio(merchant_id: int, fake: Any) -> None:
    from loyalnest.devtools.provider_fakes import DEV_TWILIO_SID, DEV_TWILIO_TOKEN

    await set_provider(
        merchant_id,
        notifications.ProviderInput(
            channel="sms",
            role="primary",
            kind="sms",
            settings={
                "style": "twilio",
                "base_url": fake.base_url,
                "account_id": DEV_TWILIO_SID,
                "from_number": "+15550001111",
            },
            secret=DEV_TWILIO_TOKEN,
        ),
    )


async def set_provider(merchant_id: int, data: notifications.ProviderInput) -> notifications.ProviderDTO:
    async with unit_of_work() as uow:
        return await notifications.set_provider(uow, merchant_id=merchant_id, actor="staff:test", data=data)


async def configure(merchant_id: int, **changes: Any) -> notifications.NotificationSettingsDTO:
    async with unit_of_work() as uow:
        return await notifications.update_settings(
            uow, merchant_id=merchant_id, actor="staff:test", update=notifications.SettingsUpdate(**changes)
        )


async def publish(*events: Event) -> None:
    async with unit_of_work() as uow:
        await uow.publish_events(list(events))


def reward_issued(
    merchant_id: int, customer_id: int, redemption_id: int, code: str = "LN-AAAA-BBBB"
) -> RewardIssued:
    return RewardIssued(
        merchant_id=merchant_id,
        customer_id=customer_id,
        redemption_id=redemption_id,
        reward_title="$10 off",
        code=code,
        value=Decimal("10.00"),
        currency=None,
        expires_at=datetime.now(UTC) + timedelta(days=30),
        points_spent=500,
    )


async def deliveries(merchant_id: int, *, type_name: str | None = None) -> list[dict[str, Any]]:
    return await rows(
        "select id, type, channel, customer_id, idempotency_key, status, reason, provider, attempts,"
        " provider_message_id, recipient_enc, locale, variables::text as variables, sealed_enc, not_before,"
        " claimed_at, sent_at from notification_deliveries where merchant_id = :m"
        " and (cast(:t as text) is null or type = :t) order by id",
        m=merchant_id,
        t=type_name,
    )


async def outbox_for(merchant_id: int) -> list[dict[str, Any]]:
    return await rows(
        "select actor_name, kwargs from outbox_messages"
        " where actor_name = 'notifications.deliver_batch' and (kwargs->>'merchant_id')::bigint = :m",
        m=merchant_id,
    )


def statuses(found: Sequence[dict[str, Any]]) -> list[str]:
    return [r["status"] for r in found]


async def no_sleep(_seconds: float) -> None:
    """Retries without waiting (the retry loop's own pauses are P's tests' business)."""


async def settle(merchant_id: int, *, timeout: float = 15.0) -> list[dict[str, Any]]:
    """Deliver until nothing of the shop is waiting or in flight (a real worker of the
    test session may be draining the same shop: both go through the same claim)."""
    import asyncio
    import time

    deadline = time.monotonic() + timeout
    while True:
        await notifications.deliver_batch(merchant_id, retry_sleep=no_sleep)
        found = await deliveries(merchant_id)
        now = datetime.now(UTC)
        busy = [
            r
            for r in found
            if r["status"] == "sending"
            or (r["status"] in ("queued", "held") and (r["not_before"] is None or r["not_before"] <= now))
        ]
        if not busy:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"deliveries did not settle: {busy}")
        await asyncio.sleep(0.05)
