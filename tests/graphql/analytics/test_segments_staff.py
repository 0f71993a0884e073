"""Staff GraphQL of analytics' segments over HTTP: rfmSegments (counts, shares, localized
names, change against the daily counts), segmentCustomers, segmentTransitions, custom
segments (create/update/delete with the parser's errors, audited, refreshed by the real
worker), Customer.customSegments, and who may read them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import text

from loyalnest.contexts.analytics import api as analytics
from loyalnest.contexts.merchants import api as merchants
from loyalnest.graphql.core.ids import encode_id
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import unit_of_work
from tests.conftest import Shop
from tests.contexts.analytics.segments_support import give_points, make_customer, score
from tests.contexts.support import rows
from tests.graphql.conftest import error_codes

SEGMENTS = """
query ($locale: String) {
  rfmSegments(locale: $locale) {
    totalCustomers
    segments { segment slug customers share change7Days change30Days shopifyRfmGroup name
               german: name(locale: "de-AT") }
  }
}
"""

CREATE = """
mutation ($input: CustomSegmentInput!) {
  createCustomSegment(input: $input) {
    customSegment { id name rule canonicalRule members refreshedAt description }
    userErrors { field message code }
  }
}
"""

UPDATE = """
mutation ($id: ID!, $input: CustomSegmentInput!) {
  updateCustomSegment(id: $id, input: $input) {
    customSegment { id name canonicalRule } userErrors { field message code }
  }
}
"""

DELETE = """
mutation ($id: ID!) {
  deleteCustomSegment(id: $id) { deletedCustomSegmentId userErrors { field message code } }
}
"""

MEMBERS = """
query ($segment: RfmSegment, $custom: ID, $first: Int, $after: String) {
  segmentCustomers(segment: $segment, customSegmentId: $custom, first: $first, after: $after) {
    totalCount nodes { id } pageInfo { hasNextPage endCursor }
  }
}
"""

ANALYST = ["admin:analytics"]


async def daily(shop: Any, days_ago: int, counts: dict[str, int]) -> None:
    """The daily pass's counts of a past day (written by the RFM work; read here)."""
    day = utcnow().date() - timedelta(days=days_ago)
    async with unit_of_work() as uow:
        for segment, customers in counts.items():
            await uow.session.execute(
                text(
                    "INSERT INTO analytics_segment_daily (merchant_id, day, segment, customers)"
                    " VALUES (:m, :d, :s, :c)"
                ),
                {"m": shop.id, "d": day, "s": segment, "c": customers},
            )


async def history(shop: Any, customer_id: int, moves: list[tuple[str | None, str, int]]) -> None:
    async with unit_of_work() as uow:
        for from_segment, to_segment, days_ago in moves:
            await uow.session.execute(
                text(
                    "INSERT INTO analytics_segment_history"
                    " (merchant_id, customer_id, from_segment, to_segment,"
                    " changed_at) VALUES (:m, :c, :f, :t, :at)"
                ),
                {
                    "m": shop.id,
                    "c": customer_id,
                    "f": from_segment,
                    "t": to_segment,
                    "at": utcnow() - timedelta(days=days_ago),
                },
            )


async def test_rfm_segments_counts_shares_names_and_changes(shop: Any, make_shop: Any) -> None:
    champions = [await make_customer(shop) for _ in range(3)]
    for cid in champions:
        await score(shop, cid, 5, 5, 5, "champions")
    at_risk = await make_customer(shop)
    await score(shop, at_risk, 1, 3, 3, "at_risk")
    await daily(shop, 7, {"champions": 1, "at_risk": 2})
    other = await make_shop()
    stranger = await make_customer(other)
    await score(other, stranger, 5, 5, 5, "champions")

    result = await shop.gql(SEGMENTS, {"locale": "fr"}, token=shop.token(roles=ANALYST))
    assert "errors" not in result, result
    data = result["data"]["rfmSegments"]
    assert data["totalCustomers"] == 4
    by_slug = {s["slug"]: s for s in data["segments"]}
    assert [s["slug"] for s in data["segments"]] == list(analytics.SEGMENTS)
    assert by_slug["champions"] == {
        "segment": "CHAMPIONS",
        "slug": "champions",
        "customers": 3,
        "share": 0.75,
        "change7Days": 2,
        "change30Days": None,
        "shopifyRfmGroup": "CHAMPIONS",
        "name": "Champions",
        "german": "Champions",
    }
    assert by_slug["at_risk"]["name"] == "À risque"
    assert by_slug["at_risk"]["german"] == "Gefährdet"
    assert by_slug["at_risk"]["change7Days"] == -1
    assert by_slug["lost"]["change7Days"] == 0
    assert by_slug["lost"]["customers"] == 0
    # the shop's default locale without the argument (notifications' default: en)
    plain = await shop.gql(SEGMENTS, {}, token=shop.token(roles=ANALYST))
    assert {s["slug"]: s["name"] for s in plain["data"]["rfmSegments"]["segments"]}["cant_lose_them"] == (
        "Can't Lose Them"
    )

    theirs = await other.gql(SEGMENTS, {}, token=other.token(roles=ANALYST))
    assert theirs["data"]["rfmSegments"]["totalCustomers"] == 1


