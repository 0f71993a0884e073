"""Staff configure the VIP ladder and its settings through /graphql: every mutation
audited, each change re-evaluating every customer in the background (never in the
request), every bad input a userError that changes nothing, and roles enforced."""

from __future__ import annotations

from typing import Any

import pytest

from loyalnest.graphql.core.ids import encode_id
from tests.contexts.support import rows
from tests.graphql.conftest import error_codes, refused_roots

TIER_FIELDS = """
id rank threshold multiplier multipliedTriggers entryBonusPoints entryRewardId defaultLocale
name frName: name(locale: "fr-CA") names { locale text } perks frPerks: perks(locale: "fr")
allPerks { locale text } deletedAt createdAt updatedAt
"""
CREATE = f"""
mutation ($input: TierInput!) {{
  createTier(input: $input) {{ tier {{ {TIER_FIELDS} }} userErrors {{ field message code }} }}
}}
"""
UPDATE = f"""
mutation ($id: ID!, $input: TierUpdateInput!) {{
  updateTier(id: $id, input: $input) {{ tier {{ {TIER_FIELDS} }} userErrors {{ field message code }} }}
}}
"""
DELETE = """
mutation ($id: ID!) { deleteTier(id: $id) { tier { id rank deletedAt } userErrors { field message code } } }
"""
LADDER = "{ tiers { id rank threshold name } }"
SETTINGS = "{ tierSettings { metric period retention timezone updatedAt } }"
UPDATE_SETTINGS = """
mutation ($input: TierSettingsInput!) {
  updateTierSettings(input: $input) {
    tierSettings { metric period retention timezone updatedAt } userErrors { field message code }
  }
}
"""
RETIER = "{ tierRetier { status cause total done changed requestedAt startedAt finishedAt } }"


def tier_input(name: str, threshold: str, **extra: Any) -> dict[str, Any]:
    return {"names": [{"locale": "en", "text": name}], "defaultLocale": "en", "threshold": threshold, **extra}


async def create(shop, name: str, threshold: str, **extra: Any) -> dict[str, Any]:
    result = await shop.gql(CREATE, {"input": tier_input(name, threshold, **extra)})
    assert "errors" not in result, result
    return result["data"]["createTier"]


async def ladder(shop) -> list[tuple[str, int, str]]:
    result = await shop.gql(LADDER)
    return [(t["name"], t["rank"], t["threshold"]) for t in result["data"]["tiers"]]


async def audit_actions(shop) -> list[str]:
    found = await rows("select action from audit_entries where merchant_id = :m order by id", m=shop.id)
    return [r["action"] for r in found]


async def test_staff_build_a_ladder_read_it_and_change_it(shop, drain):
    silver = await create(
        shop,
        "Silver",
        "100",
        perks=[{"locale": "en", "text": "Free shipping"}, {"locale": "fr", "text": "Livraison offerte"}],
        names=[{"locale": "en", "text": "Silver"}, {"locale": "fr", "text": "Argent"}],
    )
    assert silver["userErrors"] == []
    tier = dict(silver["tier"])
    assert tier.pop("id")
    assert tier.pop("createdAt")
    assert tier.pop("updatedAt")
    assert tier == {
        "rank": 1,
        "threshold": "100.00",
        "multiplier": "1.00",
        "multipliedTriggers": ["PURCHASE"],
        "entryBonusPoints": 0,
        "entryRewardId": None,
        "defaultLocale": "en",
        "name": "Silver",
        "frName": "Argent",
        "names": [{"locale": "en", "text": "Silver"}, {"locale": "fr", "text": "Argent"}],
        "perks": "Free shipping",
        "frPerks": "Livraison offerte",
        "allPerks": [
            {"locale": "en", "text": "Free shipping"},
            {"locale": "fr", "text": "Livraison offerte"},
        ],
        "deletedAt": None,
    }
    gold = (await create(shop, "Gold", "500", multiplier="1.5", multipliedTriggers=["PURCHASE", "REVIEW"]))[
        "tier"
    ]
    assert (gold["rank"], gold["multiplier"], gold["multipliedTriggers"]) == (
        2,
        "1.50",
        ["PURCHASE", "REVIEW"],
    )
    # a tier inserted below the others moves them up one
    bronze = (await create(shop, "Bronze", "50", rank=1, entryBonusPoints=25))["tier"]
    assert bronze["rank"] == 1
    assert await ladder(shop) == [("Bronze", 1, "50.00"), ("Silver", 2, "100.00"), ("Gold", 3, "500.00")]

    one = await shop.gql(
        "query ($id: ID!) { tier(id: $id) { name } node(id: $id) { ... on Tier { rank } } }",
        {"id": gold["id"]},
    )
    assert one["data"] == {"tier": {"name": "Gold"}, "node": {"rank": 3}}

    changed = await shop.gql(UPDATE, {"id": gold["id"], "input": {"multiplier": "2", "threshold": "600"}})
    assert changed["data"]["updateTier"]["userErrors"] == []
    assert (
        changed["data"]["updateTier"]["tier"]["multiplier"],
        changed["data"]["updateTier"]["tier"]["threshold"],
    ) == ("2.00", "600.00")
    # nothing to change: nothing audited, no re-tier asked
    same = await shop.gql(UPDATE, {"id": gold["id"], "input": {"multiplier": "2.00"}})
    assert same["data"]["updateTier"]["userErrors"] == []

    deleted = (await shop.gql(DELETE, {"id": silver["tier"]["id"]}))["data"]["deleteTier"]
    assert deleted["userErrors"] == []
    assert deleted["tier"]["rank"] is None
    assert deleted["tier"]["deletedAt"]
    assert await ladder(shop) == [("Bronze", 1, "50.00"), ("Gold", 2, "600.00")]
    await drain()
    assert await audit_actions(shop) == [
        "tier.created",
        "tier.created",
        "tier.created",
        "tier.updated",
        "tier.deleted",
    ]
    # edits in a burst share the run still queued (which edit asked first depends on the worker)
    retier = (await shop.gql(RETIER))["data"]["tierRetier"]
    assert retier["status"] == "done"
    assert retier["cause"].startswith("tier.")
    assert retier["finishedAt"] is not None


