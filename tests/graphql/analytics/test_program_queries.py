"""programAnalytics and the charts over HTTP on /graphql, as staff with admin:analytics:
the figures of the rollups, Chart.js-shaped; a bad range is BAD_USER_INPUT; a role
without analytics is refused; another shop's token sees its own (empty) data only; and
analyticsUpdated pushes the dashboard at once and again after a pass changed it."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timedelta
from typing import Any

import pytest

from loyalnest.contexts.analytics import api as analytics
from loyalnest.graphql.core.ids import encode_id
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import unit_of_work
from tests.contexts.analytics.test_program_rollups import post_on, posting
from tests.contexts.points.helpers import execute, new_id, order
from tests.contexts.tiers.support import ladder
from tests.graphql.conftest import error_codes, wait_for_subscribers, ws_session

ANALYST = ["admin:analytics"]

PROGRAM = """
query($from: Date!, $to: Date!) {
  programAnalytics(from: $from, to: $to) {
    from to currency pointValue
    totals { members newMembers activeMembers pointsIssued pointsRedeemed pointsExpired outstandingPoints
             liability redemptionRate memberOrders nonMemberOrders }
    issuedBySource { source points }
    daily { labels series { key label data } }
    issuedDaily { labels series { key data } }
    tiers { name customers }
  }
}
"""

CHARTS = """
query($from: Date!, $to: Date!) {
  rfmHeatmap { counts { labels series { key data } } averageMonetary { series { key data } } }
  rfmScatter { population points { customerId recencyDays monetary segment } }
  segmentSizes(from: $from, to: $to) { labels series { key data } }
  segmentTransitionMatrix(from: $from, to: $to) { labels total series { key data } }
}
"""


def series(chart: dict[str, Any], key: str) -> list[float]:
    return next(s["data"] for s in chart["series"] if s["key"] == key)


async def program_shop(shop: Any) -> datetime:
    """Two days of a small program: 300 points earned, 100 spent, 20 expired."""
    now = utcnow()
    await post_on(
        shop.id,
        now - timedelta(days=1),
        [posting(1, 200, "earn", "order"), posting(2, 100, "earn", "signup")],
    )
    await post_on(shop.id, now, [posting(1, -100, "redeem", "reward"), posting(2, -20, "expire", "expiry")])
    await analytics.backfill_program_rollups(shop.id, now=now)
    return now


async def test_program_analytics_over_http_with_tenancy(shop, make_shop):
    now = await program_shop(shop)
    other = await make_shop()
    today = now.date()
    variables = {"from": (today - timedelta(days=6)).isoformat(), "to": today.isoformat()}

    result = await shop.gql(PROGRAM, variables, token=shop.token(roles=ANALYST))
    assert "errors" not in result, result
    data = result["data"]["programAnalytics"]
    assert data["totals"]["members"] == 2
    assert data["totals"]["pointsIssued"] == 300
    assert data["totals"]["pointsRedeemed"] == 100
    assert data["totals"]["pointsExpired"] == 20
    assert data["totals"]["outstandingPoints"] == 180
    assert data["totals"]["redemptionRate"] == "0.3333"
    assert data["totals"]["activeMembers"] == 2
    assert data["totals"]["liability"] is None
    assert data["pointValue"] is None
    assert {s["source"]: s["points"] for s in data["issuedBySource"]} == {"purchase": 200, "signup": 100}
    assert len(data["daily"]["labels"]) == 7
    assert data["daily"]["labels"][-1] == today.isoformat()
    assert series(data["daily"], "pointsIssued")[-2:] == [300.0, 0.0]
    assert series(data["daily"], "outstandingPoints")[-2:] == [300.0, 180.0]
    assert series(data["issuedDaily"], "purchase")[-2] == 200.0

    # another shop's staff see their own shop: nothing of ours
    theirs = await other.gql(PROGRAM, variables, token=other.token(roles=ANALYST))
    assert theirs["data"]["programAnalytics"]["totals"]["pointsIssued"] == 0
    assert theirs["data"]["programAnalytics"]["issuedBySource"] == []

    # a role without analytics is refused; a bad range is the client's mistake
    refused = await shop.gql(PROGRAM, variables, token=shop.token(roles=["admin:support"]))
    assert refused["data"]["programAnalytics"] is None
    assert error_codes(refused) == ["FORBIDDEN"]
    reversed_range = await shop.gql(
        PROGRAM, {"from": variables["to"], "to": variables["from"]}, token=shop.token(roles=ANALYST)
    )
    assert reversed_range["data"]["programAnalytics"] is None
    assert error_codes(reversed_range) == ["BAD_USER_INPUT"]
    too_long = await shop.gql(
        PROGRAM, {"from": "2020-01-01", "to": "2026-01-01"}, token=shop.token(roles=ANALYST)
    )
    assert error_codes(too_long) == ["BAD_USER_INPUT"]


async def rfm_rows(shop: Any) -> None:
    now = utcnow()
    for customer, (r, f, spend, segment) in enumerate(
        [(5, 5, "500.00", "champions"), (5, 5, "300.00", "champions"), (1, 1, "20.00", "lost")], start=1
    ):
        await execute(
            "insert into analytics_customer_rfm (merchant_id, customer_id, first_order_at, last_order_at,"
            " order_count, net_spend, r, f, m, segment, segment_since)"
            " values (:m, :c, :first, :last, 1, cast(:s as numeric), :r, :f, 3, :seg, :last)",
            m=shop.id,
            c=customer,
            first=now - timedelta(days=100),
            last=now - timedelta(days=10 * customer),
            s=spend,
            r=r,
            f=f,
            seg=segment,
        )
    await execute(
        "insert into analytics_segment_daily (merchant_id, day, segment, customers) values"
        " (:m, :d, 'champions', 2), (:m, :d, 'lost', 1)",
        m=shop.id,
        d=now.date(),
    )
    await execute(
        "insert into analytics_segment_history"
        " (merchant_id, customer_id, from_segment, to_segment, changed_at) values"
        " (:m, 1, null, 'loyal', :t), (:m, 1, 'loyal', 'champions', :t), (:m, 3, 'at_risk', 'lost', :t)",
        m=shop.id,
        t=now,
    )


async def test_charts_over_http_with_tenancy(shop, make_shop):
    await rfm_rows(shop)
    other = await make_shop()
    today = utcnow().date()
    variables = {"from": (today - timedelta(days=2)).isoformat(), "to": today.isoformat()}

    result = await shop.gql(CHARTS, variables, token=shop.token(roles=ANALYST))
    assert "errors" not in result, result
    data = result["data"]
    heat = data["rfmHeatmap"]
    assert heat["counts"]["labels"] == ["R1", "R2", "R3", "R4", "R5"]
    assert series(heat["counts"], "F5") == [0, 0, 0, 0, 2]
    assert series(heat["counts"], "F1") == [1, 0, 0, 0, 0]
    assert series(heat["averageMonetary"], "F5")[4] == 400.0
    scatter = data["rfmScatter"]
    assert scatter["population"] == 3
    assert sorted(p["recencyDays"] for p in scatter["points"]) == [10, 20, 30]
    assert {p["segment"] for p in scatter["points"]} == {"CHAMPIONS", "LOST"}
    again = await shop.gql(CHARTS, variables, token=shop.token(roles=ANALYST))
    assert again["data"]["rfmScatter"] == scatter  # a deterministic sample
    sizes = data["segmentSizes"]
    assert series(sizes, "champions") == [0, 0, 2]
    assert series(sizes, "lost") == [0, 0, 1]
    matrix = data["segmentTransitionMatrix"]
    assert matrix["total"] == 3
    assert series(matrix, "new")[matrix["labels"].index("loyal")] == 1
    assert series(matrix, "loyal")[matrix["labels"].index("champions")] == 1
    assert series(matrix, "at_risk")[matrix["labels"].index("lost")] == 1

    theirs = (await other.gql(CHARTS, variables, token=other.token(roles=ANALYST)))["data"]
    assert theirs["rfmScatter"] == {"population": 0, "points": []}
    assert sum(sum(s["data"]) for s in theirs["rfmHeatmap"]["counts"]["series"]) == 0
    assert sum(sum(s["data"]) for s in theirs["segmentSizes"]["series"]) == 0
    assert theirs["segmentTransitionMatrix"]["total"] == 0

    refused = await shop.gql(CHARTS, variables, token=shop.token(roles=["admin:points"]))
    assert all(value is None for value in refused["data"].values())


SUBSCRIPTION = """
subscription($from: Date!, $to: Date!) {
  analyticsUpdated(from: $from, to: $to) { totals { pointsIssued outstandingPoints } }
}
"""


async def test_analytics_updated_pushes_after_a_pass(shop, make_shop, server):
    other = await make_shop()
    today = utcnow().date()
    variables = {"from": (today - timedelta(days=3)).isoformat(), "to": today.isoformat()}
    async with (
        ws_session(server, {"Authorization": f"Bearer {shop.token(roles=ANALYST)}"}) as ws,
        ws_session(server, {"Authorization": f"Bearer {other.token(roles=ANALYST)}"}) as elsewhere,
    ):
        theirs = await elsewhere.subscribe(SUBSCRIPTION, variables)
        first_elsewhere = await elsewhere.receive()
        assert first_elsewhere["id"] == theirs
        op = await ws.subscribe(SUBSCRIPTION, variables)
        first = await ws.receive()
        assert first["id"] == op
        assert first["payload"]["data"]["analyticsUpdated"]["totals"]["pointsIssued"] == 0
        await wait_for_subscribers(analytics.program_channel(shop.id))

        await program_shop(shop)
        pushed = await ws.receive()
        assert pushed["payload"]["data"]["analyticsUpdated"]["totals"] == {
            "pointsIssued": 300,
            "outstandingPoints": 180,
        }
        # the other shop's dashboard heard nothing of our change
        with pytest.raises(asyncio.TimeoutError):
            await elsewhere.receive(timeout=0.5)
        await ws.send({"id": op, "type": "complete"})

    # a bad range is refused at subscription time
    async with ws_session(server, {"Authorization": f"Bearer {shop.token(roles=ANALYST)}"}) as ws:
        op = await ws.subscribe(SUBSCRIPTION, {"from": variables["to"], "to": variables["from"]})
        errors = await ws.errors_of(op)
        assert errors
        assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"


RESULTS = """
query($from: Date!, $to: Date!) {
  programAnalytics(from: $from, to: $to) {
    campaigns { campaign { name } results { pointsIssued ordersAffected } }
    referrals { claims conversions revenue }
  }
}
"""
CREATE_CAMPAIGN = """
mutation($input: CampaignInput!) { createCampaign(input: $input) { campaign { id } userErrors { message } } }
"""


async def test_campaign_and_referral_results_of_the_range(shop, make_shop):
    created = await shop.gql(
        CREATE_CAMPAIGN,
        {
            "input": {
                "name": "Double weekend",
                "effect": "MULTIPLIER",
                "multiplier": "2",
                "descriptions": [{"locale": "en", "text": "Double points"}],
            }
        },
    )
    assert created["data"]["createCampaign"]["userErrors"] == [], created
    other = await make_shop()
    today = utcnow().date()
    variables = {"from": (today - timedelta(days=7)).isoformat(), "to": today.isoformat()}

    ours = await shop.gql(RESULTS, variables, token=shop.token(roles=ANALYST))
    assert "errors" not in ours, ours
    data = ours["data"]["programAnalytics"]
    assert data["campaigns"] == [
        {"campaign": {"name": "Double weekend"}, "results": {"pointsIssued": 0, "ordersAffected": 0}}
    ]
    assert data["referrals"] == {"claims": 0, "conversions": 0, "revenue": "0.00"}
    # a range before the campaign started does not list it
    earlier = {
        "from": (today - timedelta(days=30)).isoformat(),
        "to": (today - timedelta(days=20)).isoformat(),
    }
    before = await shop.gql(RESULTS, earlier, token=shop.token(roles=ANALYST))
    assert before["data"]["programAnalytics"]["campaigns"] == []
    # another shop never sees our campaign
    theirs = await other.gql(RESULTS, variables, token=other.token(roles=ANALYST))
    assert theirs["data"]["programAnalytics"]["campaigns"] == []


async def test_the_scatter_samples_at_most_2000_customers_the_same_way_each_time(shop, make_shop):
    await execute(
        "insert into analytics_customer_rfm (merchant_id, customer_id, first_order_at, last_order_at,"
        " order_count, net_spend, r, f, m, segment, segment_since)"
        " select :m, i, now() - interval '90 days', now() - make_interval(days => i % 300), 1, i % 500,"
        " 1 + i % 5, 1 + i % 3, 1 + i % 5, 'other', now() from generate_series(1, 2300) i",
        m=shop.id,
    )
    query = "{ rfmScatter { population points { customerId recencyDays } } }"
    first = (await shop.gql(query, token=shop.token(roles=ANALYST)))["data"]["rfmScatter"]
    second = (await shop.gql(query, token=shop.token(roles=ANALYST)))["data"]["rfmScatter"]
    assert first["population"] == 2300
    assert len(first["points"]) == 2000
    assert first == second
    # another shop with the same customer ids draws another sample (the shop seeds the order)
    other = await make_shop()
    await execute(
        "insert into analytics_customer_rfm (merchant_id, customer_id, first_order_at, last_order_at,"
        " order_count, net_spend, r, f, m, segment, segment_since)"
        " select :m, i, now(), now(), 1, 1, 1, 1, 1, 'other', now() from generate_series(1, 2300) i",
        m=other.id,
    )
    theirs = (await other.gql(query, token=other.token(roles=ANALYST)))["data"]["rfmScatter"]
    assert {p["customerId"] for p in theirs["points"]} != {p["customerId"] for p in first["points"]}


async def test_analytics_updated_pushes_at_most_once_a_second(shop, server):
    today = utcnow().date()
    variables = {"from": (today - timedelta(days=3)).isoformat(), "to": today.isoformat()}
    async with ws_session(server, {"Authorization": f"Bearer {shop.token(roles=ANALYST)}"}) as ws:
        op = await ws.subscribe(SUBSCRIPTION, variables)
        await ws.receive()  # the dashboard at subscription time
        await wait_for_subscribers(analytics.program_channel(shop.id))
        await post_on(shop.id, utcnow(), [posting(1, 10, "earn", "order")])
        await analytics.backfill_program_rollups(shop.id)
        first = await ws.receive()
        pushed = time.monotonic()
        await post_on(shop.id, utcnow(), [posting(1, 5, "earn", "order")])
        async with unit_of_work() as uow:
            await analytics.refresh_program_rollups(uow, shop.id, timezone="UTC")
        second = await ws.receive()
        assert time.monotonic() - pushed >= 0.9
        assert first["payload"]["data"]["analyticsUpdated"]["totals"]["pointsIssued"] == 10
        assert second["payload"]["data"]["analyticsUpdated"]["totals"]["pointsIssued"] == 15
        await ws.send({"id": op, "type": "complete"})


TIERS = """
query($from: Date!, $to: Date!) { programAnalytics(from: $from, to: $to) { tiers { tierId name customers } } }
"""


async def test_tier_distribution_counts_customers_where_they_stand(shop, make_shop, drain):
    silver, gold = await ladder(
        shop, drain, {"name": "Silver", "threshold": 100}, {"name": "Gold", "threshold": 300}
    )
    for subtotal in ("150.00", "120.00", "500.00", "20.00"):
        await order(shop, drain, new_id(), new_id(), subtotal)
    other = await make_shop()
    today = utcnow().date()
    variables = {"from": today.isoformat(), "to": today.isoformat()}
    ours = await shop.gql(TIERS, variables, token=shop.token(roles=ANALYST))
    assert [(t["name"], t["customers"]) for t in ours["data"]["programAnalytics"]["tiers"]] == [
        ("Silver", 2),
        ("Gold", 1),
    ]
    assert ours["data"]["programAnalytics"]["tiers"][0]["tierId"] == encode_id("Tier", silver.id)
    theirs = await other.gql(TIERS, variables, token=other.token(roles=ANALYST))
    assert theirs["data"]["programAnalytics"]["tiers"] == []
    assert gold.id != silver.id