async def test_segment_customers_pages_builtin_and_custom(shop: Any, make_shop: Any, drain: Any) -> None:
    loyal = sorted([await make_customer(shop) for _ in range(3)])
    for cid in loyal:
        await score(shop, cid, 4, 4, 3, "loyal")
    await give_points(shop, loyal[0], 50)
    token = shop.token(roles=ANALYST)

    first = await shop.gql(MEMBERS, {"segment": "LOYAL", "first": 2}, token=token)
    page = first["data"]["segmentCustomers"]
    assert page["totalCount"] == 3
    assert [n["id"] for n in page["nodes"]] == [encode_id("Customer", c) for c in loyal[:2]]
    assert page["pageInfo"]["hasNextPage"] is True
    rest = await shop.gql(
        MEMBERS, {"segment": "LOYAL", "first": 2, "after": page["pageInfo"]["endCursor"]}, token=token
    )
    assert [n["id"] for n in rest["data"]["segmentCustomers"]["nodes"]] == [encode_id("Customer", loyal[2])]
    assert rest["data"]["segmentCustomers"]["pageInfo"]["hasNextPage"] is False

    created = await shop.gql(
        CREATE, {"input": {"name": "With points", "rule": "points_balance > 0"}}, token=token
    )
    segment_id = created["data"]["createCustomSegment"]["customSegment"]["id"]
    await drain()
    custom = await shop.gql(MEMBERS, {"custom": segment_id}, token=token)
    assert [n["id"] for n in custom["data"]["segmentCustomers"]["nodes"]] == [encode_id("Customer", loyal[0])]
    assert custom["data"]["segmentCustomers"]["totalCount"] == 1

    both = await shop.gql(MEMBERS, {"segment": "LOYAL", "custom": segment_id}, token=token)
    assert error_codes(both) == ["BAD_USER_INPUT"]

    # another shop: its own (empty) segment, and our custom segment's id names nothing there
    other = await make_shop()
    theirs = await other.gql(MEMBERS, {"segment": "LOYAL"}, token=other.token(roles=ANALYST))
    assert theirs["data"]["segmentCustomers"]["nodes"] == []
    leaked = await other.gql(MEMBERS, {"custom": segment_id}, token=other.token(roles=ANALYST))
    assert leaked["data"]["segmentCustomers"] == {
        "totalCount": 0,
        "nodes": [],
        "pageInfo": {"hasNextPage": False, "endCursor": None},
    }


async def test_segment_transitions_first_state_against_last(shop: Any, make_shop: Any) -> None:
    a, b, c, d = [await make_customer(shop) for _ in range(4)]
    await history(shop, a, [("loyal", "need_attention", 5), ("need_attention", "at_risk", 2)])
    await history(shop, b, [("loyal", "at_risk", 3)])
    await history(shop, c, [("loyal", "at_risk", 4), ("at_risk", "loyal", 1)])  # back where it began
    await history(shop, d, [(None, "new_customers", 2), ("champions", "loyal", 40)])
    other = await make_shop()
    stranger = await make_customer(other)
    await history(other, stranger, [("loyal", "at_risk", 2)])
    query = """query ($from: Date!, $to: Date!) {
      segmentTransitions(from: $from, to: $to) { fromSegment toSegment customers } }"""
    today = utcnow().date()
    variables = {"from": str(today - timedelta(days=7)), "to": str(today)}
    result = await shop.gql(query, variables, token=shop.token(roles=ANALYST))
    assert result["data"]["segmentTransitions"] == [
        {"fromSegment": "LOYAL", "toSegment": "AT_RISK", "customers": 2},
        {"fromSegment": "OTHER", "toSegment": "NEW_CUSTOMERS", "customers": 1},
    ]
    theirs = await other.gql(query, variables, token=other.token(roles=ANALYST))
    assert theirs["data"]["segmentTransitions"] == [
        {"fromSegment": "LOYAL", "toSegment": "AT_RISK", "customers": 1}
    ]
    backwards = await shop.gql(
        query, {"from": variables["to"], "to": variables["from"]}, token=shop.token(roles=ANALYST)
    )
    assert error_codes(backwards) == ["BAD_USER_INPUT"]