async def test_settings_default_then_change_and_re_tier_in_the_background(shop, drain):
    assert (await shop.gql(SETTINGS))["data"]["tierSettings"] == {
        "metric": "POINTS",
        "period": "LIFETIME",
        "retention": "NEVER",
        "timezone": shop.merchant.iana_timezone,
        "updatedAt": None,
    }
    assert (await shop.gql(RETIER))["data"]["tierRetier"] is None
    result = await shop.gql(
        UPDATE_SETTINGS,
        {"input": {"metric": "MONEY", "period": "CALENDAR_YEAR", "retention": "END_OF_NEXT_PERIOD"}},
    )
    payload = result["data"]["updateTierSettings"]
    assert payload["userErrors"] == []
    assert (
        payload["tierSettings"]["metric"],
        payload["tierSettings"]["period"],
        payload["tierSettings"]["retention"],
    ) == (
        "MONEY",
        "CALENDAR_YEAR",
        "END_OF_NEXT_PERIOD",
    )
    # the request only asked for the re-tier (a run exists at once); the worker runs it,
    # and on an empty shop it may already have started or finished by the time we look
    assert (await shop.gql(RETIER))["data"]["tierRetier"]["status"] in ("queued", "running", "done")
    await drain()
    assert (await shop.gql(RETIER))["data"]["tierRetier"]["status"] == "done"
    # half a change keeps the rest
    result = await shop.gql(UPDATE_SETTINGS, {"input": {"retention": "IMMEDIATE"}})
    assert result["data"]["updateTierSettings"]["tierSettings"]["metric"] == "MONEY"
    await drain()
    assert await audit_actions(shop) == ["tier_settings.updated", "tier_settings.updated"]


