from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Iterator
from types import SimpleNamespace
from typing import Any

import pytest

from loyalnest.devtools.provider_fakes import KlaviyoFake, SmsFake, SmtpSink


@pytest.fixture
async def make_shop(broker: Any) -> Callable[..., Awaitable[Any]]:
    """A fresh tenant, without the HTTP server (these tests talk to the context's api;
    the GraphQL and HTTP faces have their own tests)."""
    from loyalnest import contexts
    from loyalnest.contexts.merchants import api as merchants
    from loyalnest.platform.uow import unit_of_work

    contexts.load()

    async def _make(currency: str = "USD", timezone: str = "UTC") -> Any:
        async with unit_of_work() as uow:
            merchant = await merchants.install_shop(
                uow,
                shop_domain=f"t{uuid.uuid4().hex[:16]}.myshopify.com",
                name="Maple & Moss",
                currency=currency,
                plan="free",
                iana_timezone=timezone,
                starter_program=False,
            )
        return SimpleNamespace(id=merchant.id, merchant=merchant, domain=merchant.shop_domain)

    return _make


@pytest.fixture
async def shop(make_shop: Callable[..., Awaitable[Any]]) -> Any:
    return await make_shop()


@pytest.fixture
def sink() -> Iterator[SmtpSink]:
    with SmtpSink() as server:
        yield server


@pytest.fixture
def klaviyo() -> Iterator[KlaviyoFake]:
    with KlaviyoFake() as fake:
        yield fake


@pytest.fixture
def sms() -> Iterator[SmsFake]:
    with SmsFake() as fake:
        yield fake
