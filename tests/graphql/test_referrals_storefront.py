"""The referral program on the storefront endpoint /proxy/graphql: a customer reads their
code, link, share links, offer and progress (`me.referral`) and sends invites; a friend
claims a code signed in or not (the anonymous storefront visitor, who may do nothing
else), within per-visitor and per-email rate limits kept in Redis."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import unquote_plus

from loyalnest.platform.redis import get_async_redis, shop_key
from tests.graphql.conftest import error_codes, post_proxy, proxy_params
from tests.graphql.referrals_support import (
    CLAIM,
    INVITE,
    claim,
    enable_program,
    make_customer,
    my_referral,
    next_address,
)

CODE = re.compile(r"[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{7}")
FRIEND_CODE = re.compile(r"FRIEND-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{8}")

STAFF_REFERRALS = (
    "{ referrals(first: 10) { nodes { status source friendEmail advocate { id } } totalCount } }"
)


async def test_an_advocate_reads_their_code_link_offer_and_progress(shop, http, settings):
    await enable_program(
        shop,
        friendKind="FIXED_AMOUNT",
        friendValue="10",
        friendMinOrder="50",
        advocatePoints=500,
        milestones=[{"count": 3, "points": 250}, {"count": 10, "points": 1000}],
    )
    _, advocate = await make_customer(shop)
    mine = await my_referral(http, settings, shop, advocate)
    assert CODE.fullmatch(mine["code"]), mine
    assert mine["enabled"] is True
    assert mine["link"] == f"https://{shop.domain}/apps/loyalnest/r/{mine['code']}"
    share = mine.pop("share")
    assert share["facebook"].startswith("https://www.facebook.com/sharer/sharer.php?u=")
    assert share["whatsapp"].startswith("https://wa.me/?text=")
    assert share["x"].startswith("https://x.com/intent/post?")
    assert share["email"].startswith("mailto:")
    assert share["sms"].startswith("sms:")
    # each carries the link (encoded as its target expects)
    assert all(mine["link"] in unquote_plus(url) for url in share.values()), share
    assert mine["friendOffer"].pop("text")
    assert mine["friendOffer"] == {
        "kind": "FIXED_AMOUNT",
        "value": "10.00",
        "minOrder": "50.00",
        "validityDays": 30,
    }
    assert mine["advocateReward"] == {"kind": "POINTS", "points": 500, "reward": None}
    assert mine["progress"] == {
        "invited": 0,
        "clicked": 0,
        "claimed": 0,
        "completed": 0,
        "rewarded": 0,
        "pendingRewards": 0,
        "nextMilestone": {"count": 3, "points": 250},
        "toNextMilestone": 3,
    }
    # the code never changes
    assert (await my_referral(http, settings, shop, advocate))["code"] == mine["code"]


async def test_a_storefront_customer_the_shop_does_not_know_has_no_referral_yet(shop, http, settings):
    await enable_program(shop)
    assert await my_referral(http, settings, shop, 99_999_001) is None


async def test_an_anonymous_visitor_claims_a_code_and_gets_their_own(shop, http, settings):
    await enable_program(shop, friendCodeValidityDays=10)
    _, advocate = await make_customer(shop)
    code = (await my_referral(http, settings, shop, advocate))["code"]

    before = datetime.now(UTC)
    claimed = await claim(http, settings, shop, code.lower(), "Friend.One@Example.org")
    assert claimed["userErrors"] == [], claimed
    assert FRIEND_CODE.fullmatch(claimed["claim"]["code"]), claimed
    expires = datetime.fromisoformat(claimed["claim"]["expiresAt"])
    assert before + timedelta(days=9) < expires <= datetime.now(UTC) + timedelta(days=10, minutes=1)

    # staff see the claim, the friend's email masked
    seen = (await shop.gql(STAFF_REFERRALS))["data"]["referrals"]
    assert seen["totalCount"] == 1
    node = seen["nodes"][0]
    assert node["status"] == "CLAIMED"
    assert node["source"] == "CLAIM"
    assert node["friendEmail"] == "F***@Example.org"  # as typed, masked
    # the advocate's progress counts it
    assert (await my_referral(http, settings, shop, advocate))["progress"]["claimed"] == 1

    # the same email again: refused, nothing new
    again = await claim(http, settings, shop, code, "friend.one@example.org")
    assert again["claim"] is None
    assert [e["code"] for e in again["userErrors"]] == ["ALREADY_CLAIMED"], again
    assert (await shop.gql(STAFF_REFERRALS))["data"]["referrals"]["totalCount"] == 1


async def test_bad_claims_are_refused_with_a_reason(shop, make_shop, http, settings):
    await enable_program(shop)
    _, advocate = await make_customer(shop, email="ann@example.com")
    code = (await my_referral(http, settings, shop, advocate))["code"]

    unknown = await claim(http, settings, shop, "ZZZZZZZ", "f1@example.org")
    assert unknown["claim"] is None
    assert [(e["field"], e["code"]) for e in unknown["userErrors"]] == [(["code"], "UNKNOWN_CODE")]

    bad_email = await claim(http, settings, shop, code, "not an email")
    assert bad_email["claim"] is None
    assert bad_email["userErrors"][0]["field"] == ["email"], bad_email

    # the advocate's own email (signed out), and the advocate signed in
    own_email = await claim(http, settings, shop, code, "Ann@Example.com")
    assert own_email["claim"] is None
    assert [(e["field"], e["code"]) for e in own_email["userErrors"]] == [(["email"], "OWN_CODE")]
    own = await claim(http, settings, shop, code, "someone@example.org", customer=advocate)
    assert own["claim"] is None
    assert [(e["field"], e["code"]) for e in own["userErrors"]] == [(["code"], "OWN_CODE")]

    # another shop's code is unknown here
    other = await make_shop()
    await enable_program(other)
    _, theirs = await make_customer(other)
    their_code = (await my_referral(http, settings, other, theirs))["code"]
    foreign = await claim(http, settings, shop, their_code, "f2@example.org")
    assert foreign["claim"] is None
    assert [(e["field"], e["code"]) for e in foreign["userErrors"]] == [(["code"], "UNKNOWN_CODE")]

    # a program switched off takes no claims
    await enable_program(shop, enabled=False)
    off = await claim(http, settings, shop, code, "f3@example.org")
    assert off["claim"] is None
    assert [(e["field"], e["code"]) for e in off["userErrors"]] == [(["code"], "PROGRAM_DISABLED")]
    assert (await shop.gql(STAFF_REFERRALS))["data"]["referrals"]["totalCount"] == 0


async def test_a_signed_in_friend_claims_too(shop, http, settings):
    await enable_program(shop)
    _, advocate = await make_customer(shop)
    _, friend = await make_customer(shop)
    code = (await my_referral(http, settings, shop, advocate))["code"]
    claimed = await claim(http, settings, shop, code, "pal@example.org", customer=friend)
    assert claimed["userErrors"] == [], claimed
    assert FRIEND_CODE.fullmatch(claimed["claim"]["code"])


async def test_an_anonymous_visitor_may_claim_and_nothing_else(shop, http, settings):
    params = proxy_params(settings, shop.domain, None)
    for document in (
        "{ me { enrolled } }",
        "{ referrals(first: 1) { totalCount } }",
        "{ referralProgram { enabled } }",
        'mutation { sendReferralInvite(channel: EMAIL, to: "x@example.org") { sent } }',
        'mutation { redeemReward(rewardId: "UmV3YXJkOjE") { pointsBalance } }',
        "mutation { updateReferralProgram(input: {enabled: true}) { referralProgram { enabled } } }",
    ):
        result = await post_proxy(http, params, document)
        assert all(value is None for value in result["data"].values()), (document, result)
        assert error_codes(result) == ["UNAUTHENTICATED"], (document, result)
    assert (await shop.gql("{ referralProgram { enabled } }"))["data"]["referralProgram"]["enabled"] is False


async def test_claims_need_a_genuine_storefront_request(shop, make_shop, http, settings):
    await enable_program(shop)
    _, advocate = await make_customer(shop)
    code = (await my_referral(http, settings, shop, advocate))["code"]
    variables = {"code": code, "email": "f@example.org"}
    # a tampered signature: refused before anything runs
    params = proxy_params(settings, shop.domain, None)
    params["signature"] = "0" * 64
    response = await http.post("/proxy/graphql", params=params, json={"query": CLAIM, "variables": variables})
    assert response.status_code == 401
    # a genuine signature for a shop that is not installed: nobody to claim for
    stranger = proxy_params(settings, "not-installed.myshopify.com", None)
    result = await post_proxy(http, stranger, CLAIM, variables)
    assert result["data"]["claimReferral"] is None
    assert error_codes(result) == ["UNAUTHENTICATED"]
    # staff cannot claim
    staff = await shop.gql(CLAIM, variables)
    assert staff["data"]["claimReferral"] is None
    assert (await shop.gql(STAFF_REFERRALS))["data"]["referrals"]["totalCount"] == 0


async def test_claims_are_rate_limited_per_visitor(shop, make_shop, http, settings):
    await enable_program(shop)
    address = next_address()
    # ten attempts from one visitor, each refused for its own reason (an unknown code)...
    for n in range(10):
        tried = await claim(http, settings, shop, "ZZZZZZZ", f"guess{n}@example.org", address=address)
        assert [e["code"] for e in tried["userErrors"]] != ["RATE_LIMITED"], tried
    # ...then the visitor is out of attempts, whatever the code and email
    _, advocate = await make_customer(shop)
    code = (await my_referral(http, settings, shop, advocate))["code"]
    limited = await claim(http, settings, shop, code, "late@example.org", address=address)
    assert limited["claim"] is None
    assert limited["userErrors"] == [
        {"field": None, "message": limited["userErrors"][0]["message"], "code": "RATE_LIMITED"}
    ]
    assert "try again in" in limited["userErrors"][0]["message"]
    # another visitor of the same household network is not punished for it
    assert (await claim(http, settings, shop, code, "late@example.org"))["userErrors"] == []
    # nor is the same visitor on another shop
    other = await make_shop()
    await enable_program(other)
    elsewhere = await claim(http, settings, other, "ZZZZZZZ", "late@example.org", address=address)
    assert [e["code"] for e in elsewhere["userErrors"]] != ["RATE_LIMITED"]


async def test_claims_are_rate_limited_per_email_without_keeping_it(shop, http, settings):
    await enable_program(shop)
    email = "Target.Person@example.org"
    for _ in range(5):
        tried = await claim(http, settings, shop, "ZZZZZZZ", email)  # a new visitor each time
        assert [e["code"] for e in tried["userErrors"]] != ["RATE_LIMITED"], tried
    limited = await claim(http, settings, shop, "ZZZZZZZ", email.lower())
    assert [(e["field"], e["code"]) for e in limited["userErrors"]] == [(["email"], "RATE_LIMITED")]
    # the counters name hashes, never the email or the address
    pattern = shop_key(shop.id, "ratelimit:referrals:claim:*")  # the shop's own keys
    names = [name.decode() async for name in get_async_redis().scan_iter(pattern)]
    assert names
    assert not [n for n in names if "example.org" in n or "203.0.113" in n or "198.51.100" in n]


async def test_a_customer_sends_invites_within_the_daily_limit(shop, http, settings):
    await enable_program(shop)
    _, advocate = await make_customer(shop)
    await make_customer(shop, email="already@example.com")
    params = proxy_params(settings, shop.domain, advocate)

    sent = (await post_proxy(http, params, INVITE, {"channel": "EMAIL", "to": "pal@example.org"}))["data"]
    assert sent["sendReferralInvite"] == {"sent": True, "remainingToday": 19, "userErrors": []}
    # never to someone who already is a customer of the shop
    refused = await post_proxy(http, params, INVITE, {"channel": "EMAIL", "to": "Already@example.com"})
    payload = refused["data"]["sendReferralInvite"]
    assert payload["sent"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(["to"], "ALREADY_CUSTOMER")]
    progress = (await my_referral(http, settings, shop, advocate))["progress"]
    assert progress["invited"] == 1

    for n in range(19):
        more = await post_proxy(http, params, INVITE, {"channel": "EMAIL", "to": f"pal{n}@example.org"})
        assert more["data"]["sendReferralInvite"]["userErrors"] == [], more
    over = await post_proxy(http, params, INVITE, {"channel": "SMS", "to": "+15555550199"})
    payload = over["data"]["sendReferralInvite"]
    assert payload["sent"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(["to"], "INVITE_LIMIT_REACHED")]


async def test_invites_need_a_known_customer(shop, http, settings):
    await enable_program(shop)
    params = proxy_params(settings, shop.domain, 99_999_002)
    result = await post_proxy(http, params, INVITE, {"channel": "EMAIL", "to": "pal@example.org"})
    assert result["data"]["sendReferralInvite"]["userErrors"][0]["code"] == "NOT_ENROLLED"
