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
from loyalnest.contexts.imports import backfill_commands, backfill_rules
from loyalnest.contexts.merchants import api as merchants
from loyalnest.devtools.shopify_fake import ShopifyFake
from loyalnest.platform.uow import unit_of_work
from tests.contexts.rewards.support import admin_fake, connect_shop
from tests.contexts.support import ledger_rows, scalar

HISTORY = {"customers": 6, "orders": 23}


class Stopped(BaseException):
    """A worker killed mid-run (not an error the flow handles)."""


@pytest.fixture
def fake() -> Iterator[ShopifyFake]:
    with admin_fake() as running:
        yield running


async def test_a_stopped_run_resumes_from_its_last_batch(
    shop: Any, fake: ShopifyFake, monkeypatch: pytest.MonkeyPatch
) -> None:
    await connect_shop(shop, fake)
    fake.seed_history(shop.domain, **HISTORY)
    monkeypatch.setattr(backfill_rules, "BATCH_SIZE", 5)
    async with unit_of_work() as uow:
        run = await backfill.request_backfill(uow, shop.id, since=None, award_points_days=0, actor="test")
    real_import = backfill_commands.import_orders
    calls = 0

    async def stop_on_the_second_batch(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise Stopped
        return await real_import(*args, **kwargs)

    monkeypatch.setattr(backfill_commands, "import_orders", stop_on_the_second_batch)
    with pytest.raises(Stopped):
        await backfill.run_backfill(shop.id, run.id)
    stopped = await backfill.latest_backfill(shop.id)
    assert stopped is not None
    assert (stopped.status, stopped.phase) == ("running", "orders")
    assert stopped.customers_imported == HISTORY["customers"]
    assert stopped.orders_imported == 5
    assert await scalar("select count(*) from analytics_orders where merchant_id = :m", m=shop.id) == 5

    monkeypatch.setattr(backfill_commands, "import_orders", real_import)
    resumed = await backfill.run_backfill(shop.id, run.id)
    assert resumed is not None
    assert resumed.status == "completed"
    assert resumed.customers_imported == HISTORY["customers"]
    assert resumed.orders_imported == HISTORY["orders"]
    # the orders' bulk operation was not started again: picked up where it was
    assert len(fake.bulk_operations(shop.domain)) == 2
    assert [op.downloads for op in fake.bulk_operations(shop.domain)] == [1, 2]
    assert (
        await scalar("select count(*) from analytics_orders where merchant_id = :m", m=shop.id)
        == HISTORY["orders"]
    )
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
