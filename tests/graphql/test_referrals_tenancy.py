"""The wall between shops, for referrals: shop A's staff token reads none of shop B's
referrals (list, one, `node`, review queue, a customer's), decides none of them, and
changes only its own program; shop A's storefront takes none of shop B's codes; each
shop's analytics count only its own."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from loyalnest.graphql.core.ids import encode_id
from tests.graphql.conftest import post_proxy, proxy_params
from tests.graphql.referrals_support import (
    INVITE,
    UPDATE_PROGRAM,
    claim,
    enable_program,
    make_customer,
    my_referral,
)

READ = """
query ($id: ID!, $customer: ID!) {
  referral(id: $id) { id } node(id: $id) { id } nodes(ids: [$id]) { id }
  referrals(first: 50) { nodes { id } totalCount }
  referralReviewQueue(first: 50) { totalCount }
  customer(id: $customer) { referralsAsAdvocate { totalCount } }
}
"""
DECIDE = """
mutation ($id: ID!) {
  approveReferral(id: $id) { referral { id } userErrors { field code } }
  rejectReferral(id: $id, reason: "not ours") { referral { id } userErrors { field code } }
}
"""
STATUS = "query ($id: ID!) { referral(id: $id) { status held decidedBy } }"
ANALYTICS = "query ($f: Date!, $t: Date!) { referralAnalytics(from: $f, to: $t) { claims } }"
PROGRAM = "{ referralProgram { enabled monthlyCap } }"


async def _shop_with_a_claim(make_shop, http, settings):
    shop = await make_shop()
    await enable_program(shop)
    local, advocate = await make_customer(shop)
    code = (await my_referral(http, settings, shop, advocate))["code"]
    claimed = await claim(http, settings, shop, code, "pal@example.org")
    assert claimed["userErrors"] == [], claimed
    listed = await shop.gql("{ referrals(first: 1) { nodes { id } } }")
    return shop, local, advocate, code, listed["data"]["referrals"]["nodes"][0]["id"]


async def test_staff_of_a_cannot_read_or_decide_bs_referrals(make_shop, http, settings):
    a, _, _, _, a_referral = await _shop_with_a_claim(make_shop, http, settings)
    b, b_customer, _, _, b_referral = await _shop_with_a_claim(make_shop, http, settings)

    read = (await a.gql(READ, {"id": b_referral, "customer": encode_id("Customer", b_customer)}))["data"]
    assert read["referral"] is None
    assert read["node"] is None
    assert read["nodes"] == [None]
    assert read["referrals"] == {"nodes": [{"id": a_referral}], "totalCount": 1}
    assert read["referralReviewQueue"] == {"totalCount": 0}
    assert read["customer"] is None

    decided = (await a.gql(DECIDE, {"id": b_referral}))["data"]
    for name in ("approveReferral", "rejectReferral"):
        assert decided[name] == {"referral": None, "userErrors": [{"field": ["id"], "code": "NOT_FOUND"}]}
    assert (await b.gql(STATUS, {"id": b_referral}))["data"]["referral"] == {
        "status": "CLAIMED",
        "held": False,
        "decidedBy": None,
    }
    # B's own staff read it
    assert (await b.gql(READ, {"id": b_referral, "customer": encode_id("Customer", b_customer)}))["data"][
        "customer"
    ]["referralsAsAdvocate"] == {"totalCount": 1}


async def test_a_program_change_stays_in_its_shop(make_shop):
    a, b = await make_shop(), await make_shop()
    await enable_program(b, monthlyCap=7)
    changed = await a.gql(UPDATE_PROGRAM, {"input": {"enabled": True, "monthlyCap": 3}})
    assert changed["data"]["updateReferralProgram"]["userErrors"] == []
    assert (await a.gql(PROGRAM))["data"]["referralProgram"] == {"enabled": True, "monthlyCap": 3}
    assert (await b.gql(PROGRAM))["data"]["referralProgram"] == {"enabled": True, "monthlyCap": 7}


async def test_analytics_count_only_their_shop(make_shop, http, settings):
    a, *_ = await _shop_with_a_claim(make_shop, http, settings)
    b, *_ = await _shop_with_a_claim(make_shop, http, settings)
    await _more_claims(b, http, settings)
    today = datetime.now(UTC).date()
    window = {"f": str(today - timedelta(days=1)), "t": str(today + timedelta(days=1))}
    assert (await a.gql(ANALYTICS, window))["data"]["referralAnalytics"] == {"claims": 1}
    assert (await b.gql(ANALYTICS, window))["data"]["referralAnalytics"] == {"claims": 2}


async def _more_claims(shop, http, settings):
    _, advocate = await make_customer(shop)
    code = (await my_referral(http, settings, shop, advocate))["code"]
    assert (await claim(http, settings, shop, code, "other@example.org"))["userErrors"] == []


async def test_a_storefront_takes_only_its_own_shops_codes(make_shop, http, settings):
    a, _, a_advocate, a_code, _ = await _shop_with_a_claim(make_shop, http, settings)
    b, _, _, b_code, _ = await _shop_with_a_claim(make_shop, http, settings)
    foreign = await claim(http, settings, a, b_code, "new@example.org")
    assert foreign["claim"] is None
    assert [(e["field"], e["code"]) for e in foreign["userErrors"]] == [(["code"], "UNKNOWN_CODE")]
    # one Shopify customer id in two shops is two advocates with two codes
    await make_customer(b, shopify_id=a_advocate)
    assert (await my_referral(http, settings, b, a_advocate))["code"] not in (a_code, b_code)
    # B's referrals list did not grow from A's storefront
    assert (await b.gql("{ referrals { totalCount } }"))["data"]["referrals"]["totalCount"] == 1
    assert (await a.gql("{ referrals { totalCount } }"))["data"]["referrals"]["totalCount"] == 1


async def test_invites_look_only_at_their_own_shops_customers(make_shop, http, settings):
    a, b = await make_shop(), await make_shop()
    await enable_program(a)
    await enable_program(b)
    _, advocate = await make_customer(a)
    await make_customer(b, email="customer.of.b@example.com")
    # a customer of shop B is nobody in shop A: A's advocate may invite them
    params = proxy_params(settings, a.domain, advocate)
    sent = await post_proxy(http, params, INVITE, {"channel": "EMAIL", "to": "customer.of.b@example.com"})
    assert sent["data"]["sendReferralInvite"] == {"sent": True, "remainingToday": 19, "userErrors": []}
    # and B's advocates' invite counts did not move
    _, b_advocate = await make_customer(b)
    assert (await my_referral(http, settings, b, b_advocate))["progress"]["invited"] == 0
    assert (await my_referral(http, settings, a, advocate))["progress"]["invited"] == 1
