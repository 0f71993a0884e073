"""Fixtures for the Shopify Admin client tests: the bundled fake on loopback (one per
run) and shops installed with an access token and registered with the fake."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import pytest

from loyalnest.devtools.shopify_fake import ShopifyFake
from tests.integrations.shopify_admin.admin_support import TEST_ADMIN_CONFIG, AdminShop


@pytest.fixture(scope="session")
def shopify_fake() -> Iterator[ShopifyFake]:
    with ShopifyFake() as fake:
        yield fake


@pytest.fixture
async def admin_configured(broker: Any, shopify_fake: ShopifyFake) -> AsyncIterator[None]:
    """This process's Admin client pointed at the fake (back to settings afterwards),
    reading shops' tokens from the merchants context (as the rewards context wires it)."""
    from loyalnest.contexts.merchants import api as merchants
    from loyalnest.integrations.shopify_admin import api as admin_api

    admin_api.configure_credentials(merchants.get_admin_credentials)
    admin_api.configure_admin(base_url=shopify_fake.base_url, **TEST_ADMIN_CONFIG)
    yield
    admin_api.configure_admin()


@pytest.fixture
def admin_shop(admin_configured: None, shopify_fake: ShopifyFake) -> Callable[..., Awaitable[AdminShop]]:
    """Install a shop with an access token (as the OAuth callback will) and tell the
    fake about it. ``bucket_size``/``restore_rate`` shrink the fake's bucket so
    throttling shows within a second."""
    from loyalnest.contexts.merchants import api as merchants
    from loyalnest.platform.uow import unit_of_work

    async def _make(
        *,
        plan: str = "standard",
        bucket_size: float | None = None,
        restore_rate: float | None = None,
        register: bool = True,
    ) -> AdminShop:
        domain = f"a{uuid.uuid4().hex[:16]}.myshopify.com"
        token = f"shpat_{uuid.uuid4().hex}"
        async with unit_of_work() as uow:
            merchant = await merchants.install_shop(
                uow, shop_domain=domain, name="Admin Test", currency="USD", plan=plan, access_token=token
            )
        if register:
            shopify_fake.add_shop(
                domain, token=token, plan=plan, bucket_size=bucket_size, restore_rate=restore_rate
            )
        return AdminShop(id=merchant.id, domain=domain, token=token, plan=plan)

    return _make
