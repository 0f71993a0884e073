"""The reward catalog through /graphql: staff create, read, update and archive rewards;
bad input is a userError that changes nothing; only admin:full manages the catalog."""

from __future__ import annotations

import pytest

from tests.contexts.rewards import support
from tests.graphql.conftest import only_error, refused_roots

FIELDS = """
id kind pointsCost value productVariantId minimumOrderAmount usageLimitPerCustomer startsAt endsAt
codeValidityDays defaultLocale title titles { locale title } archivedAt
"""
CREATE = f"""
mutation ($input: RewardInput!) {{
  createReward(input: $input) {{ reward {{ {FIELDS} }} userErrors {{ field message code }} }}
}}
"""
UPDATE = f"""
mutation ($id: ID!, $input: RewardUpdateInput!) {{
  updateReward(id: $id, input: $input) {{ reward {{ {FIELDS} }} userErrors {{ field message code }} }}
}}
"""
ARCHIVE = """
mutation ($id: ID!) { archiveReward(id: $id) { reward { id archivedAt } userErrors { field message code } } }
"""
LIST = """
query ($first: Int, $after: String, $archived: Boolean!) {
  rewards(first: $first, after: $after, includeArchived: $archived) {
    nodes { id pointsCost archivedAt } pageInfo { hasNextPage endCursor }
  }
}
"""
ONE = (
    "query ($id: ID!) { reward(id: $id) { "
    + FIELDS
    + ' fr: title(locale: "fr-CA") de: title(locale: "de") } }'
)


def ten_off(**changes):
    return {
        "kind": "FIXED_AMOUNT",
        "pointsCost": 500,
        "value": "10",
        "titles": [{"locale": "en", "title": "$10 off"}, {"locale": "fr", "title": "10 $ de rabais"}],
        "defaultLocale": "en",
        **changes,
    }


async def create(shop, token=None, **changes):
    result = await shop.gql(CREATE, {"input": ten_off(**changes)}, token=token)
    assert "errors" not in result, result
    return result["data"]["createReward"]


