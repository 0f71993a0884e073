"""The referral program through /graphql for staff: reading and changing the program
(admin:full; refusals as userErrors on their input field), the referrals (list, filter,
one, `node`, the review queue, a customer's as advocate and as friend), deciding held
referrals (admin:full, audited), the analytics (admin:full or admin:analytics), and who
may read what."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from loyalnest.contexts.audit import api as audit
from loyalnest.graphql.core.ids import encode_id
from tests import payloads
from tests.graphql.conftest import error_codes, refused_roots
from tests.graphql.referrals_support import (
    UPDATE_PROGRAM,
    claim,
    enable_program,
    make_customer,
    my_referral,
)
from tests.graphql.test_rewards_catalog import create as create_reward

PROGRAM = """
{ referralProgram { enabled friendKind friendValue friendMinOrder friendCodeValidityDays advocateKind
  advocatePoints advocateRewardId advocateReward { id } minOrderSubtotal confirmationDays
  claimValidityDays monthlyCap milestones { count points } tierMultiplierApplies velocityPerWeek
  disposableDomainsBlocked disposableDomainsExtra disposableDomainsAllowed checks { check enabled }
  createdAt updatedAt } }
"""
LIST = """
query ($status: ReferralStatus, $held: Boolean, $first: Int, $after: String) {
  referrals(status: $status, held: $held, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage hasPreviousPage endCursor }
    nodes { id status held source friendEmail claimedAt expiresAt advocate { id } friend { id } }
  }
}
"""
ONE = "query ($id: ID!) { referral(id: $id) { id status } node(id: $id) { id ... on Referral { status } } }"
QUEUE = "{ referralReviewQueue(first: 10) { totalCount nodes { id held status reasons { check verdict } } } }"
APPROVE = """
mutation ($id: ID!) {
  approveReferral(id: $id) { referral { id held status decidedBy } userErrors { field code } }
}
"""
REJECT = """
mutation ($id: ID!, $reason: String!) {
  rejectReferral(id: $id, reason: $reason) { referral { id held status decidedBy } userErrors { field code } }
}
"""
ANALYTICS = """
query ($from: Date!, $to: Date!) { referralAnalytics(from: $from, to: $to) {
  from to clicks uniqueVisitors claims conversions clickToOrderRate revenue rewardCost roi
  topAdvocates { conversions revenue clicks customer { id } } } }