async def test_custom_segments_crud_errors_audit_and_customer_field(
    shop: Any, make_shop: Any, drain: Any
) -> None:
    token = shop.token(roles=ANALYST)
    vip = await make_customer(shop, tags=("VIP",))
    await score(shop, vip, 5, 5, 5, "champions")

    bad = await shop.gql(CREATE, {"input": {"name": "Broken", "rule": "r >= 4 and"}}, token=token)
    assert bad["data"]["createCustomSegment"] == {
        "customSegment": None,
        "userErrors": [
            {
                "field": ["input", "rule"],
                "message": "the rule ends where a field (r, f, m, points_balance, lifetime_points, "
                "last_order_days, segment, tier, tags) was expected (at character 11)",
                "code": "INVALID",
            }
        ],
    }
    unknown = await shop.gql(CREATE, {"input": {"name": "X", "rule": "segment = vips"}}, token=token)
    assert unknown["data"]["createCustomSegment"]["userErrors"][0]["message"].startswith(
        "unknown segment 'vips'"
    )

    created = await shop.gql(
        CREATE,
        {
            "input": {
                "name": " VIP champions ",
                "rule": 'tags has "vip"  AND segment=champions',
                "description": "d",
            }
        },
        token=token,
    )
    segment = created["data"]["createCustomSegment"]["customSegment"]
    assert segment["name"] == "VIP champions"
    assert segment["canonicalRule"] == 'tags has "vip" and segment = "champions"'
    assert segment["refreshedAt"] is None
    assert segment["members"] == 0
    await drain()

    customer_query = """query ($id: ID!) { customer(id: $id) { customSegments { id name members } } }"""
    found = await shop.gql(customer_query, {"id": encode_id("Customer", vip)}, token=token)
    assert found["data"]["customer"]["customSegments"] == [
        {"id": segment["id"], "name": "VIP champions", "members": 1}
    ]

    updated = await shop.gql(
        UPDATE, {"id": segment["id"], "input": {"name": "Champions", "rule": "segment = lost"}}, token=token
    )
    assert updated["data"]["updateCustomSegment"]["userErrors"] == []
    await drain()
    found = await shop.gql(customer_query, {"id": encode_id("Customer", vip)}, token=token)
    assert found["data"]["customer"]["customSegments"] == []

    # another shop cannot see, change or delete it
    other = await make_shop()
    their_token = other.token(roles=ANALYST)
    listed = await other.gql("{ customSegments { totalCount nodes { id } } }", token=their_token)
    assert listed["data"]["customSegments"] == {"totalCount": 0, "nodes": []}
    one = await other.gql(
        "query ($id: ID!) { customSegment(id: $id) { id } }", {"id": segment["id"]}, token=their_token
    )
    assert one["data"]["customSegment"] is None
    hijack = await other.gql(
        UPDATE, {"id": segment["id"], "input": {"name": "Mine", "rule": "r = 1"}}, token=their_token
    )
    assert hijack["data"]["updateCustomSegment"]["userErrors"][0]["code"] == "NOT_FOUND"
    gone = await other.gql(DELETE, {"id": segment["id"]}, token=their_token)
    assert gone["data"]["deleteCustomSegment"]["userErrors"][0]["code"] == "NOT_FOUND"
    peek = await other.gql(customer_query, {"id": encode_id("Customer", vip)}, token=their_token)
    assert peek["data"]["customer"] is None

    deleted = await shop.gql(DELETE, {"id": segment["id"]}, token=token)
    assert deleted["data"]["deleteCustomSegment"] == {
        "deletedCustomSegmentId": segment["id"],
        "userErrors": [],
    }
    remaining = await shop.gql("{ customSegments { nodes { id } } }", token=token)
    assert remaining["data"]["customSegments"]["nodes"] == []
    audit = await rows(
        "SELECT action, actor FROM audit_entries"
        " WHERE merchant_id = :m AND target_type = 'CustomSegment' ORDER BY id",
        m=shop.id,
    )
    assert [a["action"] for a in audit] == [
        "custom_segment.created",
        "custom_segment.updated",
        "custom_segment.deleted",
    ]


