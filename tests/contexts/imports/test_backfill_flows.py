"""The backfill's flow and its install trigger, against the Shopify fake on loopback:
a run stopped between two batches resumes from the last committed one (same bulk
operation, the lines already imported passed over, nothing counted twice), and a
shop's first install with an Admin API token queues a backfill of its history."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from loyalnest.contexts.imports import backfill_api as backfill
from loyalnest.contexts.merchants import api as merchants
from loyalnest.devtools.shopify_fake import ShopifyFake
from loyalnest.platform.uow import unit_of_work
from tests.contexts.rewards.support import admin_fake, connect_shop
from tests.contexts.support import execute, ledger_rows, scalar

HISTORY = {"customers": 6, "orders": 23}


@pytest.fixture
def fake() -> Iterator[ShopifyFake]:
    with admin_fake() as running:
        yield running


async def test_a_run_cut_short_resumes_with_its_bulk_operation_and_counts_nothing_twice(
    shop: Any, fake: ShopifyFake, drain: Any
) -> None:
    await connect_shop(shop, fake)
    fake.seed_history(shop.domain, **HISTORY)
    async with unit_of_work() as uow:
        run = await backfill.request_backfill(uow, shop.id, since=None, award_points_days=0, actor="test")
    await drain()
    done = await backfill.latest_backfill(shop.id)
    assert done is not None
    assert (done.status, done.orders_imported) == ("completed", HISTORY["orders"])
    operations = len(fake.bulk_operations(shop.domain))
    # the worker died just after starting the orders' bulk operation (its id saved, no
    # line done): the run is left as such a worker leaves it, in the database
    await execute(
        "update imports_shopify_backfills set status = 'running', phase = 'orders', lines_done = 0,"
        " orders_imported = 0, finished_at = null where merchant_id = :m and id = :r",
        m=shop.id,
        r=run.id,
    )
    resumed = await backfill.run_backfill(shop.id, run.id)
    assert resumed is not None
    assert (resumed.status, resumed.orders_imported) == ("completed", HISTORY["orders"])
    # the same bulk operation downloaded again, none started; no order twice
    assert len(fake.bulk_operations(shop.domain)) == operations
    assert fake.bulk_operations(shop.domain)[-1].downloads == 2
    assert (
        await scalar("select count(*) from analytics_orders where merchant_id = :m", m=shop.id)
        == HISTORY["orders"]
    )
    assert await ledger_rows(shop.id) == []
    # an ended run is left as it is (a redelivered message)
    assert await backfill.run_backfill(shop.id, run.id) is None


@pytest.fixture
def backfill_on_install(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The setting on, as a deployment sets it (the test run turns it off for the other
    tests): settings read afresh from the environment, and again once the test is over."""
    from loyalnest.settings import get_settings

    monkeypatch.setenv("LOYALNEST_SHOPIFY_BACKFILL_ON_INSTALL", "true")
    get_settings.cache_clear()
    yield
    monkeypatch.undo()
    get_settings.cache_clear()


@pytest.mark.usefixtures("backfill_on_install")
async def test_the_first_install_with_a_token_backfills_the_history(fake: ShopifyFake, drain: Any) -> None:
    domain = f"i{uuid.uuid4().hex[:16]}.myshopify.com"
    token = f"shpat_{uuid.uuid4().hex}"
    fake.add_shop(domain, token=token)
    fake.seed_history(domain, **HISTORY)
    async with unit_of_work() as uow:
        merchant = await merchants.install_shop(
            uow, shop_domain=domain, name="Install", currency="USD", access_token=token, starter_program=False
        )
    await drain()
    run = await backfill.latest_backfill(merchant.id)
    assert run is not None
    assert (run.status, run.requested_by, run.award_points_days) == ("completed", "install", 0)
    assert run.customers_imported == HISTORY["customers"]
    assert run.orders_imported == HISTORY["orders"]
    assert await ledger_rows(merchant.id) == []
    # installed again: no second backfill (the shop asks for the next one itself)
    async with unit_of_work() as uow:
        await merchants.install_shop(
            uow, shop_domain=domain, name="Install", currency="USD", access_token=token, starter_program=False
        )
    await drain()
    assert (
        await scalar("select count(*) from imports_shopify_backfills where merchant_id = :m", m=merchant.id)
        == 1
    )


@pytest.mark.usefixtures("backfill_on_install")
async def test_a_shop_without_a_token_is_not_backfilled_on_install(make_shop: Any) -> None:
    shop = await make_shop()
    assert await backfill.latest_backfill(shop.id) is None
