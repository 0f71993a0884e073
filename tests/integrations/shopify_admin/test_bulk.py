"""The bulk operations client against the Shopify fake on loopback: start through the
one client (token, bucket), poll with backoff until done, FAILED surfaced with its
errorCode, a bounded wait, OPERATION_IN_PROGRESS, and the JSONL streamed line by line
with ``__parentId`` children gathered under their parent."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from loyalnest.devtools.shopify_fake import ShopifyFake
from loyalnest.integrations.shopify_admin import bulk

ORDERS = """{ orders { edges { node { id name customer { id }
  lineItems { edges { node { id quantity product { id } } } } } } } }"""
CUSTOMERS = "{ customers { edges { node { id email } } } }"
FAST = {"first_interval": 0.01, "max_interval": 0.05, "max_wait_seconds": 5.0}


async def _collect(items: AsyncIterator[dict[str, Any]]) -> list[dict[str, Any]]:
    return [item async for item in items]


async def test_start_poll_and_stream_with_children(admin_shop: Any, shopify_fake: ShopifyFake) -> None:
    shop = await admin_shop()
    shopify_fake.seed_history(shop.domain, customers=5, orders=12)
    sleeps: list[float] = []

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)

    started = await bulk.start_bulk_query(shop.id, ORDERS)
    assert started.status == "CREATED"
    done = await bulk.wait_for_bulk_operation(
        shop.id, started.id, first_interval=0.5, max_interval=15, max_wait_seconds=60, sleep=sleep
    )
    assert done.status == "COMPLETED"
    assert done.root_object_count == 12
    assert done.url is not None
    # polled (node(id:)) with a growing interval until done
    assert sleeps == [0.5]
    polls = shopify_fake.requests(shop.domain, operation="node")
    assert len(polls) == 2
    assert shopify_fake.requests(shop.domain, operation="bulkOperationRunQuery")[0].outcome == "ok"

    lines = await _collect(bulk.stream_jsonl(done.url))
    assert len(lines) == done.object_count
    assert sum(1 for line in lines if "__parentId" in line) == done.object_count - 12

    orders = await _collect(bulk.with_children(bulk.stream_jsonl(done.url)))
    assert len(orders) == 12
    fake_orders = {o["id"]: o for o in (await _orders_of(shopify_fake, shop.domain))}
    for order in orders:
        assert "__parentId" not in order
        expected = [n["id"] for n in fake_orders[order["id"]]["lineItems"]["nodes"]]
        assert [child["id"] for child in order["children"]] == expected
        assert all("__parentId" not in child for child in order["children"])

    # resuming: the lines already imported are passed over
    rest = await _collect(bulk.stream_jsonl(done.url, skip=3))
    assert rest == lines[3:]


async def _orders_of(fake: ShopifyFake, domain: str) -> list[dict[str, Any]]:
    with fake._lock:
        return list(fake._shop(domain).orders.values())


async def test_a_second_bulk_query_is_refused_while_one_runs(
    admin_shop: Any, shopify_fake: ShopifyFake
) -> None:
    shop = await admin_shop()
    first = await bulk.start_bulk_query(shop.id, CUSTOMERS)
    with pytest.raises(bulk.BulkOperationError) as refused:
        await bulk.start_bulk_query(shop.id, CUSTOMERS)
    assert refused.value.code == "OPERATION_IN_PROGRESS"
    assert first.id in refused.value.message
    assert refused.value.retryable
    current = await bulk.current_bulk_operation(shop.id)
    assert current is not None
    assert current.id == first.id


async def test_a_failed_operation_raises_with_its_error_code(
    admin_shop: Any, shopify_fake: ShopifyFake
) -> None:
    shop = await admin_shop()
    shopify_fake.fail_next_bulk_operation(error_code="ACCESS_DENIED", shop=shop.domain)
    started = await bulk.start_bulk_query(shop.id, ORDERS)
    with pytest.raises(bulk.BulkOperationError) as failed:
        await bulk.wait_for_bulk_operation(shop.id, started.id, **FAST)
    assert failed.value.code == "ACCESS_DENIED"
    assert failed.value.operation_id == started.id
    assert not failed.value.retryable


async def test_the_wait_is_bounded(admin_shop: Any, shopify_fake: ShopifyFake) -> None:
    shop = await admin_shop()
    started = await bulk.start_bulk_query(shop.id, CUSTOMERS)
    with pytest.raises(bulk.BulkOperationError) as timed_out:
        # one poll (CREATED -> RUNNING) and the time is up
        await bulk.wait_for_bulk_operation(shop.id, started.id, first_interval=0.01, max_wait_seconds=0.0)
    assert timed_out.value.code == "TIMEOUT"
    assert timed_out.value.retryable


async def test_an_empty_result_has_no_file(admin_shop: Any, shopify_fake: ShopifyFake) -> None:
    shop = await admin_shop()
    started = await bulk.start_bulk_query(shop.id, ORDERS)
    done = await bulk.wait_for_bulk_operation(shop.id, started.id, **FAST)
    assert done.status == "COMPLETED"
    assert done.url is None
    assert done.object_count == 0


async def test_a_missing_file_is_a_retryable_download_failure(shopify_fake: ShopifyFake) -> None:
    with pytest.raises(bulk.BulkOperationError) as failed:
        await _collect(
            bulk.stream_jsonl(f"{shopify_fake.base_url}/__fake__/bulk/nobody.myshopify.com/1.jsonl")
        )
    assert failed.value.code == "DOWNLOAD_FAILED"
    assert failed.value.retryable
