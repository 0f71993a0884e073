"""The Shopify Admin GraphQL client against the bundled fake on loopback and the real
Redis and PostgreSQL: the documents and variables Shopify expects, the shared
rate-limit bucket, retries, errors, usage records and the encrypted token."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
import typer
from cryptography.exceptions import InvalidTag
from sqlalchemy import text

from loyalnest.contexts.merchants import api as merchants
from loyalnest.devtools.fake_cli import parse_shop_spec
from loyalnest.devtools.shopify_fake import (
    CODE_TAKEN,
    DEMO_SHOP,
    DEV_ACCESS_TOKEN,
    ShopifyFake,
    start_demo_fake,
)
from loyalnest.integrations.shopify_admin import api as admin_api
from loyalnest.integrations.shopify_admin import throttle as admin_throttle
from loyalnest.integrations.shopify_admin.api import ShopifyAdminError
from loyalnest.platform.crypto import get_keyring
from loyalnest.platform.db import get_sessionmaker
from loyalnest.platform.uow import unit_of_work
from tests.contexts.support import scalar
from tests.integrations.shopify_admin.admin_support import TEST_ADMIN_CONFIG, AdminShop

ROOT = Path(__file__).resolve().parents[3]
MakeShop = Callable[..., Awaitable[AdminShop]]

STARTS = datetime(2026, 1, 1, tzinfo=UTC)
ENDS = datetime(2026, 2, 1, tzinfo=UTC)
CUSTOMER = "gid://shopify/Customer/7001"
VARIANT = "gid://shopify/ProductVariant/9001"


async def _percentage_code(shop: AdminShop, code: str) -> admin_api.DiscountCodeResult:
    return await admin_api.create_discount_code(
        shop.id,
        code=code,
        title="10% off",
        kind="percentage",
        value=10,
        minimum_subtotal=None,
        customer_gid=CUSTOMER,
        ends_at=None,
    )


# --- documents and variables --------------------------------------------------------

COMMON = {
    "startsAt": "2026-01-01T00:00:00Z",
    "endsAt": "2026-02-01T00:00:00Z",
    "context": {"customers": {"add": [CUSTOMER]}},
    "usageLimit": 1,
    "appliesOncePerCustomer": True,
    "minimumRequirement": {"subtotal": {"greaterThanOrEqualToSubtotal": "20"}},
}

KINDS = {
    "fixed_amount": (
        Decimal("5.00"),
        "discountCodeBasicCreate",
        "basicCodeDiscount",
        {
            "customerGets": {
                "value": {"discountAmount": {"amount": "5.00", "appliesOnEachItem": False}},
                "items": {"all": True},
            }
        },
    ),
    "percentage": (
        Decimal("15"),
        "discountCodeBasicCreate",
        "basicCodeDiscount",
        {"customerGets": {"value": {"percentage": 0.15}, "items": {"all": True}}},
    ),
    "free_shipping": (
        None,
        "discountCodeFreeShippingCreate",
        "freeShippingCodeDiscount",
        {"destination": {"all": True}},
    ),
    "free_product": (
        None,
        "discountCodeBasicCreate",
        "basicCodeDiscount",
        {
            "customerGets": {
                "value": {"percentage": 1.0},
                "items": {"products": {"productVariantsToAdd": [VARIANT]}},
            }
        },
    ),
}


@pytest.mark.parametrize("kind", list(KINDS))
async def test_creates_each_kind_of_discount_code_with_shopify_variables(
    kind: str, admin_shop: MakeShop, shopify_fake: ShopifyFake
) -> None:
    shop = await admin_shop()
    value, mutation, argument, specific = KINDS[kind]
    code = f"LN-{kind.upper()}-1"

    result = await admin_api.create_discount_code(
        shop.id,
        code=code,
        title=f"Reward {kind}",
        kind=kind,  # type: ignore[arg-type]
        value=value,
        minimum_subtotal=Decimal("20"),
        customer_gid=CUSTOMER,
        ends_at=ENDS,
        variant_gid=VARIANT if kind == "free_product" else None,
        starts_at=STARTS,
    )

    assert result.ok, result.user_errors
    assert result.code == code
    assert result.discount_gid is not None
    assert result.discount_gid.startswith("gid://shopify/DiscountCodeNode/")
    [request] = shopify_fake.requests(shop.domain)
    assert request.operation_type == "mutation"
    assert request.root_fields == (mutation,)
    assert request.variables == {argument: {"title": f"Reward {kind}", "code": code, **COMMON, **specific}}
    stored = shopify_fake.discount(shop.domain, code)
    assert stored is not None
    assert stored.gid == result.discount_gid
    assert stored.typename == ("DiscountCodeFreeShipping" if kind == "free_shipping" else "DiscountCodeBasic")


async def test_code_for_any_buyer_and_shipping_cap(admin_shop: MakeShop, shopify_fake: ShopifyFake) -> None:
    shop = await admin_shop()
    result = await admin_api.create_discount_code(
        shop.id,
        code="SHIP-ANYONE",
        title="Free shipping",
        kind="free_shipping",
        value=Decimal("12.50"),
        minimum_subtotal=None,
        customer_gid=None,
        ends_at=None,
        usage_limit=None,
        applies_once_per_customer=False,
    )
    assert result.ok
    variables = shopify_fake.requests(shop.domain)[0].variables["freeShippingCodeDiscount"]
    assert variables["context"] == {"all": "ALL"}
    assert variables["maximumShippingPrice"] == "12.50"
    assert variables["endsAt"] is None
    assert variables["usageLimit"] is None
    assert "minimumRequirement" not in variables


async def test_taken_code_comes_back_as_a_user_error(admin_shop: MakeShop, shopify_fake: ShopifyFake) -> None:
    shop = await admin_shop()
    first = await _percentage_code(shop, "TWICE")
    assert first.ok

    again = await _percentage_code(shop, "twice")  # Shopify compares codes case-insensitively

    assert not again.ok
    assert again.code_taken
    assert again.discount_gid is None
    assert again.existing_discount_gid == first.discount_gid  # a retried job finds its code
    assert [(e.field, e.message, e.code) for e in again.user_errors] == [
        (("basicCodeDiscount", "code"), CODE_TAKEN, "TAKEN")
    ]
    assert len(shopify_fake.discounts(shop.domain)) == 1


async def test_a_refused_mutation_is_returned_not_raised(
    admin_shop: MakeShop, shopify_fake: ShopifyFake
) -> None:
    shop = await admin_shop()
    shopify_fake.fail_next_mutation(message="Customer is not eligible", field=("context",), shop=shop.domain)

    result = await _percentage_code(shop, "REFUSED")

    assert result.user_errors == (
        admin_api.DiscountUserError(
            field=("basicCodeDiscount", "context"), message="Customer is not eligible", code="INVALID"
        ),
    )
    assert shopify_fake.discounts(shop.domain) == []


async def test_shop_and_customer_queries(admin_shop: MakeShop, shopify_fake: ShopifyFake) -> None:
    shop = await admin_shop(plan="plus")
    gid = shopify_fake.add_customer(
        shop.domain,
        email="ada@example.com",
        first_name="Ada",
        last_name="L",
        number_of_orders=3,
        amount_spent="120.50",
    )

    info = await admin_api.get_shop(shop.id)
    customer = await admin_api.get_customer(shop.id, gid)
    missing = await admin_api.get_customer(shop.id, "gid://shopify/Customer/404")

    assert info.myshopify_domain == shop.domain
    assert info.shopify_plus is True
    assert info.currency_code == "USD"
    assert customer is not None
    assert (customer.gid, customer.display_name, customer.email, customer.number_of_orders) == (
        gid,
        "Ada L",
        "ada@example.com",
        3,
    )
    assert customer.amount_spent == Decimal("120.50")
    assert "ada@example.com" not in repr(customer)
    assert missing is None
    assert [r.root_fields for r in shopify_fake.requests(shop.domain)] == [
        ("shop",),
        ("customer",),
        ("customer",),
    ]
    # a customer that is not there costs 1 point, not the 3 requested
    assert shopify_fake.requests(shop.domain)[2].requested_cost == 3


# --- rate limits --------------------------------------------------------------------


async def test_throttled_call_waits_for_the_bucket_and_succeeds(
    admin_shop: MakeShop, shopify_fake: ShopifyFake
) -> None:
    shop = await admin_shop(bucket_size=100, restore_rate=20)
    shopify_fake.drain(shop.domain)  # another app (or process) just emptied it
    _, variable, payload = admin_api.discount_code_input(
        code="AFTER-WAIT",
        title="t",
        kind="percentage",
        value=5,
        minimum_subtotal=None,
        customer_gid=None,
        ends_at=None,
    )

    started = time.monotonic()
    response = await admin_api.admin_graphql(
        shop.id, admin_api.DISCOUNT_CODE_BASIC_CREATE, {variable: payload}, estimated_cost=10
    )
    elapsed = time.monotonic() - started

    assert response.data["discountCodeBasicCreate"]["userErrors"] == []
    assert response.throttled == 1
    assert response.attempts == 2
    assert [r.outcome for r in shopify_fake.requests(shop.domain)] == ["throttled", "ok"]
    assert 0.3 <= elapsed < 2.0  # 10 points at 20/s, less what refilled meanwhile
    # the bucket learned the shop's real size and rate from Shopify's answer
    state = await admin_throttle.bucket_state(shop.id, admin_throttle.STANDARD)
    assert state.learned
    assert (state.maximum, state.restore_rate) == (100.0, 20.0)


async def test_concurrent_callers_share_the_bucket_and_are_never_throttled(
    admin_shop: MakeShop, shopify_fake: ShopifyFake
) -> None:
    shop = await admin_shop(bucket_size=100, restore_rate=100)
    await admin_api.get_shop(shop.id)  # first contact: learn the shop's limits

    async def caller(name: str) -> list[bool]:
        results = []
        for i in range(8):
            results.append((await _percentage_code(shop, f"{name}-{i}")).ok)
        return results

    started = time.monotonic()
    outcomes = await asyncio.gather(*(caller(f"C{n}") for n in range(3)))
    elapsed = time.monotonic() - started

    assert all(all(results) for results in outcomes)
    assert shopify_fake.throttled_count(shop.domain) == 0
    # 240 points through a 100-point bucket restoring 100/s: the bucket made them wait
    assert elapsed >= 1.0


@pytest.mark.heavy
async def test_two_processes_share_one_bucket(
    admin_shop: MakeShop, shopify_fake: ShopifyFake, settings: Any
) -> None:
    shop = await admin_shop(bucket_size=100, restore_rate=100)
    await admin_api.get_shop(shop.id)  # first contact: learn the shop's limits
    spec = {
        "database_url": settings.database_url,
        "redis_url": settings.redis_url,
        "redis_namespace": settings.redis_namespace,
        "base_url": shopify_fake.base_url,
        "admin_config": TEST_ADMIN_CONFIG,
        "merchant_id": shop.id,
        "count": 10,
        "concurrency": 4,
    }
    children = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.integrations.shopify_admin.admin_burst",
            json.dumps({**spec, "prefix": f"P{n}"}),
            cwd=ROOT,
            env=os.environ.copy(),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        for n in range(2)
    ]
    try:
        for child in children:
            assert child.stdout is not None
            line = await asyncio.wait_for(child.stdout.readline(), timeout=20)
            assert line.strip() == b"ready", line
        for child in children:  # both start together
            assert child.stdin is not None
            child.stdin.write(b"go\n")
            await child.stdin.drain()
        outputs = [await asyncio.wait_for(child.communicate(), timeout=20) for child in children]
    finally:
        for child in children:
            if child.returncode is None:
                child.kill()
                await child.wait()

    summaries = [json.loads(stdout) for stdout, _ in outputs]
    assert [s["ok"] for s in summaries] == [10, 10]
    assert all(child.returncode == 0 for child in children)
    assert shopify_fake.throttled_count(shop.domain) == 0
    assert len(shopify_fake.discounts(shop.domain)) == 20


async def test_a_burst_without_the_bucket_is_throttled(
    admin_shop: MakeShop, shopify_fake: ShopifyFake
) -> None:
    """The control for the two tests above: the same load, sent straight at the fake."""
    shop = await admin_shop(bucket_size=100, restore_rate=100)
    _, variable, payload = admin_api.discount_code_input(
        code="X",
        title="t",
        kind="percentage",
        value=10,
        minimum_subtotal=None,
        customer_gid=None,
        ends_at=None,
    )
    url = admin_api.admin_graphql_url(shop.domain)
    async with httpx.AsyncClient(headers={"X-Shopify-Access-Token": shop.token}) as client:
        await asyncio.gather(
            *(
                client.post(
                    url,
                    json={
                        "query": admin_api.DISCOUNT_CODE_BASIC_CREATE,
                        "variables": {variable: {**payload, "code": f"RAW-{i}"}},
                    },
                )
                for i in range(24)
            )
        )
    assert shopify_fake.throttled_count(shop.domain) >= 10


async def test_refuses_to_wait_longer_than_allowed(admin_shop: MakeShop, shopify_fake: ShopifyFake) -> None:
    shop = await admin_shop(bucket_size=100, restore_rate=100)
    await admin_api.get_shop(shop.id)  # learn 100 points, 100/s
    limits = admin_throttle.STANDARD  # what Shopify taught the bucket takes precedence
    # a request holding the whole bucket is in flight: nothing refills until it is answered
    holder = await admin_throttle.reserve(shop.id, 100, limits, max_wait=5, hold_seconds=10)
    admin_api.configure_admin(
        base_url=shopify_fake.base_url, **{**TEST_ADMIN_CONFIG, "max_throttle_wait_seconds": 0.3}
    )

    started = time.monotonic()
    with pytest.raises(ShopifyAdminError) as error:
        await admin_api.get_shop(shop.id)

    assert error.value.code == "RATE_LIMITED"
    assert error.value.retryable
    assert time.monotonic() - started < 1.0
    assert len(shopify_fake.requests(shop.domain)) == 1  # only the first get_shop
    await admin_throttle.refund(holder, limits)
    assert (await admin_throttle.bucket_state(shop.id, limits)).available >= 90
    usage = await admin_api.get_api_usage(shop.id, since=datetime.now(UTC) - timedelta(minutes=2))
    assert (sum(r.calls for r in usage), sum(r.throttled_count for r in usage)) == (1, 1)


async def test_reserve_waits_for_room_and_for_answers_in_flight(broker: Any) -> None:
    merchant_id = 900_000_000 + int(time.time() * 1000) % 100_000_000  # a bucket needs no shop
    limits = admin_throttle.BucketLimits(maximum=20, restore_rate=100)
    try:
        first = await admin_throttle.reserve(merchant_id, 20, limits, max_wait=5, hold_seconds=5)
        assert first.waited_seconds < 0.05
        second = asyncio.create_task(
            admin_throttle.reserve(merchant_id, 10, limits, max_wait=5, hold_seconds=5)
        )
        # Shopify has not charged the first yet: its bucket is still full, so ours
        # does not refill while the first is in flight
        await asyncio.sleep(0.25)
        assert not second.done()
        answered = time.monotonic()
        await admin_throttle.reconcile(first, limits, charged=20, status=None)
        reserved = await asyncio.wait_for(second, timeout=2)
        assert 0.08 <= time.monotonic() - answered < 0.5  # 10 points at 100/s, then a try
        assert reserved.waited_seconds >= 0.3
        with pytest.raises(admin_throttle.ThrottleWaitTooLong):
            await admin_throttle.reserve(merchant_id, 20, limits, max_wait=0.05, hold_seconds=5)
        await admin_throttle.refund(reserved, limits)
        await admin_throttle.refund(reserved, limits)  # idempotent
        state = await admin_throttle.bucket_state(merchant_id, limits)
        assert 10 <= state.available <= 20
        assert not state.learned
    finally:
        await admin_throttle.forget_bucket(merchant_id)


# --- retries and errors -------------------------------------------------------------


async def test_server_errors_are_retried(admin_shop: MakeShop, shopify_fake: ShopifyFake) -> None:
    shop = await admin_shop()
    shopify_fake.fail_next(2, status=502, shop=shop.domain)

    response = await admin_api.admin_graphql(shop.id, admin_api.SHOP_QUERY, estimated_cost=2)

    assert response.attempts == 3
    assert [r.outcome for r in shopify_fake.requests(shop.domain)] == ["injected_502", "injected_502", "ok"]


async def test_persistent_server_errors_fail_after_max_attempts(
    admin_shop: MakeShop, shopify_fake: ShopifyFake
) -> None:
    shop = await admin_shop()
    shopify_fake.fail_next(10, status=500, shop=shop.domain)

    with pytest.raises(ShopifyAdminError) as error:
        await _percentage_code(shop, "NEVER")

    assert error.value.code == "SERVER_ERROR"
    assert error.value.status == 500
    assert error.value.attempts == TEST_ADMIN_CONFIG["max_attempts"] == 3
    assert error.value.retryable
    assert len(shopify_fake.requests(shop.domain)) == 3


async def test_http_429_is_retried(admin_shop: MakeShop, shopify_fake: ShopifyFake) -> None:
    shop = await admin_shop()
    shopify_fake.fail_next(1, status=429, shop=shop.domain)
    admin_api.configure_admin(
        base_url=shopify_fake.base_url, **{**TEST_ADMIN_CONFIG, "backoff_max_seconds": 0.05}
    )

    response = await admin_api.admin_graphql(shop.id, admin_api.SHOP_QUERY, estimated_cost=2)

    assert response.throttled == 1
    assert response.attempts == 2


async def test_a_mutation_that_times_out_is_not_retried(
    admin_shop: MakeShop, shopify_fake: ShopifyFake
) -> None:
    shop = await admin_shop()
    admin_api.configure_admin(base_url=shopify_fake.base_url, **{**TEST_ADMIN_CONFIG, "timeout_seconds": 0.3})
    shopify_fake.delay_next(1, seconds=1.0, shop=shop.domain)

    with pytest.raises(ShopifyAdminError) as error:
        await _percentage_code(shop, "SLOW")

    assert error.value.code == "TIMEOUT"
    assert error.value.retryable
    assert error.value.attempts == 1
    assert len(shopify_fake.requests(shop.domain)) == 1
    # Shopify may well have created it: the caller finds out by retrying the job,
    # which then gets "code taken" for its own code
    assert shopify_fake.discount(shop.domain, "SLOW") is not None


async def test_a_query_that_times_out_is_retried(admin_shop: MakeShop, shopify_fake: ShopifyFake) -> None:
    shop = await admin_shop()
    admin_api.configure_admin(base_url=shopify_fake.base_url, **{**TEST_ADMIN_CONFIG, "timeout_seconds": 0.3})
    shopify_fake.delay_next(1, seconds=1.0, shop=shop.domain)

    info = await admin_api.get_shop(shop.id)

    assert info.myshopify_domain == shop.domain
    assert len(shopify_fake.requests(shop.domain)) == 2


async def test_queries_that_keep_timing_out_fail_with_timeout(
    admin_shop: MakeShop, shopify_fake: ShopifyFake
) -> None:
    shop = await admin_shop()
    admin_api.configure_admin(base_url=shopify_fake.base_url, **{**TEST_ADMIN_CONFIG, "timeout_seconds": 0.2})
    shopify_fake.delay_next(3, seconds=0.6, shop=shop.domain)

    with pytest.raises(ShopifyAdminError) as error:
        await admin_api.get_shop(shop.id)

    assert error.value.code == "TIMEOUT"
    assert error.value.attempts == 3


async def test_unauthorized_is_not_retried(admin_shop: MakeShop, shopify_fake: ShopifyFake) -> None:
    shop = await admin_shop()
    shopify_fake.set_token(shop.domain, "shpat_rotated")  # the merchant reinstalled, say

    with pytest.raises(ShopifyAdminError) as error:
        await admin_api.get_shop(shop.id)

    assert error.value.code == "UNAUTHORIZED"
    assert error.value.status == 401
    assert not error.value.retryable
    assert [r.outcome for r in shopify_fake.requests(shop.domain)] == ["unauthorized"]
    assert shop.token not in str(error.value)


async def test_graphql_errors_raise_with_shopify_code(
    admin_shop: MakeShop, shopify_fake: ShopifyFake
) -> None:
    shop = await admin_shop()

    with pytest.raises(ShopifyAdminError) as error:
        await admin_api.admin_graphql(shop.id, "{ shop { id noSuchField } }", estimated_cost=1)

    assert error.value.code == "undefinedField"
    assert not error.value.retryable
    assert len(shopify_fake.requests(shop.domain)) == 1


async def test_a_shop_without_token_is_not_called(
    broker: Any, admin_configured: None, shopify_fake: ShopifyFake
) -> None:
    async with unit_of_work() as uow:
        merchant = await merchants.install_shop(
            uow, shop_domain=f"n{uuid.uuid4().hex[:16]}.myshopify.com", name="No token", currency="USD"
        )
    before = len(shopify_fake.requests())

    with pytest.raises(ShopifyAdminError) as error:
        await admin_api.get_shop(merchant.id)

    assert error.value.code == "NOT_INSTALLED"
    assert len(shopify_fake.requests()) == before


async def test_a_token_under_a_retired_key_is_a_clear_error(
    admin_shop: MakeShop, shopify_fake: ShopifyFake
) -> None:
    shop = await admin_shop()
    async with get_sessionmaker()() as session, session.begin():
        await session.execute(
            text("UPDATE merchants SET access_token_enc = 'retired:AAAA' WHERE id = :id"), {"id": shop.id}
        )

    with pytest.raises(ShopifyAdminError) as error:
        await admin_api.get_shop(shop.id)

    assert error.value.code == "CREDENTIALS_UNREADABLE"
    assert shopify_fake.requests(shop.domain) == []


async def test_estimated_cost_is_bounded(admin_shop: MakeShop) -> None:
    shop = await admin_shop()
    with pytest.raises(ValueError, match="between 1 and 1000"):
        await admin_api.admin_graphql(shop.id, admin_api.SHOP_QUERY, estimated_cost=1001)


# --- usage records ------------------------------------------------------------------


async def test_usage_is_recorded_per_shop_and_minute(admin_shop: MakeShop, shopify_fake: ShopifyFake) -> None:
    shop = await admin_shop(bucket_size=100, restore_rate=20)
    other = await admin_shop()
    since = datetime.now(UTC) - timedelta(minutes=1)
    shopify_fake.drain(shop.domain, to=5)
    await _percentage_code(shop, "U1")  # throttled once, then 10 points
    shopify_fake.fail_next(1, status=503, shop=shop.domain)
    await admin_api.get_shop(shop.id)  # one 503, then 2 points
    await admin_api.get_shop(other.id)

    rows = await admin_api.get_api_usage(shop.id, since=since)

    assert sum(r.calls for r in rows) == 4
    assert sum(r.throttled_count for r in rows) == 1
    assert sum(r.errors for r in rows) == 1
    assert sum(r.actual_cost for r in rows) == 12
    assert sum(r.requested_cost for r in rows) == 22  # the THROTTLED answer's 10 included
    assert max(r.max_utilisation_pct for r in rows) >= Decimal("80")
    assert {r.maximum_available for r in rows} == {100}
    [other_row] = await admin_api.get_api_usage(other.id, since=since)
    assert (other_row.calls, other_row.maximum_available) == (1, 2000)


# --- token storage ------------------------------------------------------------------


async def test_access_token_is_stored_encrypted(admin_shop: MakeShop) -> None:
    shop = await admin_shop()

    stored = await scalar("SELECT access_token_enc FROM merchants WHERE id = :id", id=shop.id)
    credentials = await merchants.get_admin_credentials(shop.id)

    assert stored.startswith(get_keyring().current_kid + ":")
    assert shop.token not in stored
    assert credentials == (shop.domain, "standard", shop.token)
    assert shop.token not in repr(credentials)
    # bound to its column: the same ciphertext does not decrypt as anything else
    with pytest.raises(InvalidTag):
        get_keyring().decrypt(stored, context=b"customers.email")


async def test_set_access_token_replaces_the_token(admin_shop: MakeShop, shopify_fake: ShopifyFake) -> None:
    shop = await admin_shop()
    async with unit_of_work() as uow:
        await merchants.set_access_token(uow, shop.id, "shpat_new")
    shopify_fake.set_token(shop.domain, "shpat_new")

    assert (await admin_api.get_shop(shop.id)).myshopify_domain == shop.domain
    assert (await merchants.get_admin_credentials(shop.id)).access_token == "shpat_new"  # type: ignore[union-attr]


# --- URLs and the fake's own controls ---------------------------------------------


def test_admin_urls() -> None:
    config = admin_api.AdminClientConfig(api_version="2025-10")
    shop = "demo.myshopify.com"
    assert (
        admin_api.admin_graphql_url(shop, config)
        == "https://demo.myshopify.com/admin/api/2025-10/graphql.json"
    )
    fake = admin_api.AdminClientConfig(base_url="http://127.0.0.1:8081/", api_version="2025-10")
    assert admin_api.admin_graphql_url(shop, fake) == (
        "http://127.0.0.1:8081/demo.myshopify.com/admin/api/2025-10/graphql.json"
    )
    template = admin_api.AdminClientConfig(base_url="http://{shop}.proxy.test", api_version="unstable")
    assert admin_api.admin_graphql_url(shop, template) == (
        "http://demo.myshopify.com.proxy.test/admin/api/unstable/graphql.json"
    )
    with pytest.raises(ValueError, match="API version"):
        admin_api.configure_admin(api_version="latest")


async def test_fake_marks_codes_used(admin_shop: MakeShop, shopify_fake: ShopifyFake) -> None:
    shop = await admin_shop()
    await _percentage_code(shop, "USED-1")
    async with httpx.AsyncClient(base_url=shopify_fake.base_url) as client:
        used = await client.post(f"/__fake__/shops/{shop.domain}/discount-codes/USED-1/use")
        state = (await client.get("/__fake__/state")).json()
    assert used.json() == {"code": "USED-1", "usageCount": 1}
    assert state["shops"][shop.domain]["discountCodes"]["USED-1"]["usageCount"] == 1

    response = await admin_api.admin_graphql(
        shop.id,
        "query ($code: String!) { codeDiscountNodeByCode(code: $code) "
        "{ id codeDiscount { ... on DiscountCodeBasic { asyncUsageCount status } } } }",
        {"code": "used-1"},
        estimated_cost=2,
    )
    node = response.data["codeDiscountNodeByCode"]
    assert node["codeDiscount"] == {"asyncUsageCount": 1, "status": "ACTIVE"}


def test_demo_fake_serves_the_demo_shop_and_registers_others() -> None:
    fake = start_demo_fake()
    try:
        url = fake.base_url + "/{shop}/admin/api/2025-10/graphql.json"
        query = {"query": "{ shop { myshopifyDomain } }"}
        demo = httpx.post(
            url.format(shop=DEMO_SHOP), json=query, headers={"X-Shopify-Access-Token": DEV_ACCESS_TOKEN}
        )
        wrong = httpx.post(url.format(shop=DEMO_SHOP), json=query, headers={"X-Shopify-Access-Token": "nope"})
        other = httpx.post(
            url.format(shop="b.myshopify.com"), json=query, headers={"X-Shopify-Access-Token": "t-b"}
        )
        again = httpx.post(
            url.format(shop="b.myshopify.com"), json=query, headers={"X-Shopify-Access-Token": "t-x"}
        )
    finally:
        fake.stop()
    assert demo.json()["data"] == {"shop": {"myshopifyDomain": DEMO_SHOP}}
    assert wrong.status_code == 401
    assert other.json()["data"] == {"shop": {"myshopifyDomain": "b.myshopify.com"}}
    assert again.status_code == 401  # registered with the first token it presented


def test_fake_cli_shop_option() -> None:
    assert parse_shop_spec("Shop.myshopify.com:tok:plus") == ("shop.myshopify.com", "tok", "plus")
    assert parse_shop_spec("shop.myshopify.com:tok") == ("shop.myshopify.com", "tok", "standard")
    with pytest.raises(typer.BadParameter):
        parse_shop_spec("shop.myshopify.com")
