"""Staff read their shop's merchant referral program over HTTP: the code and install
link, the shops they referred (newest first, Relay pages both ways), the months of
credit and the credit ledger. admin:full only. Tenancy: shop A's token sees nothing of
the shops B referred or of B's credits, and each shop sees its own code."""

from __future__ import annotations

from typing import Any

import pytest

from loyalnest.contexts.merchants import api as merchants
from loyalnest.platform import queue
from tests.contexts.merchants.support import code_of, install, installed_days_ago
from tests.graphql.conftest import error_codes

PROGRAM = """
{
  merchantReferral {
    code link creditMonths
    referrals(first: 10) {
      nodes { referredShopDomain status createdAt qualifiedAt creditedAt cancelledAt }
      totalCount
    }
    credits(first: 10) { nodes { months kind sourceRef createdAt } totalCount }
  }
}
"""
PAGE = """
query ($first: Int, $after: String, $last: Int, $before: String) {
  merchantReferral {
    referrals(first: $first, after: $after, last: $last, before: $before) {
      nodes { referredShopDomain }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }
}
"""


async def _credit_due(drain: Any) -> None:
    queue.send("merchants.credit_referrals", "merchants", {})
    await drain()


async def test_each_shop_sees_its_own_referrals_and_credits_only(make_shop, settings, drain):
    a, b = await make_shop(), await make_shop()
    by_a = await install(referred_by=await code_of(a.id))
    by_b_old = await install(referred_by=await code_of(b.id))
    by_b_new = await install(referred_by=await code_of(b.id))
    await installed_days_ago(by_b_old.id, 31)
    await _credit_due(drain)

    seen_by_a = (await a.gql(PROGRAM))["data"]["merchantReferral"]
    code_a = await code_of(a.id)
    assert seen_by_a["code"] == code_a
    assert seen_by_a["link"] == f"{settings.public_base_url.rstrip('/')}/install?ref={code_a}"
    assert seen_by_a["creditMonths"] == 0
    assert seen_by_a["credits"] == {"nodes": [], "totalCount": 0}
    assert seen_by_a["referrals"]["totalCount"] == 1
    [only] = seen_by_a["referrals"]["nodes"]
    assert only["referredShopDomain"] == by_a.shop_domain
    assert (only["status"], only["qualifiedAt"], only["creditedAt"], only["cancelledAt"]) == (
        "PENDING",
        None,
        None,
        None,
    )

    seen_by_b = (await b.gql(PROGRAM))["data"]["merchantReferral"]
    assert seen_by_b["code"] == await code_of(b.id) != code_a
    assert [(n["referredShopDomain"], n["status"]) for n in seen_by_b["referrals"]["nodes"]] == [
        (by_b_new.shop_domain, "PENDING"),
        (by_b_old.shop_domain, "QUALIFIED"),
    ]
    assert seen_by_b["referrals"]["nodes"][1]["creditedAt"] is not None
    assert seen_by_b["creditMonths"] == 1
    [credit] = seen_by_b["credits"]["nodes"]
    assert (credit["months"], credit["kind"]) == (1, "REFERRAL")
    assert credit["sourceRef"].startswith("merchant_referral:")
    assert seen_by_b["credits"]["totalCount"] == 1
    # nothing of B's leaked into A's answer
    assert by_b_old.shop_domain not in str(seen_by_a)
    assert by_b_new.shop_domain not in str(seen_by_a)


@pytest.mark.parametrize("roles", [["admin:points"], ["admin:support"], ["admin:analytics"], []])
async def test_only_admin_full_reads_the_program(shop, roles):
    refused = await shop.gql(PROGRAM, token=shop.token(roles=roles))
    assert refused["data"] == {"merchantReferral": None}
    assert error_codes(refused) == ["FORBIDDEN"]
    allowed = await shop.gql(PROGRAM, token=shop.token(roles=["admin:full"]))
    assert allowed["data"]["merchantReferral"]["code"] == await code_of(shop.id)


async def test_without_a_session_token_nothing_is_read(http):
    anonymous = await http.post("/graphql", json={"query": PROGRAM})
    assert anonymous.status_code == 401
    assert "data" not in anonymous.json()
    assert error_codes(anonymous.json()) == ["UNAUTHENTICATED"]


async def test_referrals_page_forwards_and_backwards(shop):
    code = await code_of(shop.id)
    referred = [(await install(referred_by=code)).shop_domain for _ in range(3)]
    newest_first = referred[::-1]

    first = (await shop.gql(PAGE, {"first": 2}))["data"]["merchantReferral"]["referrals"]
    assert [n["referredShopDomain"] for n in first["nodes"]] == newest_first[:2]
    assert (first["pageInfo"]["hasNextPage"], first["pageInfo"]["hasPreviousPage"]) == (True, False)
    rest = (await shop.gql(PAGE, {"first": 2, "after": first["pageInfo"]["endCursor"]}))["data"]
    rest = rest["merchantReferral"]["referrals"]
    assert [n["referredShopDomain"] for n in rest["nodes"]] == newest_first[2:]
    assert (rest["pageInfo"]["hasNextPage"], rest["pageInfo"]["hasPreviousPage"]) == (False, True)

    back = (await shop.gql(PAGE, {"last": 2, "before": rest["pageInfo"]["startCursor"]}))["data"]
    back = back["merchantReferral"]["referrals"]
    assert [n["referredShopDomain"] for n in back["nodes"]] == newest_first[:2]
    assert (back["pageInfo"]["hasNextPage"], back["pageInfo"]["hasPreviousPage"]) == (True, False)

    too_many = await shop.gql(PAGE, {"first": 101})
    assert error_codes(too_many) == ["BAD_USER_INPUT"]


async def test_the_api_and_graphql_agree_on_the_credit_months(shop, drain):
    code = await code_of(shop.id)
    for _ in range(2):
        referred = await install(referred_by=code)
        await installed_days_ago(referred.id, 45)
    await _credit_due(drain)
    await _credit_due(drain)  # a second run credits nothing more
    result = (await shop.gql("{ merchantReferral { creditMonths credits { totalCount } } }"))["data"]
    assert result == {"merchantReferral": {"creditMonths": 2, "credits": {"totalCount": 2}}}
    assert await merchants.get_credit_months(shop.id) == 2