async def test_fields_need_admin_full_or_analytics(shop: Any) -> None:
    support = shop.token(roles=["admin:support"])
    for query in (
        "{ rfmSegments { totalCustomers } }",
        "{ customSegments { nodes { id } } }",
        '{ segmentTransitions(from: "2026-01-01", to: "2026-01-02") { customers } }',
        "{ segmentCustomers(segment: LOYAL) { totalCount } }",
    ):
        result = await shop.gql(query, token=support)
        assert result["data"] == {query.split("{")[1].split("(")[0].split()[0].strip(): None}, result
        assert error_codes(result) == ["FORBIDDEN"]
    refused = await shop.gql(CREATE, {"input": {"name": "n", "rule": "r = 1"}}, token=support)
    assert refused["data"]["createCustomSegment"] is None
    assert error_codes(refused) == ["FORBIDDEN"]
    full = await shop.gql("{ rfmSegments { totalCustomers } }", token=shop.token(roles=["admin:full"]))
    assert full["data"]["rfmSegments"]["totalCustomers"] == 0


async def test_custom_segments_page_oldest_first(shop: Any) -> None:
    token = shop.token(roles=ANALYST)
    ids = []
    for i in range(3):
        created = await shop.gql(CREATE, {"input": {"name": f"S{i}", "rule": f"r = {i + 1}"}}, token=token)
        ids.append(created["data"]["createCustomSegment"]["customSegment"]["id"])
    query = """query ($after: String) { customSegments(first: 2, after: $after) {
        totalCount nodes { id name rule } pageInfo { hasNextPage hasPreviousPage endCursor } } }"""
    first = (await shop.gql(query, {}, token=token))["data"]["customSegments"]
    assert [n["id"] for n in first["nodes"]] == ids[:2]
    assert first["totalCount"] == 3
    assert first["pageInfo"]["hasNextPage"] is True
    second = await shop.gql(query, {"after": first["pageInfo"]["endCursor"]}, token=token)
    page = second["data"]["customSegments"]
    assert page["nodes"] == [{"id": ids[2], "name": "S2", "rule": "r = 3"}]
    assert page["pageInfo"]["hasNextPage"] is False
    assert page["pageInfo"]["hasPreviousPage"] is True
    backward = """query ($before: String) { customSegments(last: 2, before: $before) {
        nodes { id } pageInfo { hasNextPage hasPreviousPage startCursor } } }"""
    last = (await shop.gql(backward, {}, token=token))["data"]["customSegments"]
    assert [n["id"] for n in last["nodes"]] == ids[1:]
    assert last["pageInfo"] == {**last["pageInfo"], "hasNextPage": False, "hasPreviousPage": True}
    earlier = await shop.gql(backward, {"before": last["pageInfo"]["startCursor"]}, token=token)
    assert [n["id"] for n in earlier["data"]["customSegments"]["nodes"]] == ids[:1]
    assert earlier["data"]["customSegments"]["pageInfo"]["hasPreviousPage"] is False


async def test_segment_customers_page_forwards_only(shop: Any) -> None:
    result = await shop.gql(
        "{ segmentCustomers(segment: CHAMPIONS, last: 5) { nodes { id } } }", token=shop.token(roles=ANALYST)
    )
    assert result["data"]["segmentCustomers"] is None
    assert result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_transition_days_are_the_shops_local_days(http: Any, settings: Any) -> None:
    async with unit_of_work() as uow:
        merchant = await merchants.install_shop(
            uow,
            shop_domain=f"kiritimati-{utcnow().timestamp():.0f}.myshopify.com",
            name="Far East",
            currency="USD",
            iana_timezone="Pacific/Kiritimati",  # UTC+14
            starter_program=False,
        )
    shop = Shop(merchant, http, settings)
    cid = await make_customer(shop)
    # 00:30 on June 15th in the shop is 10:30 on June 14th in UTC
    async with unit_of_work() as uow:
        await uow.session.execute(
            text(
                "INSERT INTO analytics_segment_history (merchant_id, customer_id, from_segment, to_segment,"
                " changed_at) VALUES (:m, :c, 'loyal', 'at_risk', :at)"
            ),
            {"m": shop.id, "c": cid, "at": datetime(2026, 6, 14, 10, 30, tzinfo=UTC)},
        )
    query = """query ($day: Date!) {
      segmentTransitions(from: $day, to: $day) { fromSegment toSegment customers } }"""
    token = shop.token(roles=ANALYST)
    on_15th = await shop.gql(query, {"day": "2026-06-15"}, token=token)
    assert on_15th["data"]["segmentTransitions"] == [
        {"fromSegment": "LOYAL", "toSegment": "AT_RISK", "customers": 1}
    ]
    on_14th = await shop.gql(query, {"day": "2026-06-14"}, token=token)
    assert on_14th["data"]["segmentTransitions"] == []
