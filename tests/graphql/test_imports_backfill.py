"""The Shopify history backfill end to end: ``backfillShopifyHistory`` over HTTP, the
real worker running the actor against the Shopify fake on loopback (bulk operations,
JSONL download), and what the product then holds: customers, RFM inputs
(``analytics_orders``), tier metrics from spend, and no points for history unless
``awardPointsDays`` asks (an order earns once, whether the backfill or its webhook
brings it first). Plus re-runs, refusal while one runs, tenancy and roles."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from loyalnest.devtools.shopify_fake import ShopifyFake
from loyalnest.devtools.shopify_fake.bulk import demo_history
from tests import payloads
from tests.contexts.rewards.support import admin_fake, connect_shop
from tests.contexts.support import ledger_rows, rows, scalar
from tests.graphql.conftest import error_codes, refused_roots

BACKFILL = """
mutation ($since: DateTime, $days: Int) {
  backfillShopifyHistory(since: $since, awardPointsDays: $days) {
    shopifyBackfill { id status phase since awardPointsDays requestedBy }
    userErrors { field message code }
  }
}
"""
LATEST = """
{ shopifyBackfill { id status phase customersImported ordersImported ordersAwarded errorCode
  errorMessage requestedBy awardPointsDays startedAt finishedAt } }
"""
HISTORY = {"customers": 8, "orders": 30}


@pytest.fixture
def fake() -> Iterator[ShopifyFake]:
    with admin_fake() as running:
        yield running


async def history_shop(make_shop: Any, fake: ShopifyFake, seed: int) -> tuple[Any, list[dict[str, Any]]]:
    """A shop with an Admin API token whose Shopify history is on the fake; returns the
    shop and its orders (as the fake holds them)."""
    shop = await make_shop()
    await connect_shop(shop, fake)
    people, orders = demo_history(seed=seed, **HISTORY)
    for person in people:
        fake.add_customer_object(shop.domain, person)
    for order in orders:
        fake.add_order(shop.domain, order)
    return shop, orders


async def backfill(shop: Any, drain: Any, **variables: Any) -> dict[str, Any]:
    result = await shop.gql(BACKFILL, variables)
    assert "errors" not in result, result
    payload = result["data"]["backfillShopifyHistory"]
    assert payload["userErrors"] == [], payload
    await drain()
    latest = await shop.gql(LATEST)
    run: dict[str, Any] = latest["data"]["shopifyBackfill"]
    assert run["status"] == "COMPLETED", run
    return run


def _id(gid: str) -> int:
    return int(gid.rsplit("/", 1)[1])


def _amount(order: dict[str, Any]) -> Decimal:
    return Decimal(order["currentSubtotalPriceSet"]["shopMoney"]["amount"])


async def test_a_backfill_fills_a_new_shop_without_points(
    make_shop: Any, fake: ShopifyFake, drain: Any
) -> None:
    shop, orders = await history_shop(make_shop, fake, seed=101)
    started = await shop.gql(BACKFILL, {})
    run = started["data"]["backfillShopifyHistory"]["shopifyBackfill"]
    assert run["status"] == "QUEUED"
    assert run["awardPointsDays"] == 0
    assert run["requestedBy"].startswith("staff:")
    # one at a time: a second request while it is queued or running is refused
    again = await shop.gql(BACKFILL, {})
    assert again["data"]["backfillShopifyHistory"]["shopifyBackfill"] is None
    assert [e["code"] for e in again["data"]["backfillShopifyHistory"]["userErrors"]] == ["IN_PROGRESS"]
    await drain()
    done = (await shop.gql(LATEST))["data"]["shopifyBackfill"]
    assert done["status"] == "COMPLETED", done
    assert done["phase"] == "DONE"
    assert done["customersImported"] == HISTORY["customers"]
    assert done["ordersImported"] == HISTORY["orders"]
    assert done["ordersAwarded"] == 0
    assert done["finishedAt"] is not None
    # audited: who asked, not the data
    audited = await rows(
        "select action, actor, target_type from audit_entries where merchant_id = :m", m=shop.id
    )
    assert [(a["action"], a["target_type"]) for a in audited] == [
        ("imports.shopify_backfill.requested", "ShopifyBackfill")
    ]
    assert audited[0]["actor"] == run["requestedBy"]

    # customers
    assert (
        await scalar("select count(*) from customers where merchant_id = :m", m=shop.id)
        == HISTORY["customers"]
    )
    # RFM inputs: every (non-test) order, guests included, net of refunds
    kept = await rows(
        "select shopify_order_id, customer_id, amount, cancelled from analytics_orders"
        " where merchant_id = :m",
        m=shop.id,
    )
    assert {r["shopify_order_id"] for r in kept} == {_id(o["id"]) for o in orders}
    by_id = {_id(o["id"]): o for o in orders}
    for row in kept:
        order = by_id[row["shopify_order_id"]]
        assert row["amount"] == _amount(order)
        assert row["cancelled"] == (order["cancelledAt"] is not None)
        assert (row["customer_id"] is None) == (order["customer"] is None)
    # somebody is scored
    assert await scalar("select count(*) from analytics_customer_rfm where merchant_id = :m", m=shop.id) > 0
    # tier metrics: spend and orders of every customer's orders that count
    counted = [o for o in orders if o["customer"] is not None and o["cancelledAt"] is None]
    metric = await rows(
        "select coalesce(sum(amount), 0) as amount, coalesce(sum(orders), 0) as orders"
        " from tier_metric_entries where merchant_id = :m",
        m=shop.id,
    )
    assert metric[0]["orders"] == len(counted)
    assert metric[0]["amount"] == sum((_amount(o) for o in counted), Decimal(0))
    # and no points for the past
    assert await ledger_rows(shop.id) == []
    # fetched with two bulk operations
    assert len(fake.bulk_operations(shop.domain)) == 2

    # a re-run changes nothing twice
    rerun = await backfill(shop, drain)
    assert rerun["customersImported"] == HISTORY["customers"]
    assert (
        await scalar("select count(*) from customers where merchant_id = :m", m=shop.id)
        == HISTORY["customers"]
    )
    assert await scalar("select count(*) from analytics_orders where merchant_id = :m", m=shop.id) == len(
        orders
    )
    again_metric = await rows(
        "select coalesce(sum(amount), 0) as amount, coalesce(sum(orders), 0) as orders"
        " from tier_metric_entries where merchant_id = :m",
        m=shop.id,
    )
    assert again_metric == metric
    assert await ledger_rows(shop.id) == []
    # the webhook of an imported order later earns nothing either
    old = counted[0]
    await shop.webhook(
        "orders/create",
        payloads.order(
            _id(old["id"]),
            subtotal=str(_amount(old)),
            customer_body=payloads.customer(_id(old["customer"]["id"])),
        ),
    )
    await drain()
    assert await ledger_rows(shop.id) == []


async def test_award_points_days_earns_only_recent_orders_once(
    make_shop: Any, fake: ShopifyFake, drain: Any
) -> None:
    shop, orders = await history_shop(make_shop, fake, seed=202)
    days = 90
    now = datetime.now(UTC)

    def placed(order: dict[str, Any]) -> datetime:
        return datetime.fromisoformat(order["processedAt"].replace("Z", "+00:00"))

    recent = [
        o
        for o in orders
        if o["customer"] is not None and placed(o) >= now - timedelta(days=days) + timedelta(minutes=5)
    ]
    earning = [o for o in recent if o["cancelledAt"] is None and _amount(o) >= 1]
    assert earning, "the seed must give some recent orders"
    run = await backfill(shop, drain, days=days)
    assert run["awardPointsDays"] == days
    assert run["ordersAwarded"] >= len(recent)
    ledger = await ledger_rows(shop.id)
    assert {r["source_ref"] for r in ledger} == {f"order:{_id(o['id'])}" for o in earning}
    # 1 point per unit of currency, rounded down (the test shop's purchase rule)
    assert sum(r["delta"] for r in ledger) == sum(int(_amount(o)) for o in earning)

    # the webhook of an order the backfill awarded earns nothing more
    first = earning[0]
    response = await shop.webhook(
        "orders/create",
        payloads.order(
            _id(first["id"]),
            subtotal=str(_amount(first)),
            customer_body=payloads.customer(_id(first["customer"]["id"])),
        ),
    )
    assert response.status_code == 200
    await drain()
    assert await ledger_rows(shop.id) == ledger
    # nor does a re-run
    await backfill(shop, drain, days=days)
    assert await ledger_rows(shop.id) == ledger


async def test_a_failed_bulk_operation_fails_the_run_with_its_code(
    make_shop: Any, fake: ShopifyFake, drain: Any
) -> None:
    shop, _ = await history_shop(make_shop, fake, seed=303)
    fake.fail_next_bulk_operation(error_code="ACCESS_DENIED", shop=shop.domain)
    result = await shop.gql(BACKFILL, {})
    assert result["data"]["backfillShopifyHistory"]["userErrors"] == []
    await drain()
    run = (await shop.gql(LATEST))["data"]["shopifyBackfill"]
    assert run["status"] == "FAILED"
    assert run["errorCode"] == "ACCESS_DENIED"
    # a new one may be asked for, and it completes
    assert (await backfill(shop, drain))["customersImported"] == HISTORY["customers"]


async def test_tenancy_a_shop_sees_and_starts_only_its_own(
    make_shop: Any, fake: ShopifyFake, drain: Any
) -> None:
    shop_a, _ = await history_shop(make_shop, fake, seed=404)
    shop_b = await make_shop()
    run_a = await backfill(shop_a, drain)
    # B's token reads B's (none), never A's
    assert (await shop_b.gql(LATEST))["data"]["shopifyBackfill"] is None
    # a token naming A but signed for B's shop is B's: it starts B's backfill
    started = await shop_b.gql(BACKFILL, {})
    run_b = started["data"]["backfillShopifyHistory"]["shopifyBackfill"]
    assert run_b["id"] != run_a["id"]
    await drain()
    # B has no token: its run fails, A's is untouched
    assert (await shop_b.gql(LATEST))["data"]["shopifyBackfill"]["errorCode"] == "NOT_INSTALLED"
    assert (await shop_a.gql(LATEST))["data"]["shopifyBackfill"] == run_a
    assert await scalar("select count(*) from customers where merchant_id = :m", m=shop_b.id) == 0
    assert [r["merchant_id"] for r in await rows(
        "select merchant_id from imports_shopify_backfills where merchant_id in (:a, :b) order by id",
        a=shop_a.id, b=shop_b.id,
    )] == [shop_a.id, shop_b.id]  # fmt: skip


@pytest.mark.parametrize("roles", [["admin:points"], ["admin:analytics"], ["admin:support"]])
async def test_only_admin_full_may_backfill_or_read_it(shop: Any, roles: list[str]) -> None:
    token = shop.token(roles=roles)
    started = await shop.gql(BACKFILL, {}, token=token)
    refused_roots(started)
    assert "FORBIDDEN" in error_codes(started) or error_codes(started)
    read = await shop.gql(LATEST, token=token)
    refused_roots(read)
    assert (
        await scalar("select count(*) from imports_shopify_backfills where merchant_id = :m", m=shop.id) == 0
    )


async def test_arguments_are_checked(shop: Any) -> None:
    too_many = await shop.gql(BACKFILL, {"days": 366})
    assert too_many["data"]["backfillShopifyHistory"]["userErrors"][0]["field"] == ["awardPointsDays"]
    future = await shop.gql(BACKFILL, {"since": (datetime.now(UTC) + timedelta(days=2)).isoformat()})
    assert future["data"]["backfillShopifyHistory"]["userErrors"][0]["field"] == ["since"]


async def test_history_earns_no_signup_or_newsletter_points_now_or_later(
    make_shop: Any, fake: ShopifyFake, drain: Any
) -> None:
    # the shipped program: signup (customers/create) and newsletter points on
    shop = await make_shop(shipped_program=True)
    await connect_shop(shop, fake)
    people, orders = demo_history(seed=505, **HISTORY)
    for person in people:
        fake.add_customer_object(shop.domain, person)
    for order in orders:
        fake.add_order(shop.domain, order)
    await backfill(shop, drain)
    assert await ledger_rows(shop.id) == []
    subscriber = next(p for p in people if p["emailMarketingConsent"]["marketingState"] == "SUBSCRIBED")
    # Shopify's customers/update of someone subscribed before the app
    await shop.webhook(
        "customers/update", payloads.customer(_id(subscriber["id"]), email=subscriber["email"])
    )
    await drain()
    assert await ledger_rows(shop.id) == []


async def test_an_order_its_webhook_brought_first_is_not_awarded_again(
    make_shop: Any, fake: ShopifyFake, drain: Any
) -> None:
    shop, orders = await history_shop(make_shop, fake, seed=606)
    recent = max(
        (o for o in orders if o["customer"] is not None and o["cancelledAt"] is None and _amount(o) >= 1),
        key=lambda o: str(o["processedAt"]),
    )
    await shop.webhook(
        "orders/create",
        payloads.order(
            _id(recent["id"]),
            subtotal=str(_amount(recent)),
            customer_body=payloads.customer(_id(recent["customer"]["id"])),
        ),
    )
    await drain()
    before = await ledger_rows(shop.id)
    assert [r["source_ref"] for r in before] == [f"order:{_id(recent['id'])}"]
    await backfill(shop, drain, days=365)
    after = await ledger_rows(shop.id)
    assert [r["source_ref"] for r in after].count(f"order:{_id(recent['id'])}") == 1
    assert len(after) > 1  # the other orders of the year did earn


async def test_tiers_on_spend_count_history_as_an_import_without_entry_bonus(
    make_shop: Any, fake: ShopifyFake, drain: Any
) -> None:
    shop, _ = await history_shop(make_shop, fake, seed=707)
    settings = await shop.gql(
        "mutation { updateTierSettings(input: {metric: MONEY}) { userErrors { code } } }"
    )
    assert settings["data"]["updateTierSettings"]["userErrors"] == []
    created = await shop.gql(
        """mutation { createTier(input: {names: [{locale: "en", text: "Silver"}], defaultLocale: "en",
             threshold: "1", entryBonusPoints: 50}) { userErrors { code } } }"""
    )
    assert created["data"]["createTier"]["userErrors"] == []
    await drain()
    await backfill(shop, drain)
    moves = await rows("select reason from tier_history where merchant_id = :m", m=shop.id)
    assert moves
    assert {m["reason"] for m in moves} == {"import"}
    # the tier is held, its entry bonus not given for history
    assert await ledger_rows(shop.id) == []
    assert await scalar("select count(*) from tier_entry_awards where merchant_id = :m", m=shop.id) == 0
