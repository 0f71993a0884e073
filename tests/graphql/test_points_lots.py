"""Over HTTP: the program settings of purchases, pending points and expiry
(``updateProgramSettings``, ``shop.programSettings``), a customer's pending and
expiring points for staff and for the storefront (``me``), their DataLoaders, roles,
and the wall between shops."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from loyalnest.contexts.audit import api as audit
from loyalnest.platform.timeutil import utcnow
from tests import payloads
from tests.contexts.points.helpers import execute, expire, lots, move_lot_expiry, release
from tests.graphql.conftest import count_statements, customer_gid, error_codes, only_error

SETTINGS = (
    "purchaseEnabled minOrderAmount excludedProductIds excludedProductTags expiryPolicy expiryDays"
    " pendingDays pointsPerCurrencyUnit"
)
UPDATE = f"""
mutation ($purchase: Boolean, $min: Decimal, $products: [ID!], $tags: [String!], $policy: PointsExpiryPolicy,
          $days: Int, $pending: Int) {{
  updateProgramSettings(purchaseEnabled: $purchase, minOrderAmount: $min, excludedProductIds: $products,
                        excludedProductTags: $tags, expiryPolicy: $policy, expiryDays: $days,
                        pendingDays: $pending) {{
    programSettings {{ {SETTINGS} }}
    userErrors {{ field message code }}
  }}
}}
"""
DEFAULTS = {
    "purchaseEnabled": True,
    "minOrderAmount": None,
    "excludedProductIds": [],
    "excludedProductTags": [],
    "expiryPolicy": "NEVER",
    "expiryDays": None,
    "pendingDays": 0,
    "pointsPerCurrencyUnit": "1.0000",
}
CUSTOMER = """
query ($id: ID!, $within: Int!) { customer(id: $id) {
  pointsBalance pendingPoints expiringPoints(within: $within) { points nextExpiresAt } } }
"""
ME = """
query ($within: Int!) { me {
  pointsBalance pendingPoints expiringPoints(within: $within) { points nextExpiresAt } } }