async def test_staff_create_every_kind_and_read_it_back(shop):
    fixed = await create(shop, minimumOrderAmount="25.5", usageLimitPerCustomer=2, codeValidityDays=14)
    assert fixed["userErrors"] == []
    reward = fixed["reward"]
    assert reward == {
        "id": reward["id"],
        "kind": "FIXED_AMOUNT",
        "pointsCost": 500,
        "value": "10.00",
        "productVariantId": None,
        "minimumOrderAmount": "25.50",
        "usageLimitPerCustomer": 2,
        "startsAt": None,
        "endsAt": None,
        "codeValidityDays": 14,
        "defaultLocale": "en",
        "title": "$10 off",
        "titles": [{"locale": "en", "title": "$10 off"}, {"locale": "fr", "title": "10 $ de rabais"}],
        "archivedAt": None,
    }
    percent = await create(shop, kind="PERCENTAGE", value="12.5", startsAt="2026-01-01T00:00:00Z")
    shipping = await create(shop, kind="FREE_SHIPPING", value=None, endsAt="2099-01-01T00:00:00+02:00")
    product = await create(
        shop,
        kind="FREE_PRODUCT",
        value=None,
        productVariantId="gid://shopify/ProductVariant/9",
        pointsCost=900,
    )
    assert [r["userErrors"] for r in (percent, shipping, product)] == [[], [], []]
    assert percent["reward"]["value"] == "12.50"
    assert percent["reward"]["startsAt"] == "2026-01-01T00:00:00+00:00"
    assert shipping["reward"]["value"] is None
    assert shipping["reward"]["endsAt"] == "2098-12-31T22:00:00+00:00"
    assert shipping["reward"]["codeValidityDays"] == 30  # the default
    assert product["reward"]["productVariantId"] == "gid://shopify/ProductVariant/9"

    read = await shop.gql(ONE, {"id": reward["id"]})
    found = read["data"]["reward"]
    assert (found["fr"], found["de"]) == ("10 $ de rabais", "$10 off")  # language, then default
    listed = await shop.gql(LIST, {"first": 10, "archived": False})
    assert [n["pointsCost"] for n in listed["data"]["rewards"]["nodes"]] == [500, 500, 500, 900]
    assert await support.audit_actions(shop.id) == ["reward.created"] * 4


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"pointsCost": 0}, "pointsCost", "INVALID"),
        ({"pointsCost": -1}, "pointsCost", "INVALID"),
        ({"value": None}, "value", "INVALID"),
        ({"value": "0"}, "value", "INVALID"),
        ({"value": "10.001"}, "value", "INVALID"),
        ({"kind": "PERCENTAGE", "value": "101"}, "value", "INVALID"),
        ({"kind": "FREE_SHIPPING"}, "value", "INVALID"),
        ({"kind": "FREE_PRODUCT", "value": None}, "productVariantId", "INVALID"),
        ({"kind": "FREE_PRODUCT", "value": None, "productVariantId": "42"}, "productVariantId", "INVALID"),
        ({"productVariantId": "gid://shopify/ProductVariant/1"}, "productVariantId", "INVALID"),
        ({"minimumOrderAmount": "-5"}, "minimumOrderAmount", "INVALID"),
        ({"usageLimitPerCustomer": 0}, "usageLimitPerCustomer", "INVALID"),
        ({"startsAt": "2026-02-01T00:00:00Z", "endsAt": "2026-01-01T00:00:00Z"}, "endsAt", "INVALID"),
        ({"startsAt": "2026-02-01T00:00:00"}, "startsAt", "INVALID"),
        ({"codeValidityDays": 0}, "codeValidityDays", "INVALID"),
        ({"codeValidityDays": 400}, "codeValidityDays", "INVALID"),
        ({"titles": []}, "titles", "INVALID"),
        ({"titles": [{"locale": "english", "title": "x"}]}, "titles", "INVALID"),
        ({"titles": [{"locale": "en", "title": " "}]}, "titles", "INVALID"),
        ({"titles": [{"locale": "en", "title": "a\u0000b"}]}, "titles", "INVALID"),
        ({"titles": [{"locale": "en", "title": "a"}, {"locale": "EN", "title": "b"}]}, "titles", "INVALID"),
        ({"defaultLocale": "de"}, "defaultLocale", "INVALID"),
    ],
)
async def test_bad_rewards_are_user_errors_and_create_nothing(shop, changes, field, code):
    payload = await create(shop, **changes)
    assert payload["reward"] is None
    [error] = payload["userErrors"]
    assert (error["field"], error["code"]) == ([field], code), error
    assert error["message"]
    assert await support.count("rewards", shop.id) == 0


async def test_update_changes_what_is_given_and_keeps_the_rest(shop):
    reward = (await create(shop, minimumOrderAmount="20", usageLimitPerCustomer=3))["reward"]

    changed = await shop.gql(
        UPDATE,
        {
            "id": reward["id"],
            "input": {
                "pointsCost": 450,
                "minimumOrderAmount": None,  # cleared
                "titles": [{"locale": "en-GB", "title": "£10 off"}],
                "defaultLocale": "en-gb",
            },
        },
    )
    payload = changed["data"]["updateReward"]
    assert payload["userErrors"] == []
    updated = payload["reward"]
    assert (updated["pointsCost"], updated["minimumOrderAmount"], updated["usageLimitPerCustomer"]) == (
        450,
        None,
        3,
    )
    assert (updated["defaultLocale"], updated["title"], updated["value"]) == ("en-GB", "£10 off", "10.00")
    assert updated["titles"] == [{"locale": "en-GB", "title": "£10 off"}]

    # a change that makes the reward invalid is refused as a whole
    refused = await shop.gql(
        UPDATE, {"id": reward["id"], "input": {"kind": "FREE_SHIPPING", "pointsCost": 1}}
    )
    assert refused["data"]["updateReward"]["reward"] is None
    assert refused["data"]["updateReward"]["userErrors"][0]["field"] == ["value"]
    for null_required in ({"pointsCost": None}, {"kind": None}, {"titles": None}, {"codeValidityDays": None}):
        result = await shop.gql(UPDATE, {"id": reward["id"], "input": null_required})
        [error] = result["data"]["updateReward"]["userErrors"]
        assert error["code"] == "INVALID"
    again = (await shop.gql(ONE, {"id": reward["id"]}))["data"]["reward"]
    assert (again["kind"], again["pointsCost"]) == ("FIXED_AMOUNT", 450)

    # switching kind with the fields it needs works; an empty update changes nothing
    switched = await shop.gql(UPDATE, {"id": reward["id"], "input": {"kind": "FREE_SHIPPING", "value": None}})
    assert switched["data"]["updateReward"]["reward"]["kind"] == "FREE_SHIPPING"
    same = await shop.gql(UPDATE, {"id": reward["id"], "input": {}})
    assert same["data"]["updateReward"]["reward"]["kind"] == "FREE_SHIPPING"
    assert await support.audit_actions(shop.id) == ["reward.created", "reward.updated", "reward.updated"]


