"""Campaigns through /graphql: staff create, read, list, edit, pause, resume and archive
campaigns and set the shop's cap; bad input is a userError that changes nothing; every
change is audited; only admin:full configures, admin:analytics reads results; and the
storefront sees the campaigns that apply to it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from loyalnest.platform.timeutil import utcnow
from tests.contexts.campaigns import support
from tests.contexts.support import rows
from tests.graphql.conftest import only_error, refused_roots

FIELDS = """
id name status endedReason startsAt endsAt daysOfWeek hours { from to } effect multiplier bonusPoints
triggers stacking priority exclusiveOfAll maxUsesPerCustomer maxPointsPerCustomer pointsBudget version
defaultLocale description descriptions { locale text }
conditions { minOrderAmount productIds productTags tierIds customerTags firstOrder everyNthOrder }
discount { kind value code state shopifyDiscountId error }
"""
CREATE = f"""
mutation ($input: CampaignInput!) {{
  createCampaign(input: $input) {{ campaign {{ {FIELDS} }} userErrors {{ field message code }} }}
}}
"""
UPDATE = f"""
mutation ($id: ID!, $input: CampaignUpdateInput!) {{
  updateCampaign(id: $id, input: $input) {{ campaign {{ {FIELDS} }} userErrors {{ field message code }} }}
}}
"""
STATUS_CHANGE = """
mutation ($id: ID!) {{ {name}(id: $id) {{ campaign {{ id status }} userErrors {{ field message code }} }} }}
"""
ONE = """
query ($id: ID!) {
  campaign(id: $id) { id name fr: description(locale: "fr-CA") de: description(locale: "de")
    results { pointsIssued ordersAffected customersReached revenue discountUses } }
}
"""
LIST = """
query ($status: [CampaignStatus!], $first: Int, $after: String) {
  campaigns(status: $status, first: $first, after: $after) {
    nodes { id name status } pageInfo { hasNextPage endCursor } totalCount
  }
}
"""
SETTINGS = "{ campaignSettings { maxTotalMultiplier updatedAt } }"
SET_CAP = """
mutation ($cap: Decimal!) {
  updateCampaignSettings(maxTotalMultiplier: $cap) {
    campaignSettings { maxTotalMultiplier } userErrors { field message code }
  }
}
"""
NODE = "query ($id: ID!) { node(id: $id) { id ... on Campaign { name } } }"


def double(**changes):
    return {
        "name": "Double weekend",
        "effect": "MULTIPLIER",
        "multiplier": "2",
        "descriptions": [
            {"locale": "en", "text": "Double points"},
            {"locale": "fr", "text": "Points doublés"},
        ],
        **changes,
    }


async def create(shop, token=None, **changes):
    result = await shop.gql(CREATE, {"input": double(**changes)}, token=token)
    assert "errors" not in result, result
    return result["data"]["createCampaign"]


async def test_staff_create_every_effect_and_read_it_back(shop):
    ends = (utcnow() + timedelta(days=3)).replace(microsecond=0)
    created = await create(
        shop,
        endsAt=ends.isoformat(),
        daysOfWeek=["SATURDAY", "SUNDAY"],
        hours={"from": 9, "to": 21},
        conditions={
            "minOrderAmount": "25.5",
            "productIds": ["gid://shopify/Product/7", "8"],
            "firstOrder": True,
        },
        maxUsesPerCustomer=2,
        pointsBudget=10000,
        stacking="EXCLUSIVE",
        priority=3,
        exclusiveOfAll=True,
        discount={"kind": "PERCENTAGE", "value": "15", "code": "WEEKEND15"},
    )
    assert created["userErrors"] == []
    campaign = created["campaign"]
    assert campaign["status"] == "ACTIVE"
    assert campaign["daysOfWeek"] == ["SATURDAY", "SUNDAY"]
    assert campaign["hours"] == {"from": 9, "to": 21}
    assert (campaign["effect"], campaign["multiplier"], campaign["triggers"]) == (
        "MULTIPLIER",
        "2.00",
        ["ORDER"],
    )
    assert campaign["conditions"] == {
        "minOrderAmount": "25.50",
        "productIds": ["7", "8"],
        "productTags": [],
        "tierIds": [],
        "customerTags": [],
        "firstOrder": True,
        "everyNthOrder": None,
    }
    assert campaign["discount"]["code"] == "WEEKEND15"
    assert (campaign["stacking"], campaign["priority"], campaign["exclusiveOfAll"]) == ("EXCLUSIVE", 3, True)
    assert campaign["description"] == "Double points"

    others = [
        await create(shop, name="Order bonus", effect="ORDER_BONUS", multiplier=None, bonusPoints=50),
        await create(
            shop, name="Units", effect="PRODUCT_UNIT_BONUS", multiplier=None, bonusPoints=10,
            conditions={"productTags": ["New"]},
        ),
        await create(
            shop, name="Lines", effect="PRODUCT_LINE_BONUS", multiplier=None, bonusPoints=5,
            conditions={"productIds": ["9"]},
        ),
        await create(
            shop, name="Signup", effect="TRIGGER_BONUS", multiplier=None, bonusPoints=100,
            triggers=["SIGNUP"], conditions={"customerTags": ["VIP"]},
            startsAt=(utcnow() + timedelta(days=1)).isoformat(),
        ),
    ]  # fmt: skip
    assert [o["userErrors"] for o in others] == [[], [], [], []]
    assert others[1]["campaign"]["conditions"]["productTags"] == ["new"]
    assert others[3]["campaign"]["status"] == "SCHEDULED"

    read = (await shop.gql(ONE, {"id": campaign["id"]}))["data"]["campaign"]
    assert (read["fr"], read["de"]) == ("Points doublés", "Double points")
    assert read["results"] == {
        "pointsIssued": 0,
        "ordersAffected": 0,
        "customersReached": 0,
        "revenue": "0.00",
        "discountUses": 0,
    }
    assert (await shop.gql(NODE, {"id": campaign["id"]}))["data"]["node"]["name"] == "Double weekend"
    listed = await shop.gql(LIST, {"first": 2})
    page = listed["data"]["campaigns"]
    assert ([n["name"] for n in page["nodes"]], page["totalCount"]) == (["Double weekend", "Order bonus"], 5)
    following = await shop.gql(LIST, {"first": 10, "after": page["pageInfo"]["endCursor"]})
    assert [n["name"] for n in following["data"]["campaigns"]["nodes"]] == ["Units", "Lines", "Signup"]
    scheduled = await shop.gql(LIST, {"status": ["SCHEDULED"]})
    assert [n["name"] for n in scheduled["data"]["campaigns"]["nodes"]] == ["Signup"]
    assert await support.audit_actions(shop.id) == ["campaign.created"] * 5


def _past():
    return (utcnow() - timedelta(days=1)).isoformat()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"startsAt": "2030-02-01T00:00:00Z", "endsAt": "2030-01-01T00:00:00Z"}, ["input", "endsAt"]),
        ({"startsAt": "2020-01-01T00:00:00Z", "endsAt": "2020-02-01T00:00:00Z"}, ["input", "endsAt"]),
        (
            {"conditions": {"productIds": [str(i) for i in range(1, 10_002)]}},
            ["input", "conditions", "productIds"],
        ),
        ({"multiplier": "1"}, ["input", "multiplier"]),
        ({"multiplier": "0"}, ["input", "multiplier"]),
        ({"multiplier": "-2"}, ["input", "multiplier"]),
        ({"multiplier": "10.01"}, ["input", "multiplier"]),
        ({"multiplier": None}, ["input", "multiplier"]),
        ({"effect": "ORDER_BONUS", "multiplier": None}, ["input", "bonusPoints"]),
        ({"effect": "TRIGGER_BONUS", "multiplier": None, "bonusPoints": 5}, ["input", "triggers"]),
        ({"effect": "PRODUCT_UNIT_BONUS", "multiplier": None, "bonusPoints": 5}, ["input", "conditions"]),
        ({"name": " "}, ["input", "name"]),
        ({"hours": {"from": 5, "to": 5}}, ["input", "hours"]),
        ({"daysOfWeek": []}, ["input", "daysOfWeek"]),
        ({"conditions": {"everyNthOrder": 1}}, ["input", "conditions", "nthOrder"]),
        ({"conditions": {"productIds": ["shoes"]}}, ["input", "conditions", "productIds"]),
        ({"pointsBudget": 0}, ["input", "pointsBudget"]),
        ({"exclusiveOfAll": True}, ["input", "exclusiveOfAll"]),
        ({"discount": {"kind": "PERCENTAGE", "value": "101", "code": "X"}}, ["input", "discount", "value"]),
        (
            {"discount": {"kind": "PERCENTAGE", "value": "10", "code": "TWO WORDS"}},
            ["input", "discount", "code"],
        ),
    ],
)
async def test_bad_input_is_a_user_error_and_creates_nothing(shop, changes, field):
    result = await create(shop, **changes)
    assert result["campaign"] is None
    [error] = result["userErrors"]
    assert (error["field"], error["code"]) == (field, "INVALID"), error
    assert (await shop.gql(LIST, {}))["data"]["campaigns"]["totalCount"] == 0
    assert await support.audit_actions(shop.id) == []


async def test_another_shops_tier_is_not_found(make_shop):
    shop = await make_shop()
    from loyalnest.graphql.core.ids import encode_id

    result = await create(shop, conditions={"tierIds": [encode_id("Tier", 999_999_999)]})
    assert result["userErrors"] == [
        {"field": ["input", "conditions", "tierIds"], "message": "tier not found", "code": "NOT_FOUND"}
    ]


async def test_editing_a_running_campaigns_effect_is_audited_from_to(shop, broker):
    await support.enable_rule(shop.id, "custom")
    campaign = (await create(shop, triggers=["CUSTOM"]))["campaign"]
    customer = await support.make_customer(shop.id)
    await support.award_custom(shop.id, customer, 100)

    changed = await shop.gql(UPDATE, {"id": campaign["id"], "input": {"multiplier": "3", "name": "Triple"}})
    payload = changed["data"]["updateCampaign"]
    assert payload["userErrors"] == []
    assert (payload["campaign"]["multiplier"], payload["campaign"]["version"]) == ("3.00", 2)
    await support.award_custom(shop.id, customer, 100)
    assert await support.campaign_rows(shop.id) == [("campaign", 100), ("campaign", 200)]  # from then on

    [entry] = await rows(
        "select details from audit_entries where merchant_id = :m and action = 'campaign.updated'", m=shop.id
    )
    assert entry["details"]["changes"] == {
        "multiplier": {"from": "2.00", "to": "3"},
        "name": {"from": "Double weekend", "to": "Triple"},
    }
    # nothing to change: no new version, no audit entry
    same = await shop.gql(UPDATE, {"id": campaign["id"], "input": {"name": "Triple"}})
    assert same["data"]["updateCampaign"]["campaign"]["version"] == 2
    refused = await shop.gql(UPDATE, {"id": campaign["id"], "input": {"multiplier": "11"}})
    assert refused["data"]["updateCampaign"]["userErrors"][0]["field"] == ["input", "multiplier"]
    assert (await support.audit_actions(shop.id)).count("campaign.updated") == 1


async def test_pause_resume_archive(shop):
    campaign = (await create(shop))["campaign"]

    async def change(name):
        result = await shop.gql(STATUS_CHANGE.format(name=name), {"id": campaign["id"]})
        return result["data"][name]

    assert (await change("pauseCampaign"))["campaign"]["status"] == "PAUSED"
    assert (await change("pauseCampaign"))["campaign"]["status"] == "PAUSED"  # again: nothing changes
    assert (await change("resumeCampaign"))["campaign"]["status"] == "ACTIVE"
    assert (await change("archiveCampaign"))["campaign"]["status"] == "ARCHIVED"
    refused = await change("resumeCampaign")
    assert refused == {"campaign": None, "userErrors": [
        {"field": ["id"], "message": "an archived campaign cannot be resumed", "code": "INVALID"}
    ]}  # fmt: skip
    edit = await shop.gql(UPDATE, {"id": campaign["id"], "input": {"name": "x"}})
    assert edit["data"]["updateCampaign"]["userErrors"][0]["code"] == "INVALID"
    assert await support.audit_actions(shop.id) == [
        "campaign.created",
        "campaign.paused",
        "campaign.resumed",
        "campaign.archived",
    ]
    assert (await shop.gql(LIST, {}))["data"]["campaigns"]["totalCount"] == 0
    assert (await shop.gql(LIST, {"status": ["ARCHIVED"]}))["data"]["campaigns"]["totalCount"] == 1


async def test_the_shops_multiplier_cap(shop):
    assert (await shop.gql(SETTINGS))["data"]["campaignSettings"] == {
        "maxTotalMultiplier": "5.00",
        "updatedAt": None,
    }
    for bad in ("0.99", "0", "-1", "101"):
        result = (await shop.gql(SET_CAP, {"cap": bad}))["data"]["updateCampaignSettings"]
        assert result["campaignSettings"] is None
        assert [(e["field"], e["code"]) for e in result["userErrors"]] == [
            (["input", "maxTotalMultiplier"], "INVALID")
        ]
    ok = (await shop.gql(SET_CAP, {"cap": "3"}))["data"]["updateCampaignSettings"]
    assert ok == {"campaignSettings": {"maxTotalMultiplier": "3.00"}, "userErrors": []}
    assert (await shop.gql(SETTINGS))["data"]["campaignSettings"]["maxTotalMultiplier"] == "3.00"
    assert await support.audit_actions(shop.id) == ["campaign_settings.updated"]


async def test_roles(shop):
    campaign = (await create(shop))["campaign"]
    analyst = shop.token(roles=["admin:analytics"])
    support_staff = shop.token(roles=["admin:support"])

    for token in (analyst, support_staff):
        refused = await shop.gql(CREATE, {"input": double()}, token=token)
        refused_roots(refused)
        assert only_error(refused)["extensions"]["code"] == "FORBIDDEN"
        for query, variables in (
            (STATUS_CHANGE.format(name="pauseCampaign"), {"id": campaign["id"]}),
            (SET_CAP, {"cap": "2"}),
        ):
            assert (
                only_error(await shop.gql(query, variables, token=token))["extensions"]["code"] == "FORBIDDEN"
            )
    seen = await shop.gql(ONE, {"id": campaign["id"]}, token=analyst)
    assert seen["data"]["campaign"]["results"]["pointsIssued"] == 0
    hidden = await shop.gql(ONE, {"id": campaign["id"]}, token=support_staff)
    assert hidden["data"]["campaign"]["results"] is None
    assert only_error(hidden)["extensions"]["code"] == "FORBIDDEN"
    assert hidden["data"]["campaign"]["name"] == "Double weekend"
    assert (await support.status(shop.id, campaign_id_of(campaign))) == "active"
    assert await support.audit_actions(shop.id) == ["campaign.created"]


def campaign_id_of(campaign) -> int:
    from loyalnest.graphql.core.ids import decode_id

    found = decode_id(campaign["id"], "Campaign")
    assert found is not None
    return found


async def test_results_through_graphql(shop, broker):
    await support.enable_rule(shop.id, "custom")
    campaign = (await create(shop, triggers=["CUSTOM"], multiplier="1.5"))["campaign"]
    customer = await support.make_customer(shop.id)
    await support.award_custom(shop.id, customer, 100)
    await support.award_custom(shop.id, customer, 30)
    results = (await shop.gql(ONE, {"id": campaign["id"]}))["data"]["campaign"]["results"]
    assert results == {
        "pointsIssued": 65,
        "ordersAffected": 0,
        "customersReached": 1,
        "revenue": "0.00",
        "discountUses": 0,
    }