@pytest.mark.parametrize(
    ("input", "field", "code"),
    [
        (tier_input("Gold", "100"), ["input", "threshold"], "INVALID"),  # overlaps Silver's
        (tier_input("Gold", "99.99"), ["input", "threshold"], "INVALID"),  # below the tier under it
        (tier_input("Bronze", "150", rank=1), ["input", "threshold"], "INVALID"),  # above the tier over it
        (tier_input("Gold", "0"), ["input", "threshold"], "INVALID"),
        (tier_input("Gold", "-5"), ["input", "threshold"], "INVALID"),
        (tier_input("Gold", "200", multiplier="0"), ["input", "multiplier"], "INVALID"),
        (tier_input("Gold", "200", multiplier="-2"), ["input", "multiplier"], "INVALID"),
        (tier_input("Gold", "200", multiplier="10.01"), ["input", "multiplier"], "INVALID"),
        (tier_input("Gold", "200", multiplier="1.255"), ["input", "multiplier"], "INVALID"),
        (tier_input("Gold", "200", rank=5), ["input", "rank"], "INVALID"),
        (tier_input("Gold", "200", entryBonusPoints=-1), ["input", "entryBonusPoints"], "INVALID"),
        ({**tier_input("Gold", "200"), "names": []}, ["input", "names"], "INVALID"),
        ({**tier_input("Gold", "200"), "defaultLocale": "de"}, ["input", "defaultLocale"], "INVALID"),
        (
            tier_input("Gold", "200", entryRewardId=encode_id("Reward", 999_999)),
            ["input", "entryRewardId"],
            "NOT_FOUND",
        ),
    ],
)
async def test_bad_tiers_are_refused_and_change_nothing(shop, drain, input, field, code):
    await create(shop, "Silver", "100")
    await drain()
    before = await audit_actions(shop)
    result = await shop.gql(CREATE, {"input": input})
    payload = result["data"]["createTier"]
    assert payload["tier"] is None
    [error] = payload["userErrors"]
    assert (error["field"], error["code"]) == (field, code), error
    assert error["message"]
    assert await ladder(shop) == [("Silver", 1, "100.00")]
    assert await audit_actions(shop) == before
    assert (await shop.gql(RETIER))["data"]["tierRetier"]["cause"] == "tier.created"
    assert len(await rows("select id from tier_retier_runs where merchant_id = :m", m=shop.id)) == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"threshold": "500"}, "threshold"),  # equal to Gold's: overlapping
        ({"threshold": "600"}, "threshold"),  # above Gold's: non-increasing
        ({"multiplier": "0"}, "multiplier"),
        ({"multiplier": "11"}, "multiplier"),
        ({"names": None}, "names"),
    ],
)
async def test_bad_updates_are_refused_and_change_nothing(shop, drain, change, field):
    silver = (await create(shop, "Silver", "100"))["tier"]
    await create(shop, "Gold", "500")
    await drain()
    payload = (await shop.gql(UPDATE, {"id": silver["id"], "input": change}))["data"]["updateTier"]
    assert payload["tier"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(["input", field], "INVALID")]
    assert await ladder(shop) == [("Silver", 1, "100.00"), ("Gold", 2, "500.00")]
    assert await audit_actions(shop) == ["tier.created", "tier.created"]


async def test_a_shop_has_at_most_ten_tiers(shop, drain):
    for n in range(10):
        assert (await create(shop, f"T{n}", str(100 * (n + 1))))["userErrors"] == []
    payload = await create(shop, "Eleventh", "5000")
    assert payload["tier"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(["input", "rank"], "INVALID")]
    assert payload["userErrors"][0]["message"] == "a shop has at most 10 tiers"
    assert len(await ladder(shop)) == 10
    await drain()


async def test_another_shops_tiers_are_not_found_and_nothing_changes(make_shop, drain):
    a, b = await make_shop(), await make_shop()
    b_tier = (await create(b, "B Gold", "100"))["tier"]
    await drain()
    read = await a.gql("query ($id: ID!) { tier(id: $id) { id } node(id: $id) { id } }", {"id": b_tier["id"]})
    assert read["data"] == {"tier": None, "node": None}
    for query, variables, root in (
        (UPDATE, {"id": b_tier["id"], "input": {"multiplier": "5"}}, "updateTier"),
        (DELETE, {"id": b_tier["id"]}, "deleteTier"),
    ):
        payload = (await a.gql(query, variables))["data"][root]
        assert payload["tier"] is None
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(["id"], "NOT_FOUND")]
    assert (await a.gql(LADDER))["data"]["tiers"] == []
    assert await ladder(b) == [("B Gold", 1, "100.00")]
    assert (await b.gql(LADDER))["data"]["tiers"][0]["threshold"] == "100.00"
    # B's tier kept its multiplier; A audited nothing
    assert (await b.gql("query ($id: ID!) { tier(id: $id) { multiplier } }", {"id": b_tier["id"]}))["data"][
        "tier"
    ]["multiplier"] == "1.00"
    assert await audit_actions(a) == []


@pytest.mark.parametrize("role", ["admin:points", "admin:analytics", "admin:support"])
async def test_only_admin_full_configures_tiers_and_every_staff_role_reads_them(shop, drain, role):
    gold = (await create(shop, "Gold", "100"))["tier"]
    await drain()
    token = shop.token(roles=[role])
    for query, variables in (
        (CREATE, {"input": tier_input("Black", "900")}),
        (UPDATE, {"id": gold["id"], "input": {"multiplier": "3"}}),
        (DELETE, {"id": gold["id"]}),
        (UPDATE_SETTINGS, {"input": {"metric": "ORDERS"}}),
    ):
        result = await shop.gql(query, variables, token=token)
        refused_roots(result)
        assert error_codes(result) == ["FORBIDDEN"]
    assert await ladder(shop) == [("Gold", 1, "100.00")]
    read = await shop.gql("{ tiers { name } tierSettings { metric } tierRetier { status } }", token=token)
    assert read["data"] == {
        "tiers": [{"name": "Gold"}],
        "tierSettings": {"metric": "POINTS"},
        "tierRetier": {"status": "done"},
    }


async def test_a_storefront_customer_cannot_configure_tiers(shop, proxy):
    result = await proxy(shop, 77, CREATE, {"input": tier_input("Gold", "100")})
    refused_roots(result)
    assert await ladder(shop) == []