"""


async def program(shop, token: str | None = None) -> dict:
    result = await shop.gql(f"{{ shop {{ programSettings {{ {SETTINGS} }} }} }}", token=token)
    return result["data"]["shop"]["programSettings"]


async def update(shop, token: str | None = None, **variables) -> dict:
    result = await shop.gql(UPDATE, variables, token=token)
    assert "errors" not in result, result
    return result["data"]["updateProgramSettings"]


def parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value)


# --- settings -------------------------------------------------------------------------


async def test_settings_show_their_defaults(shop):
    assert await program(shop) == DEFAULTS


async def test_test_orders_earn_is_off_by_default_and_only_admin_full_turns_it_on(shop):
    query = "{ shop { programSettings { testOrdersEarn } } }"
    assert (await shop.gql(query))["data"]["shop"]["programSettings"] == {"testOrdersEarn": False}
    mutation = """mutation { updateProgramSettings(testOrdersEarn: true) {
        programSettings { testOrdersEarn } userErrors { field message code } } }"""
    refused = await shop.gql(mutation, token=shop.token(roles=["admin:points"]))
    assert error_codes(refused) == ["FORBIDDEN"]
    assert (await shop.gql(query))["data"]["shop"]["programSettings"] == {"testOrdersEarn": False}
    result = await shop.gql(mutation)
    assert result["data"]["updateProgramSettings"] == {
        "programSettings": {"testOrdersEarn": True},
        "userErrors": [],
    }
    assert (await shop.gql(query))["data"]["shop"]["programSettings"] == {"testOrdersEarn": True}


EARN_ON = """mutation ($stage: OrderEarningStage) { updateProgramSettings(earnOn: $stage) {
    programSettings { earnOn } userErrors { field message code } } }"""


async def test_when_orders_earn_is_on_creation_by_default_and_only_admin_full_changes_it(shop):
    query = "{ shop { programSettings { earnOn } } }"
    assert (await shop.gql(query))["data"]["shop"]["programSettings"] == {"earnOn": "ORDER_CREATED"}
    refused = await shop.gql(EARN_ON, {"stage": "ORDER_PAID"}, token=shop.token(roles=["admin:points"]))
    assert error_codes(refused) == ["FORBIDDEN"]
    assert (await shop.gql(query))["data"]["shop"]["programSettings"] == {"earnOn": "ORDER_CREATED"}
    for stage in ("ORDER_PAID", "ORDER_FULFILLED"):
        result = await shop.gql(EARN_ON, {"stage": stage}, token=shop.token(roles=["admin:full"]))
        assert result["data"]["updateProgramSettings"] == {
            "programSettings": {"earnOn": stage},
            "userErrors": [],
        }
        assert (await shop.gql(query))["data"]["shop"]["programSettings"] == {"earnOn": stage}
    audited = [entry.details for entry in await audit.list_recent(shop.id)]
    assert {"earn_on": {"from": "order_paid", "to": "order_fulfilled"}} in audited
    assert {"earn_on": {"from": "order_created", "to": "order_paid"}} in audited
    assert len(audited) == 2


async def test_an_unknown_stage_is_refused_by_the_schema_and_changes_nothing(shop):
    result = await shop.gql(EARN_ON, {"stage": "ORDER_SHIPPED"})
    assert result["data"] is None
    assert "ORDER_SHIPPED" in only_error(result)["message"]
    result = await shop.gql(
        'mutation { updateProgramSettings(earnOn: "order_paid") { userErrors { code } } }'
    )
    assert result["data"] is None
    assert "order_paid" in only_error(result)["message"]
    assert (await shop.gql("{ shop { programSettings { earnOn } } }"))["data"]["shop"]["programSettings"] == {
        "earnOn": "ORDER_CREATED"
    }
    assert await audit.list_recent(shop.id) == []


async def test_settings_change_are_returned_kept_and_audited(shop):
    payload = await update(
        shop,
        purchase=False,
        min="25.5",
        products=["123", "gid://shopify/Product/456", "123"],
        tags=["Gift Card", "gift card ", "Wholesale"],
        policy="DAYS_AFTER_ACTIVITY",
        days=180,
        pending=14,
    )
    expected = {
        "purchaseEnabled": False,
        "minOrderAmount": "25.5000",
        "excludedProductIds": ["123", "456"],
        "excludedProductTags": ["gift card", "wholesale"],
        "expiryPolicy": "DAYS_AFTER_ACTIVITY",
        "expiryDays": 180,
        "pendingDays": 14,
        "pointsPerCurrencyUnit": "1.0000",
    }
    assert payload == {"programSettings": expected, "userErrors": []}
    assert await program(shop) == expected
    (entry,) = await audit.list_recent(shop.id)
    assert set(entry.details) == {
        "purchase_enabled",
        "min_order_amount",
        "excluded_product_ids",
        "excluded_product_tags",
        "expiry_policy",
        "expiry_days",
        "pending_days",
    }
    # a non-day policy drops the days; 0 removes the minimum; [] clears the products
    payload = await update(shop, policy="END_OF_YEAR", min="0", products=[])
    assert payload["programSettings"] | {} == expected | {
        "expiryPolicy": "END_OF_YEAR",
        "expiryDays": None,
        "minOrderAmount": None,
        "excludedProductIds": [],
    }
    # days alone change the days of a day policy already chosen
    await update(shop, policy="DAYS_AFTER_EARN", days=30)
    assert (await update(shop, days=45))["programSettings"]["expiryDays"] == 45


@pytest.mark.parametrize(
    ("variables", "field", "message"),
    [
        ({"policy": "DAYS_AFTER_EARN"}, "expiryDays", "expiry days are required for days_after_earn"),
        ({"policy": "DAYS_AFTER_ACTIVITY"}, "expiryDays", "required"),
        ({"policy": "DAYS_AFTER_EARN", "days": -5}, "expiryDays", "between 1 and 3650"),
        ({"policy": "DAYS_AFTER_EARN", "days": 0}, "expiryDays", "between 1 and 3650"),
        ({"policy": "DAYS_AFTER_EARN", "days": 3651}, "expiryDays", "between 1 and 3650"),
        ({"days": 30}, "expiryDays", "apply to days_after_earn and days_after_activity"),
        ({"policy": "END_OF_MONTH", "days": 30}, "expiryDays", "not end_of_month"),
        ({"min": "-1"}, "minOrderAmount", "between 0"),
        ({"min": "1.00001"}, "minOrderAmount", "4 decimal places"),
        ({"min": "NaN"}, "minOrderAmount", "must be a number"),
        ({"pending": -1}, "pendingDays", "between 0 and 365"),
        ({"pending": 400}, "pendingDays", "between 0 and 365"),
        ({"products": ["abc"]}, "excludedProductIds", "not a Shopify product id"),
        ({"products": ["gid://shopify/Customer/5"]}, "excludedProductIds", "not a Shopify product id"),
        ({"products": ["0"]}, "excludedProductIds", "Shopify product ids"),
        ({"products": ["99999999999999999999"]}, "excludedProductIds", "not a Shopify product id"),
        ({"products": [str(i) for i in range(1, 1002)]}, "excludedProductIds", "at most 1000"),
        ({"tags": ["ok", " "]}, "excludedProductTags", "1 to 255 characters"),
        # one bad value refuses the whole update
        ({"purchase": False, "pending": 3, "policy": "DAYS_AFTER_EARN", "days": -1}, "expiryDays", "between"),
    ],
)
async def test_bad_settings_are_user_errors_and_change_nothing(shop, variables, field, message):
    payload = await update(shop, **variables)
    assert payload["programSettings"] is None
    (error,) = payload["userErrors"]
    assert (error["field"], error["code"]) == ([field], "INVALID")
    assert message in error["message"]
    assert await program(shop) == DEFAULTS
    assert await audit.list_recent(shop.id) == []


async def test_an_unknown_policy_is_refused_by_the_schema(shop):
    result = await shop.gql(UPDATE, {"policy": "WEEKLY", "pending": 3})
    assert result["data"] is None
    assert "WEEKLY" in only_error(result)["message"]
    assert await program(shop) == DEFAULTS


@pytest.mark.parametrize(
    ("roles", "allowed"), [(None, True), (["admin:full"], True), (["admin:points"], False)]
)
async def test_changing_them_needs_admin_full(shop, roles, allowed):
    result = await shop.gql(UPDATE, {"pending": 5}, token=shop.token(roles=roles))
    if allowed:
        assert result["data"]["updateProgramSettings"]["userErrors"] == []
        assert (await program(shop))["pendingDays"] == 5
    else:
        assert error_codes(result) == ["FORBIDDEN"]
        assert (await program(shop))["pendingDays"] == 0


async def test_settings_take_effect_on_the_next_order(shop, drain):
    await update(shop, products=["4242"], policy="DAYS_AFTER_EARN", days=30)
    body = payloads.order(71, subtotal="50.00", customer_body=payloads.customer(17))
    body["line_items"] = [
        {"product_id": 4242, "quantity": 1, "price": "20.00", "price_set": payloads.money_set("20.00")},
        {"product_id": 1, "quantity": 1, "price": "30.00", "price_set": payloads.money_set("30.00")},
    ]
    assert (await shop.webhook("orders/create", body)).status_code == 200
    await drain()
    gid = await customer_gid(shop, 17)
    found = (await shop.gql(CUSTOMER, {"id": gid, "within": 30}))["data"]["customer"]
    assert (found["pointsBalance"], found["expiringPoints"]["points"]) == (30, 30)


# --- pending and expiring points ---------------------------------------------------------------


@pytest.fixture
async def customer(shop, drain):
    """Customer 31: 40 points expiring in 5 days, 25 in 60 days, and 70 pending."""
    await update(shop, policy="DAYS_AFTER_EARN", days=90)
    for order_id, subtotal in ((1, "40.00"), (2, "25.00")):
        body = payloads.order(order_id, subtotal=subtotal, customer_body=payloads.customer(31))
        assert (await shop.webhook("orders/create", body)).status_code == 200
    await drain()
    by_points = {lot["points"]: lot["id"] for lot in await lots(shop)}
    await move_lot_expiry(shop, by_points[40], "5 days")
    await move_lot_expiry(shop, by_points[25], "60 days")
    await update(shop, pending=10)
    body = payloads.order(3, subtotal="70.00", customer_body=payloads.customer(31))
    assert (await shop.webhook("orders/create", body)).status_code == 200
    await drain()
    return await customer_gid(shop, 31)


async def test_staff_see_pending_and_expiring_points(shop, customer):
    found = (await shop.gql(CUSTOMER, {"id": customer, "within": 30}))["data"]["customer"]
    assert (found["pointsBalance"], found["pendingPoints"], found["expiringPoints"]["points"]) == (65, 70, 40)
    soon = parse_time(found["expiringPoints"]["nextExpiresAt"])
    assert abs(soon - (utcnow() + timedelta(days=5))) < timedelta(minutes=2)
    later = (await shop.gql(CUSTOMER, {"id": customer, "within": 90}))["data"]["customer"]
    assert later["expiringPoints"] == {
        "points": 65,
        "nextExpiresAt": found["expiringPoints"]["nextExpiresAt"],
    }
    # two windows in one request: a loader each
    both = await shop.gql(
        "query ($id: ID!) { customer(id: $id) { a: expiringPoints(within: 1) { points }"
        " b: expiringPoints(within: 3660) { points } } }",
        {"id": customer},
    )
    assert both["data"]["customer"] == {"a": {"points": 0}, "b": {"points": 65}}


@pytest.mark.parametrize("within", [-1, 3661, 2**31 - 1])
async def test_windows_out_of_range_are_refused(shop, customer, within):
    result = await shop.gql(CUSTOMER, {"id": customer, "within": within})
    assert error_codes(result) == ["BAD_USER_INPUT"]
    assert "between 0 and 3660" in only_error(result)["message"]


async def test_a_customer_with_nothing_pending_or_expiring(shop, drain):
    await shop.webhook(
        "orders/create", payloads.order(9, subtotal="5.00", customer_body=payloads.customer(44))
    )
    await drain()
    gid = await customer_gid(shop, 44)
    found = (await shop.gql(CUSTOMER, {"id": gid, "within": 365}))["data"]["customer"]
    assert found == {
        "pointsBalance": 5,
        "pendingPoints": 0,
        "expiringPoints": {"points": 0, "nextExpiresAt": None},
    }


@pytest.mark.parametrize("roles", [["admin:analytics"], ["admin:support"], ["admin:points"], []])
async def test_any_staff_role_reads_them_like_the_balance(shop, customer, roles):
    result = await shop.gql(CUSTOMER, {"id": customer, "within": 30}, token=shop.token(roles=roles))
    assert "errors" not in result, result
    assert result["data"]["customer"]["pendingPoints"] == 70


async def test_the_storefront_customer_sees_their_own(shop, customer, proxy):
    result = await proxy(shop, 31, ME, {"within": 30})
    assert "errors" not in result, result
    me = result["data"]["me"]
    assert (me["pointsBalance"], me["pendingPoints"], me["expiringPoints"]["points"]) == (65, 70, 40)
    stranger = await proxy(shop, 404, ME, {"within": 30})
    assert stranger["data"]["me"] == {
        "pointsBalance": 0,
        "pendingPoints": 0,
        "expiringPoints": {"points": 0, "nextExpiresAt": None},
    }
    refused = await proxy(shop, 31, ME, {"within": 9999})
    assert error_codes(refused) == ["BAD_USER_INPUT"]


async def test_released_and_expired_points_show_at_once(shop, customer, drain):
    await execute(
        "update pending_points set release_at = now() - interval '1 second' where merchant_id = :m", m=shop.id
    )
    await release(drain)
    forty = next(lot for lot in await lots(shop) if lot["points"] == 40)
    await move_lot_expiry(shop, forty["id"], "-1 second")
    await expire(drain)
    found = (await shop.gql(CUSTOMER, {"id": customer, "within": 30}))["data"]["customer"]
    assert (found["pointsBalance"], found["pendingPoints"], found["expiringPoints"]["points"]) == (95, 0, 0)


# --- statements per request ------------------------------------------------------------------


DASHBOARD = """
{ customers(first: 20) { nodes { pointsBalance pendingPoints expiringPoints(within: 30) { points } } } }
"""


async def _dashboard(shop, drain, customers: int) -> int:
    await update(shop, policy="DAYS_AFTER_EARN", days=10, pending=0)
    for i in range(customers):
        body = payloads.order(6000 + i, subtotal=f"{i + 1}.00", customer_body=payloads.customer(4000 + i))
        assert (await shop.webhook("orders/create", body)).status_code == 200
    await drain()
    await shop.gql("{ shop { domain } }")  # the shop is now in the per-process cache
    with count_statements() as statements:
        result = await shop.gql(DASHBOARD)
    assert "errors" not in result, result
    nodes = result["data"]["customers"]["nodes"]
    assert sorted(n["expiringPoints"]["points"] for n in nodes) == list(range(1, customers + 1))
    assert {n["pendingPoints"] for n in nodes} == {0}
    pending_or_lots = [s for s in statements if "pending_points" in s or "points_lots" in s]
    assert len(pending_or_lots) == 2, pending_or_lots  # one per loader, whatever the page size
    return len(statements)


async def test_pending_and_expiring_points_cost_one_statement_each_per_page(make_shop, drain):
    many = await _dashboard(await make_shop(), drain, 12)
    few = await _dashboard(await make_shop(), drain, 2)
    # customers page, accounts, pending points, expiring points: every statement counted
    assert (many, few) == (4, 4)


# --- tenancy -------------------------------------------------------------------------------------


async def test_one_shop_cannot_read_or_change_anothers(make_shop, drain, proxy):
    a, b = await make_shop(), await make_shop()
    await update(b, policy="DAYS_AFTER_EARN", days=90, pending=7)
    await b.webhook("orders/create", payloads.order(1, subtotal="80.00", customer_body=payloads.customer(55)))
    await drain()
    b_customer = await customer_gid(b, 55)
    # shop A's staff token asks for B's customer: not found
    found = await a.gql(CUSTOMER, {"id": b_customer, "within": 30})
    assert found["data"]["customer"] is None
    # a token minted for A cannot be pointed at B: A's changes stay in A
    await update(a, pending=3, policy="END_OF_MONTH")
    assert (await program(b))["pendingDays"] == 7
    assert (await program(b))["expiryPolicy"] == "DAYS_AFTER_EARN"
    assert (await program(a))["pendingDays"] == 3
    # B's customer seen through A's storefront is a stranger there
    stranger = await proxy(a, 55, ME, {"within": 30})
    assert stranger["data"]["me"]["pendingPoints"] == 0
    mine = await proxy(b, 55, ME, {"within": 30})
    assert mine["data"]["me"]["pendingPoints"] == 80