async def test_archived_rewards_leave_the_catalog_but_stay_readable(shop):
    first = (await create(shop, pointsCost=100))["reward"]["id"]
    second = (await create(shop, pointsCost=200))["reward"]["id"]
    third = (await create(shop, pointsCost=300))["reward"]["id"]

    archived = await shop.gql(ARCHIVE, {"id": second})
    stamp = archived["data"]["archiveReward"]["reward"]["archivedAt"]
    assert stamp is not None
    again = await shop.gql(ARCHIVE, {"id": second})  # archiving twice changes nothing
    assert again["data"]["archiveReward"] == {"reward": {"id": second, "archivedAt": stamp}, "userErrors": []}

    active = await shop.gql(LIST, {"first": 10, "archived": False})
    assert [n["id"] for n in active["data"]["rewards"]["nodes"]] == [first, third]
    page = await shop.gql(LIST, {"first": 2, "archived": True})
    assert [n["id"] for n in page["data"]["rewards"]["nodes"]] == [first, second]
    assert page["data"]["rewards"]["pageInfo"]["hasNextPage"] is True
    rest = await shop.gql(
        LIST, {"first": 2, "archived": True, "after": page["data"]["rewards"]["pageInfo"]["endCursor"]}
    )
    assert [n["id"] for n in rest["data"]["rewards"]["nodes"]] == [third]
    assert (await shop.gql(ONE, {"id": second}))["data"]["reward"]["archivedAt"] == stamp

    frozen = await shop.gql(UPDATE, {"id": second, "input": {"pointsCost": 1}})
    assert frozen["data"]["updateReward"]["userErrors"] == [
        {"field": ["id"], "message": "an archived reward cannot be changed", "code": "REWARD_ARCHIVED"}
    ]


async def test_unknown_ids_are_not_found(shop):
    for bad in ("nope", "Q3VzdG9tZXI6MQ", "UmV3YXJkOjk5OTk5OTk5OQ"):  # garbage, a Customer id, no such reward
        assert (await shop.gql(ONE, {"id": bad}))["data"]["reward"] is None
        for mutation, name, variables in (
            (UPDATE, "updateReward", {"id": bad, "input": {"pointsCost": 5}}),
            (ARCHIVE, "archiveReward", {"id": bad}),
        ):
            result = await shop.gql(mutation, variables)
            assert result["data"][name]["userErrors"][0]["code"] == "NOT_FOUND"


@pytest.mark.parametrize("roles", [["admin:points"], ["admin:support"], ["admin:analytics"]])
async def test_only_admin_full_manages_the_catalog(shop, roles):
    reward = (await create(shop))["reward"]["id"]
    token = shop.token(roles=roles)
    for mutation, variables in (
        (CREATE, {"input": ten_off()}),
        (UPDATE, {"id": reward, "input": {"pointsCost": 1}}),
        (ARCHIVE, {"id": reward}),
    ):
        result = await shop.gql(mutation, variables, token=token)
        refused_roots(result)
        assert only_error(result)["extensions"]["code"] == "FORBIDDEN"
    # every staff role reads the catalog
    listed = await shop.gql(LIST, {"first": 5, "archived": False}, token=token)
    assert [n["pointsCost"] for n in listed["data"]["rewards"]["nodes"]] == [500]
    assert await support.count("rewards", shop.id) == 1


async def test_the_catalog_is_for_staff(shop, proxy):
    result = await proxy(shop, 1, LIST, {"first": 5, "archived": False})
    assert only_error(result)["extensions"]["code"] == "UNAUTHENTICATED"
    created = await proxy(shop, 1, CREATE, {"input": ten_off()})
    assert only_error(created)["extensions"]["code"] == "UNAUTHENTICATED"