"""
CUSTOMER = """
query ($id: ID!) { customer(id: $id) {
  referralCode referredBy { id } referralsAsAdvocate(first: 10) { totalCount nodes { id friendEmail } }
} }
"""

FULL, POINTS, ANALYST, SUPPORT = "admin:full", "admin:points", "admin:analytics", "admin:support"


async def test_the_program_reads_its_defaults_until_staff_change_it(shop):
    program = (await shop.gql(PROGRAM))["data"]["referralProgram"]
    assert program["enabled"] is False
    assert program["createdAt"] is None
    assert program["confirmationDays"] == 14
    assert program["monthlyCap"] == 20
    assert program["friendCodeValidityDays"] == 30
    assert program["milestones"] == []
    assert all(check["enabled"] for check in program["checks"])
    assert {c["check"] for c in program["checks"]} >= {"SELF_REFERRAL_EMAIL", "SHARED_IP", "VELOCITY"}


async def test_staff_change_the_program(shop):
    changed = await enable_program(
        shop,
        friendKind="PERCENTAGE",
        friendValue="15",
        friendMinOrder="40",
        advocatePoints=750,
        confirmationDays=7,
        monthlyCap=5,
        milestones=[{"count": 10, "points": 1000}, {"count": 3, "points": 300}],
        checks=[{"check": "SHARED_IP", "enabled": False}],
        disposableDomainsExtra=["Spam.example"],
    )
    assert changed["enabled"] is True
    assert (changed["friendKind"], changed["friendValue"], changed["friendMinOrder"]) == (
        "PERCENTAGE",
        "15.00",
        "40.00",
    )
    assert (changed["advocatePoints"], changed["confirmationDays"], changed["monthlyCap"]) == (750, 7, 5)
    assert changed["milestones"] == [{"count": 3, "points": 300}, {"count": 10, "points": 1000}]
    assert {c["check"]: c["enabled"] for c in changed["checks"]}["SHARED_IP"] is False
    assert {c["check"]: c["enabled"] for c in changed["checks"]}["VELOCITY"] is True
    assert changed["disposableDomainsExtra"] == ["spam.example"]
    # omitted fields keep their value, null clears an optional one
    again = await shop.gql(UPDATE_PROGRAM, {"input": {"friendMinOrder": None}})
    program = again["data"]["updateReferralProgram"]["referralProgram"]
    assert program["friendMinOrder"] is None
    assert program["friendValue"] == "15.00"
    assert program["monthlyCap"] == 5
    assert "referral_program.updated" in {entry["action"] for entry in await _audit(shop)}


async def test_the_advocate_can_get_a_catalog_reward(shop, http, settings):
    created = await create_reward(shop)
    reward_id = created["reward"]["id"]
    program = await enable_program(shop, advocateKind="REWARD", advocateRewardId=reward_id)
    assert (program["advocateKind"], program["advocateRewardId"]) == ("REWARD", reward_id)
    read = (await shop.gql(PROGRAM))["data"]["referralProgram"]
    assert read["advocateReward"] == {"id": reward_id}
    # the storefront shows the advocate what they get
    _, advocate = await make_customer(shop)
    assert (await my_referral(http, settings, shop, advocate))["advocateReward"] == {
        "kind": "REWARD",
        "points": read["advocatePoints"],
        "reward": {"id": reward_id},
    }


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"friendKind": "PERCENTAGE", "friendValue": "101"}, "friendValue"),
        ({"friendKind": "FIXED_AMOUNT", "friendValue": "0"}, "friendValue"),
        ({"friendCodeValidityDays": 0}, "friendCodeValidityDays"),
        ({"confirmationDays": 91}, "confirmationDays"),
        ({"monthlyCap": 0}, "monthlyCap"),
        ({"milestones": [{"count": 3, "points": 10}, {"count": 3, "points": 20}]}, "milestones"),
        ({"advocateKind": "REWARD", "advocateRewardId": encode_id("Reward", 10**9)}, "advocateRewardId"),
    ],
)
async def test_a_bad_program_is_refused_on_its_field(shop, change, field):
    result = await shop.gql(UPDATE_PROGRAM, {"input": change})
    payload = result["data"]["updateReferralProgram"]
    assert payload["referralProgram"] is None
    assert payload["userErrors"][0]["field"][:2] == ["input", field], payload
    program = (await shop.gql(PROGRAM))["data"]["referralProgram"]
    assert program["createdAt"] is None  # nothing was saved


async def test_staff_list_filter_and_page_referrals(shop, http, settings):
    await enable_program(shop)
    advocate_id, advocate = await make_customer(shop)
    code = (await my_referral(http, settings, shop, advocate))["code"]
    for n in range(3):
        assert (await claim(http, settings, shop, code, f"pal{n}@example.org"))["userErrors"] == []

    first = (await shop.gql(LIST, {"first": 2}))["data"]["referrals"]
    assert first["totalCount"] == 3
    assert first["pageInfo"]["hasNextPage"] is True
    assert [n["friendEmail"] for n in first["nodes"]] == ["p***@example.org"] * 2
    assert {n["advocate"]["id"] for n in first["nodes"]} == {encode_id("Customer", advocate_id)}
    assert all(n["friend"] is None and n["status"] == "CLAIMED" for n in first["nodes"])
    rest = (await shop.gql(LIST, {"first": 2, "after": first["pageInfo"]["endCursor"]}))["data"]["referrals"]
    assert len(rest["nodes"]) == 1
    assert rest["pageInfo"] == {
        "hasNextPage": False,
        "hasPreviousPage": True,
        "endCursor": rest["pageInfo"]["endCursor"],
    }
    ids = [n["id"] for n in first["nodes"] + rest["nodes"]]
    assert len(set(ids)) == 3

    assert (await shop.gql(LIST, {"status": "CLAIMED"}))["data"]["referrals"]["totalCount"] == 3
    assert (await shop.gql(LIST, {"status": "REWARDED"}))["data"]["referrals"]["totalCount"] == 0
    assert (await shop.gql(LIST, {"held": True}))["data"]["referrals"]["totalCount"] == 0

    one = (await shop.gql(ONE, {"id": ids[0]}))["data"]
    assert one["referral"] == {"id": ids[0], "status": "CLAIMED"}
    assert one["node"] == {"id": ids[0], "status": "CLAIMED"}
    # a malformed id, or one of another type, names nothing
    assert (await shop.gql(ONE, {"id": encode_id("Reward", 1)}))["data"]["referral"] is None

    # backwards paging is refused with a clear error, not silently ignored
    backwards = await shop.gql("{ referrals(last: 2) { totalCount } }")
    assert error_codes(backwards) == ["BAD_USER_INPUT"]


async def test_a_customers_referrals_as_advocate_and_as_friend(shop, http, settings):
    await enable_program(shop)
    advocate_id, advocate = await make_customer(shop)
    code = (await my_referral(http, settings, shop, advocate))["code"]
    assert (await claim(http, settings, shop, code, "pal@example.org"))["userErrors"] == []
    seen = (await shop.gql(CUSTOMER, {"id": encode_id("Customer", advocate_id)}))["data"]["customer"]
    assert seen["referredBy"] is None
    assert seen["referralCode"] == code
    assert seen["referralsAsAdvocate"]["totalCount"] == 1
    assert seen["referralsAsAdvocate"]["nodes"][0]["friendEmail"] == "p***@example.org"
    quiet_id, _ = await make_customer(shop)
    quiet = (await shop.gql(CUSTOMER, {"id": encode_id("Customer", quiet_id)}))["data"]["customer"]
    assert quiet == {
        "referralCode": None,  # never opened their referral: no code yet
        "referredBy": None,
        "referralsAsAdvocate": {"totalCount": 0, "nodes": []},
    }


@pytest.mark.parametrize(
    ("roles", "reads", "configures", "analyses"),
    [
        ([FULL], True, True, True),
        ([POINTS], True, False, False),
        ([SUPPORT], True, False, False),
        ([ANALYST], False, False, True),
    ],
)
async def test_who_may_read_change_and_analyse(shop, roles, reads, configures, analyses):
    token = shop.token(roles=roles)
    program = await shop.gql(PROGRAM, token=token)
    assert program["data"]["referralProgram"] is not None  # every staff role reads the program
    listed = await shop.gql(
        "{ referrals(first: 1) { totalCount } referralReviewQueue { totalCount } }", token=token
    )
    if reads:
        assert "errors" not in listed, listed
    else:
        refused_roots(listed)
        assert set(error_codes(listed)) == {"FORBIDDEN"}
    changed = await shop.gql(UPDATE_PROGRAM, {"input": {"monthlyCap": 3}}, token=token)
    if configures:
        assert changed["data"]["updateReferralProgram"]["userErrors"] == []
    else:
        assert changed["data"]["updateReferralProgram"] is None
        assert error_codes(changed) == ["FORBIDDEN"]
    for document in (APPROVE, REJECT):
        decided = await shop.gql(document, {"id": encode_id("Referral", 1), "reason": "x"}, token=token)
        if configures:
            assert decided["data"][next(iter(decided["data"]))]["userErrors"][0]["code"] == "NOT_FOUND"
        else:
            refused_roots(decided)
    analytics = await shop.gql(ANALYTICS, {"from": "2026-11-01", "to": "2026-11-30"}, token=token)
    if analyses:
        assert "errors" not in analytics, analytics
        assert analytics["data"]["referralAnalytics"]["from"] == "2026-11-01"
    else:
        refused_roots(analytics)


async def test_analytics_count_claims_and_clicks_of_the_range(shop, http, settings):
    await enable_program(shop)
    _, advocate = await make_customer(shop)
    code = (await my_referral(http, settings, shop, advocate))["code"]
    assert (await claim(http, settings, shop, code, "pal@example.org"))["userErrors"] == []
    today = datetime.now(UTC).date()
    seen = await shop.gql(
        ANALYTICS, {"from": str(today - timedelta(days=1)), "to": str(today + timedelta(days=1))}
    )
    assert "errors" not in seen, seen
    stats = seen["data"]["referralAnalytics"]
    assert stats["claims"] == 1
    assert stats["conversions"] == 0
    assert stats["revenue"] == "0.00"
    reversed_range = await shop.gql(ANALYTICS, {"from": str(today), "to": str(today - timedelta(days=3))})
    assert reversed_range["data"]["referralAnalytics"] is None
    assert error_codes(reversed_range) == ["BAD_USER_INPUT"]


async def _held_referral(shop: Any, drain: Any, http: Any, settings: Any, order_id: int) -> tuple[str, str]:
    """A referral held for review, made as in production: two friends claimed the
    advocate's code this week, then a third person orders through the advocate's link
    (the webhook route, the real worker); over a velocity of 1 a week it is held.
    (The referral's global id, the advocate's.)"""
    await enable_program(shop, velocityPerWeek=1)
    advocate_id, advocate = await make_customer(shop)
    code = (await my_referral(http, settings, shop, advocate))["code"]
    for n in range(2):
        assert (await claim(http, settings, shop, code, f"early{n}@example.org"))["userErrors"] == []
    now = datetime.now(UTC).isoformat()
    body = payloads.order(
        order_id,
        subtotal="80.00",
        customer_body={
            **payloads.customer(order_id + 1, email=f"buyer{order_id}@example.org", phone=None),
            "created_at": now,
        },
    )
    body.update(landing_site=f"/?ref={code}", created_at=now)
    response = await shop.webhook("orders/create", body)
    assert response.status_code == 200, response.text
    await drain()
    queue = (await shop.gql(QUEUE))["data"]["referralReviewQueue"]
    assert queue["totalCount"] == 1, queue
    held = queue["nodes"][0]
    assert held["held"] is True
    assert held["status"] == "PENDING"
    assert {"check": "VELOCITY", "verdict": "REVIEW"} in held["reasons"]
    return held["id"], encode_id("Customer", advocate_id)


async def test_staff_approve_a_held_referral(shop, drain, http, settings):
    referral_id, advocate_gid = await _held_referral(shop, drain, http, settings, 9_100_001)
    # only admin:full decides
    refused = await shop.gql(APPROVE, {"id": referral_id}, token=shop.token(roles=[SUPPORT]))
    assert refused["data"]["approveReferral"] is None
    assert error_codes(refused) == ["FORBIDDEN"]

    approved = (await shop.gql(APPROVE, {"id": referral_id}, token=shop.token(user_id="42")))["data"]
    assert approved["approveReferral"] == {
        "referral": {"id": referral_id, "held": False, "status": "PENDING", "decidedBy": "staff:42"},
        "userErrors": [],
    }
    assert (await shop.gql(QUEUE))["data"]["referralReviewQueue"]["totalCount"] == 0
    # approving again: it is no longer held
    again = (await shop.gql(APPROVE, {"id": referral_id}))["data"]["approveReferral"]
    assert again == {"referral": None, "userErrors": [{"field": ["id"], "code": "NOT_HELD"}]}
    # the referral reads the same through referral(id:) and node(id:), with its friend
    one = await shop.gql(
        "query ($id: ID!) { referral(id: $id) {"
        " friend { id } advocate { id } orderSubtotal source shopifyOrderId } }",
        {"id": referral_id},
    )
    seen = one["data"]["referral"]
    assert seen["advocate"] == {"id": advocate_gid}
    assert seen["friend"] is not None
    assert (seen["orderSubtotal"], seen["source"], seen["shopifyOrderId"]) == (
        "80.00",
        "LANDING_URL",
        "9100001",
    )
    friend = await shop.gql(
        "query ($id: ID!) { customer(id: $id) { referredBy { id } } }", {"id": seen["friend"]["id"]}
    )
    assert friend["data"]["customer"]["referredBy"] == {"id": referral_id}
    assert "referral.approved" in {entry["action"] for entry in await _audit(shop)}


async def test_staff_reject_a_held_referral_with_a_reason(shop, drain, http, settings):
    referral_id, _ = await _held_referral(shop, drain, http, settings, 9_200_001)
    rejected = (await shop.gql(REJECT, {"id": referral_id, "reason": "same household, asked"}))["data"]
    assert rejected["rejectReferral"]["userErrors"] == []
    assert rejected["rejectReferral"]["referral"]["status"] == "REJECTED"
    assert rejected["rejectReferral"]["referral"]["held"] is False
    reasons = await shop.gql(
        "query ($id: ID!) { referral(id: $id) { reasons { kind check verdict detail } } }",
        {"id": referral_id},
    )
    # the staff's own words may name people: they are in the audit trail, not on the referral
    assert reasons["data"]["referral"]["reasons"][-1] == {
        "kind": "STAFF",
        "check": None,
        "verdict": "REJECT",
        "detail": "rejected by staff",
    }
    (entry,) = [e for e in await audit.list_recent(shop.id) if e.action == "referral.rejected"]
    assert entry.details == {"reason": "same household, asked"}
    assert entry.actor == "staff:1"
    again = (await shop.gql(REJECT, {"id": referral_id, "reason": "twice"}))["data"]["rejectReferral"]
    assert again == {"referral": None, "userErrors": [{"field": ["id"], "code": "NOT_REJECTABLE"}]}


async def _audit(shop: Any) -> list[dict[str, Any]]:
    """The shop's audit trail, newest first: who did what."""
    return [{"action": e.action, "actor": e.actor} for e in await audit.list_recent(shop.id)]
