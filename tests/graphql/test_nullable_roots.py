"""Root fields that can be refused are nullable: a refusal is an error on its own path and
never nulls the whole response (which would wipe the sibling fields a caller may read)."""

from __future__ import annotations

from tests.graphql.conftest import error_codes


async def test_me_refused_to_staff_leaves_shop(shop):
    result = await shop.gql("{ shop { domain } me { enrolled } }")
    assert result["data"] == {"shop": {"domain": shop.domain}, "me": None}
    assert [e["path"] for e in result["errors"]] == [["me"]]
    assert error_codes(result) == ["UNAUTHENTICATED"]


async def test_review_webhook_refused_to_a_role_leaves_shop(shop):
    result = await shop.gql(
        "{ shop { domain } reviewWebhook { secret } }", token=shop.token(roles=["admin:analytics"])
    )
    assert result["data"] == {"shop": {"domain": shop.domain}, "reviewWebhook": None}
    assert [e["path"] for e in result["errors"]] == [["reviewWebhook"]]
    assert error_codes(result) == ["FORBIDDEN"]


async def test_staff_roots_refused_to_a_storefront_customer_leave_me(shop, proxy):
    result = await proxy(shop, 77, "{ me { enrolled } shop { domain } earningRules { enabled } }")
    assert result["data"] == {"me": {"enrolled": False}, "shop": None, "earningRules": None}
    assert sorted(e["path"][0] for e in result["errors"]) == ["earningRules", "shop"]


async def test_a_refused_mutation_keeps_the_payload_of_one_that_ran(shop):
    # adjustPoints needs admin:points; updateProgramSettings needs admin:full
    result = await shop.gql(
        'mutation { a: updateProgramSettings(pointsPerCurrencyUnit: "2") { userErrors { code } }'
        " b: rotateReviewWebhookSecret { userErrors { code } } }",
        token=shop.token(roles=["admin:points"]),
    )
    assert result["data"] == {"a": None, "b": None}
    assert sorted(e["path"][0] for e in result["errors"]) == ["a", "b"]
    full = await shop.gql(
        'mutation { a: updateProgramSettings(pointsPerCurrencyUnit: "2") { userErrors { code } }'
        ' b: setMyBirthday(birthday: "1990-01-01") { userErrors { code } } }'
    )
    # the first ran and committed; the second (storefront only) is refused on its own path
    assert full["data"] == {"a": {"userErrors": []}, "b": None}
    assert [e["path"] for e in full["errors"]] == [["b"]]
    rate = (await shop.gql("{ shop { programSettings { pointsPerCurrencyUnit } } }"))["data"]
    assert rate["shop"]["programSettings"]["pointsPerCurrencyUnit"] == "2.0000"
