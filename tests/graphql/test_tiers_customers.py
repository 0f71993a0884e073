"""A customer's tier through /graphql: staff read it on Customer (tier, status, progress,
history), assign one by hand (admin:full or admin:points), and follow changes live
(tierChanged); the storefront customer reads theirs on `me` with the ladder and its
perks, and follows it (myTierChanged). Shop B's token reaches none of shop A's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from loyalnest.contexts.tiers import api as tiers
from loyalnest.graphql.core.ids import encode_id
from loyalnest.http.auth import mint_customer_token
from loyalnest.platform.tenancy import Customer
from tests import payloads
from tests.contexts.support import rows
from tests.graphql.conftest import (
    customer_gid,
    error_codes,
    refused_roots,
    wait_for_subscribers,
    ws_session,
)
from tests.graphql.test_tiers_config import create

CUSTOMER = """
query ($id: ID!) {
  customer(id: $id) {
    tier { name }
    tierStatus {
      metricValue manual manualUntil manualReason retainUntil evaluatedAt tier { name } earnedTier { name }
    }
    tierProgress {
      metric value toNextTier nextTierBy toKeepTier keepTierBy percent nextTierSummary keepTierSummary
      nextTier { name }
    }
    tierHistory(first: 10) {
      totalCount pageInfo { hasNextPage hasPreviousPage }
      nodes { reason note actor at fromTier { name } toTier { name } }
    }
  }
}
"""
HISTORY_PAGE = """
query ($id: ID!, $after: String) {
  customer(id: $id) { tierHistory(first: 1, after: $after) {
    pageInfo { hasNextPage hasPreviousPage endCursor } nodes { toTier { name } } } }
}
"""
ASSIGN = """
mutation ($c: ID!, $t: ID, $until: DateTime, $reason: String) {
  assignTier(customerId: $c, tierId: $t, until: $until, reason: $reason) {
    customerTier { manual manualUntil manualReason tier { name } }
    userErrors { field message code }
  }
}
"""
ME = """
{ me {
  tier { name }
  tierProgress { value toNextTier nextTier { name } }
  tiers { name frName: name(locale: "fr") perks(locale: "fr-CA") rank }
} }
"""


async def order(shop, drain, order_id: int, shopify_customer: int, subtotal: str) -> None:
    body = payloads.order(order_id, subtotal=subtotal, customer_body=payloads.customer(shopify_customer))
    assert (await shop.webhook("orders/create", body)).status_code == 200
    await drain()


@pytest.fixture
async def ladder(shop, drain):
    silver = (
        await create(
            shop,
            "Silver",
            "100",
            names=[{"locale": "en", "text": "Silver"}, {"locale": "fr", "text": "Argent"}],
            perks=[{"locale": "en", "text": "Early access"}, {"locale": "fr", "text": "Accès anticipé"}],
        )
    )["tier"]
    gold = (await create(shop, "Gold", "300"))["tier"]
    await drain()
    return {"silver": silver["id"], "gold": gold["id"]}


async def test_staff_read_a_customers_tier_progress_and_history(shop, drain, ladder):
    await order(shop, drain, 1, 41, "120.00")
    gid = await customer_gid(shop, 41)
    customer = (await shop.gql(CUSTOMER, {"id": gid}))["data"]["customer"]
    assert customer["tier"] == {"name": "Silver"}
    status = customer["tierStatus"]
    assert status.pop("evaluatedAt")
    assert status == {
        "metricValue": "120.00",
        "manual": False,
        "manualUntil": None,
        "manualReason": None,
        "retainUntil": None,
        "tier": {"name": "Silver"},
        "earnedTier": {"name": "Silver"},
    }
    assert customer["tierProgress"] == {
        "metric": "POINTS",
        "value": "120.00",
        "toNextTier": "180.00",
        "nextTierBy": None,  # a lifetime metric has no deadline
        "toKeepTier": None,  # retention NEVER: nothing to do to keep it
        "keepTierBy": None,
        "percent": 10,
        "nextTierSummary": "earn 180 points more",
        "keepTierSummary": None,
        "nextTier": {"name": "Gold"},
    }
    history = customer["tierHistory"]
    assert history["totalCount"] == 1
    assert [(n["reason"], n["fromTier"], n["toTier"]) for n in history["nodes"]] == [
        ("QUALIFIED", None, {"name": "Silver"})
    ]

    await order(shop, drain, 2, 41, "200.00")
    first = (await shop.gql(HISTORY_PAGE, {"id": gid}))["data"]["customer"]["tierHistory"]
    assert [n["toTier"]["name"] for n in first["nodes"]] == ["Gold"]  # newest first
    assert first["pageInfo"]["hasNextPage"]
    assert not first["pageInfo"]["hasPreviousPage"]
    second = (await shop.gql(HISTORY_PAGE, {"id": gid, "after": first["pageInfo"]["endCursor"]}))["data"][
        "customer"
    ]
    assert [n["toTier"]["name"] for n in second["tierHistory"]["nodes"]] == ["Silver"]
    assert second["tierHistory"]["pageInfo"] == {
        "hasNextPage": False,
        "hasPreviousPage": True,
        "endCursor": second["tierHistory"]["pageInfo"]["endCursor"],
    }
    # backwards from the oldest: the newer one
    back = await shop.gql(
        """query ($id: ID!, $before: String) { customer(id: $id) { tierHistory(last: 1, before: $before) {
             pageInfo { hasNextPage hasPreviousPage } nodes { toTier { name } } } } }""",
        {"id": gid, "before": second["tierHistory"]["pageInfo"]["endCursor"]},
    )
    history = back["data"]["customer"]["tierHistory"]
    assert [n["toTier"]["name"] for n in history["nodes"]] == ["Gold"]
    assert history["pageInfo"] == {"hasNextPage": True, "hasPreviousPage": False}


async def test_a_customer_without_tiers_reads_as_none(shop, drain):
    await order(shop, drain, 1, 42, "50.00")
    gid = await customer_gid(shop, 42)
    customer = (await shop.gql(CUSTOMER, {"id": gid}))["data"]["customer"]
    assert (customer["tier"], customer["tierProgress"], customer["tierHistory"]["totalCount"]) == (
        None,
        None,
        0,
    )
    assert customer["tierStatus"]["tier"] is None


@pytest.mark.parametrize("role", [None, "admin:points"])
async def test_staff_assign_a_tier_by_hand_until_a_date_and_end_it(shop, drain, ladder, role):
    await order(shop, drain, 1, 43, "120.00")
    gid = await customer_gid(shop, 43)
    token = shop.token(roles=[role] if role else None)
    until = (datetime.now(UTC) + timedelta(days=30)).replace(microsecond=0)
    result = await shop.gql(
        ASSIGN,
        {"c": gid, "t": ladder["gold"], "until": until.isoformat(), "reason": "VIP event"},
        token=token,
    )
    payload = result["data"]["assignTier"]
    assert payload["userErrors"] == []
    assert payload["customerTier"] == {
        "manual": True,
        "manualUntil": until.isoformat(),
        "manualReason": "VIP event",
        "tier": {"name": "Gold"},
    }
    # an earning does not undo it
    await order(shop, drain, 2, 43, "10.00")
    customer = (await shop.gql(CUSTOMER, {"id": gid}))["data"]["customer"]
    assert customer["tier"] == {"name": "Gold"}
    [latest, *_] = customer["tierHistory"]["nodes"]
    assert (latest["reason"], latest["note"], latest["toTier"]) == ("MANUAL", "VIP event", {"name": "Gold"})
    assert latest["actor"].startswith("staff:")
    # ending it lets the metric decide again, at once
    ended = (await shop.gql(ASSIGN, {"c": gid, "t": None}, token=token))["data"]["assignTier"]
    assert ended["userErrors"] == []
    assert ended["customerTier"]["manual"] is False
    assert ended["customerTier"]["tier"] == {"name": "Silver"}
    actions = await rows(
        "select action from audit_entries where merchant_id = :m and target_type = 'Customer' order by id",
        m=shop.id,
    )
    assert [r["action"] for r in actions] == ["tier.assigned", "tier.assignment_ended"]


@pytest.mark.parametrize(
    ("variables", "field", "code"),
    [
        ({"t": encode_id("Tier", 10**9)}, ["tierId"], "NOT_FOUND"),
        ({"t": "not-an-id"}, ["tierId"], "NOT_FOUND"),
        ({"until": "2001-01-01T00:00:00Z"}, ["until"], "INVALID"),
        ({"reason": "x" * 501}, ["reason"], "INVALID"),
    ],
)
async def test_bad_assignments_are_refused_and_change_nothing(shop, drain, ladder, variables, field, code):
    await order(shop, drain, 1, 44, "120.00")
    gid = await customer_gid(shop, 44)
    payload = (await shop.gql(ASSIGN, {"c": gid, "t": ladder["gold"], **variables}))["data"]["assignTier"]
    assert payload["customerTier"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(field, code)]
    customer = (await shop.gql(CUSTOMER, {"id": gid}))["data"]["customer"]
    assert (customer["tier"], customer["tierHistory"]["totalCount"]) == ({"name": "Silver"}, 1)


@pytest.mark.parametrize("role", ["admin:analytics", "admin:support"])
async def test_analysts_and_support_cannot_assign_tiers_but_read_them(shop, drain, ladder, role):
    await order(shop, drain, 1, 45, "120.00")
    gid = await customer_gid(shop, 45)
    token = shop.token(roles=[role])
    result = await shop.gql(ASSIGN, {"c": gid, "t": ladder["gold"]}, token=token)
    refused_roots(result)
    assert error_codes(result) == ["FORBIDDEN"]
    customer = (await shop.gql(CUSTOMER, {"id": gid}, token=token))["data"]["customer"]
    assert customer["tier"] == {"name": "Silver"}


async def test_deleting_a_held_tier_moves_its_holders_down_in_the_background(shop, drain, ladder):
    await order(shop, drain, 1, 46, "400.00")
    gid = await customer_gid(shop, 46)
    assert (await shop.gql(CUSTOMER, {"id": gid}))["data"]["customer"]["tier"] == {"name": "Gold"}
    deleted = await shop.gql(
        "mutation ($id: ID!) { deleteTier(id: $id) { tier { deletedAt } userErrors { code } } }",
        {"id": ladder["gold"]},
    )
    assert deleted["data"]["deleteTier"]["userErrors"] == []
    # the request moved nobody: the row still names Gold until the worker re-tiers
    [row] = await rows("select tier_id from customer_tiers where merchant_id = :m", m=shop.id)
    assert encode_id("Tier", row["tier_id"]) == ladder["gold"]
    await drain()
    customer = (await shop.gql(CUSTOMER, {"id": gid}))["data"]["customer"]
    assert customer["tier"] == {"name": "Silver"}
    [latest, *_] = customer["tierHistory"]["nodes"]
    assert (latest["fromTier"], latest["toTier"]) == ({"name": "Gold"}, {"name": "Silver"})


async def test_the_storefront_customer_reads_their_tier_and_the_ladder_in_their_language(
    shop, drain, ladder, proxy
):
    await order(shop, drain, 1, 47, "120.00")
    me = (await proxy(shop, 47, ME))["data"]["me"]
    assert me == {
        "tier": {"name": "Silver"},
        "tierProgress": {"value": "120.00", "toNextTier": "180.00", "nextTier": {"name": "Gold"}},
        "tiers": [
            {"name": "Silver", "frName": "Argent", "perks": "Accès anticipé", "rank": 1},
            {"name": "Gold", "frName": "Gold", "perks": None, "rank": 2},
        ],
    }
    # a visitor the shop has not told us about sees the ladder and no tier
    stranger = (await proxy(shop, 999_001, ME))["data"]["me"]
    assert (stranger["tier"], stranger["tierProgress"], len(stranger["tiers"])) == (None, None, 2)


async def test_shop_b_reaches_none_of_shop_as_customers_tiers(make_shop, drain):
    a, b = await make_shop(), await make_shop()
    a_gold = (await create(a, "A Gold", "100"))["tier"]["id"]
    b_gold = (await create(b, "B Gold", "100"))["tier"]["id"]
    await drain()
    await order(a, drain, 1, 48, "150.00")
    a_customer = await customer_gid(a, 48)
    read = await b.gql(CUSTOMER, {"id": a_customer})
    assert read["data"]["customer"] is None
    # B's staff cannot assign A's customer, nor A's staff B's tier
    payload = (await b.gql(ASSIGN, {"c": a_customer, "t": b_gold}))["data"]["assignTier"]
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(["customerId"], "NOT_FOUND")]
    payload = (await a.gql(ASSIGN, {"c": a_customer, "t": b_gold}))["data"]["assignTier"]
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(["tierId"], "NOT_FOUND")]
    assert (await a.gql(CUSTOMER, {"id": a_customer}))["data"]["customer"]["tier"] == {"name": "A Gold"}
    assert await rows("select * from tier_history where merchant_id = :m", m=b.id) == []
    del a_gold


async def _next(ws, op: str) -> dict:
    message = await ws.receive()
    assert (message["id"], message["type"]) == (op, "next"), message
    assert "errors" not in message["payload"], message
    return message["payload"]["data"]


async def test_staff_and_the_customer_follow_tier_changes_live(shop, drain, ladder, server):
    await order(shop, drain, 1, 49, "50.00")
    gid = await customer_gid(shop, 49)
    local = (
        await rows("select id from customers where merchant_id = :m and shopify_customer_id = 49", m=shop.id)
    )[0]["id"]
    channel = tiers.tier_channel(shop.id, local)
    customer_token = mint_customer_token(
        shop.settings,
        Customer(merchant_id=shop.id, shop_domain=shop.domain, shopify_customer_id=49, customer_id=local),
    )
    async with ws_session(server, {"Authorization": f"Bearer {shop.token()}"}) as staff:
        staff_op = await staff.subscribe(
            "subscription ($id: ID!) { tierChanged(customerId: $id) {"
            " customerId reason fromTierId toTierId occurredAt } }",
            {"id": gid},
        )
        await wait_for_subscribers(channel)
        await order(shop, drain, 2, 49, "100.00")
        seen = (await _next(staff, staff_op))["tierChanged"]
        assert seen.pop("occurredAt")
        assert seen == {
            "customerId": gid,
            "reason": "QUALIFIED",
            "fromTierId": None,
            "toTierId": ladder["silver"],
        }
    async with ws_session(server, {"customerToken": customer_token}) as mine:
        my_op = await mine.subscribe(
            "subscription { myTierChanged { customerId reason fromTierId toTierId } }"
        )
        await wait_for_subscribers(channel)
        await order(shop, drain, 3, 49, "200.00")
        assert (await _next(mine, my_op))["myTierChanged"] == {
            "customerId": gid,
            "reason": "QUALIFIED",
            "fromTierId": ladder["silver"],
            "toTierId": ladder["gold"],
        }
    # an id naming no customer of this shop is refused
    async with ws_session(server, {"Authorization": f"Bearer {shop.token()}"}) as other:
        op = await other.subscribe(
            "subscription ($id: ID!) { tierChanged(customerId: $id) { reason } }",
            {"id": encode_id("Customer", 10**9)},
        )
        errors = await other.errors_of(op)
        assert errors[0]["extensions"]["code"] == "NOT_FOUND"
