"""The earning fields over HTTP: earningRules / updateEarningRule (purchase included,
delegated to the program settings), the review-webhook secret, awardPoints,
setCustomerBirthday, and the storefront's setMyBirthday and me.waysToEarn."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from loyalnest.contexts.audit import api as audit
from tests import payloads
from tests.graphql.conftest import balance_of, customer_gid, error_codes, only_error, refused_roots

RULES = """
{ earningRules { trigger enabled points updatedAt
  purchase { pointsPerCurrencyUnit rounding earnOnShipping earnOnTax minOrderAmount excludedProductIds } } }
"""
UPDATE = """
mutation ($t: EarningTrigger!, $i: EarningRuleInput!) {
  updateEarningRule(trigger: $t, input: $i) {
    earningRule { trigger enabled points
      purchase { pointsPerCurrencyUnit rounding earnOnShipping earnOnTax minOrderAmount excludedProductIds } }
    userErrors { field message code }
  }
}
"""
AWARD = """
mutation ($c: ID!, $p: Int, $r: String!, $k: String!) {
  awardPoints(customerId: $c, points: $p, reason: $r, idempotencyKey: $k) {
    transaction { id delta kind source reason actor balanceAfter }
    customer { id pointsBalance }
    userErrors { field message code }
  }
}
"""
SET_BIRTHDAY = """
mutation ($c: ID!, $b: Date) {
  setCustomerBirthday(customerId: $c, birthday: $b) {
    customer { id birthday }
    userErrors { field message code }
  }
}
"""
SET_MY_BIRTHDAY = """
mutation ($b: Date!) { setMyBirthday(birthday: $b) { birthday userErrors { field message code } } }
"""


def _rules(result: dict) -> dict[str, dict]:
    assert "errors" not in result, result
    return {rule["trigger"]: rule for rule in result["data"]["earningRules"]}


async def update(shop, trigger: str, token: str | None = None, **changes) -> dict:
    result = await shop.gql(UPDATE, {"t": trigger, "i": changes}, token=token)
    payload = (result.get("data") or {}).get("updateEarningRule")
    return payload if payload is not None else result


@pytest.fixture
async def program_shop(make_shop):
    return await make_shop(shipped_program=True)


@pytest.fixture
async def customer(shop, drain):
    await shop.webhook(
        "orders/create", payloads.order(1, subtotal="10.00", customer_body=payloads.customer(31))
    )
    await drain()
    return await customer_gid(shop, 31)


# --- earningRules / updateEarningRule ------------------------------------------------------


async def test_the_shipped_program_lists_every_way_to_earn_with_the_defaults(program_shop):
    rules = _rules(await program_shop.gql(RULES))
    assert list(rules) == ["PURCHASE", "SIGNUP", "NEWSLETTER", "BIRTHDAY", "REVIEW", "CUSTOM"]
    assert {t: (r["enabled"], r["points"]) for t, r in rules.items()} == {
        "PURCHASE": (True, None),
        "SIGNUP": (True, 200),
        "NEWSLETTER": (True, 100),
        "BIRTHDAY": (True, 200),
        "REVIEW": (True, 100),
        "CUSTOM": (True, 100),
    }
    assert rules["PURCHASE"]["purchase"] == {
        "pointsPerCurrencyUnit": "10.0000",
        "rounding": "DOWN",
        "earnOnShipping": False,
        "earnOnTax": False,
        "minOrderAmount": None,
        "excludedProductIds": [],
    }
    assert all(r["purchase"] is None for t, r in rules.items() if t != "PURCHASE")


async def test_the_bare_test_program_has_them_all_off(shop):
    rules = _rules(await shop.gql(RULES))
    assert {t: r["enabled"] for t, r in rules.items()} == {
        "PURCHASE": True,
        "SIGNUP": False,
        "NEWSLETTER": False,
        "BIRTHDAY": False,
        "REVIEW": False,
        "CUSTOM": False,
    }


async def test_updating_a_rule_changes_it_and_is_audited(program_shop):
    payload = await update(program_shop, "SIGNUP", enabled=False, points=350)
    assert payload == {
        "earningRule": {"trigger": "SIGNUP", "enabled": False, "points": 350, "purchase": None},
        "userErrors": [],
    }
    assert _rules(await program_shop.gql(RULES))["SIGNUP"]["points"] == 350
    # an update that changes nothing writes no audit row
    await update(program_shop, "SIGNUP", points=350)
    [entry] = await audit.list_recent(program_shop.id)
    assert (entry.action, entry.target_type, entry.target_id, entry.actor) == (
        "earning_rule.updated",
        "EarningRule",
        "signup",
        "staff:1",
    )
    assert entry.details == {"enabled": {"from": True, "to": False}, "points": {"from": 200, "to": 350}}


async def test_purchase_options_are_the_program_settings(program_shop):
    payload = await update(
        program_shop,
        "PURCHASE",
        enabled=False,
        purchase={
            "pointsPerCurrencyUnit": "2.5",
            "rounding": "NEAREST",
            "earnOnShipping": True,
            "minOrderAmount": "25.00",
            "excludedProductIds": ["123", "gid://shopify/Product/456"],
        },
    )
    assert payload["userErrors"] == []
    assert payload["earningRule"] == {
        "trigger": "PURCHASE",
        "enabled": False,
        "points": None,
        "purchase": {
            "pointsPerCurrencyUnit": "2.5000",
            "rounding": "NEAREST",
            "earnOnShipping": True,
            "earnOnTax": False,
            "minOrderAmount": "25.0000",
            "excludedProductIds": ["123", "456"],
        },
    }
    settings = (await program_shop.gql("{ shop { programSettings { pointsPerCurrencyUnit } } }"))["data"]
    assert settings["shop"]["programSettings"]["pointsPerCurrencyUnit"] == "2.5000"
    assert [e.action for e in await audit.list_recent(program_shop.id)] == ["program_settings.updated"]
    # 0 removes the minimum, an empty list the exclusions
    cleared = await update(
        program_shop, "PURCHASE", purchase={"minOrderAmount": "0", "excludedProductIds": []}
    )
    assert cleared["earningRule"]["purchase"]["minOrderAmount"] is None
    assert cleared["earningRule"]["purchase"]["excludedProductIds"] == []


async def test_test_orders_earn_through_the_purchase_rule(program_shop):
    """Off by default; the purchase input turns it on and the program settings show it."""
    query = "{ earningRules { trigger purchase { testOrdersEarn } } }"
    before = {r["trigger"]: r for r in (await program_shop.gql(query))["data"]["earningRules"]}
    assert before["PURCHASE"]["purchase"] == {"testOrdersEarn": False}
    result = await program_shop.gql(
        """mutation { updateEarningRule(trigger: PURCHASE, input: {purchase: {testOrdersEarn: true}}) {
             earningRule { purchase { testOrdersEarn } } userErrors { field message code } } }"""
    )
    assert result["data"]["updateEarningRule"] == {
        "earningRule": {"purchase": {"testOrdersEarn": True}},
        "userErrors": [],
    }
    settings = await program_shop.gql("{ shop { programSettings { testOrdersEarn } } }")
    assert settings["data"]["shop"]["programSettings"] == {"testOrdersEarn": True}
    (entry,) = await audit.list_recent(program_shop.id)
    assert entry.details == {"test_orders_earn": {"from": "False", "to": "True"}}


async def test_when_orders_earn_through_the_purchase_rule(program_shop):
    """ORDER_CREATED by default; the purchase input changes it, audited, and the program
    settings show the same."""
    query = "{ earningRules { trigger purchase { earnOn } } }"
    before = {r["trigger"]: r for r in (await program_shop.gql(query))["data"]["earningRules"]}
    assert before["PURCHASE"]["purchase"] == {"earnOn": "ORDER_CREATED"}
    result = await program_shop.gql(
        """mutation { updateEarningRule(trigger: PURCHASE, input: {purchase: {earnOn: ORDER_FULFILLED}}) {
             earningRule { purchase { earnOn } } userErrors { field message code } } }"""
    )
    assert result["data"]["updateEarningRule"] == {
        "earningRule": {"purchase": {"earnOn": "ORDER_FULFILLED"}},
        "userErrors": [],
    }
    settings = await program_shop.gql("{ shop { programSettings { earnOn } } }")
    assert settings["data"]["shop"]["programSettings"] == {"earnOn": "ORDER_FULFILLED"}
    (entry,) = await audit.list_recent(program_shop.id)
    assert entry.details == {"earn_on": {"from": "order_created", "to": "order_fulfilled"}}
    # under a role without admin:full, refused and unchanged
    refused = await program_shop.gql(
        """mutation { updateEarningRule(trigger: PURCHASE, input: {purchase: {earnOn: ORDER_PAID}}) {
             userErrors { code } } }""",
        token=program_shop.token(roles=["admin:analytics"]),
    )
    assert error_codes(refused) == ["FORBIDDEN"]
    settings = await program_shop.gql("{ shop { programSettings { earnOn } } }")
    assert settings["data"]["shop"]["programSettings"] == {"earnOn": "ORDER_FULFILLED"}


@pytest.mark.parametrize(
    ("trigger", "changes", "field", "code"),
    [
        ("SIGNUP", {"points": 0}, ["input", "points"], "INVALID"),
        ("REVIEW", {"points": -5}, ["input", "points"], "INVALID"),
        ("CUSTOM", {"points": 1_000_001}, ["input", "points"], "INVALID"),
        ("BIRTHDAY", {"purchase": {"earnOnTax": True}}, ["input", "purchase"], "INVALID"),
        ("PURCHASE", {"points": 10}, ["input", "points"], "INVALID"),
        (
            "PURCHASE",
            {"purchase": {"pointsPerCurrencyUnit": "-1"}},
            ["input", "purchase", "pointsPerCurrencyUnit"],
            "INVALID",
        ),
        (
            "PURCHASE",
            {"purchase": {"minOrderAmount": "-3"}},
            ["input", "purchase", "minOrderAmount"],
            "INVALID",
        ),
        (
            "PURCHASE",
            {"purchase": {"excludedProductIds": ["shoe"]}},
            ["input", "purchase", "excludedProductIds"],
            "INVALID",
        ),
    ],
)
async def test_bad_input_is_a_user_error_and_changes_nothing(program_shop, trigger, changes, field, code):
    before = await program_shop.gql(RULES)
    payload = await update(program_shop, trigger, **changes)
    assert payload["earningRule"] is None
    [error] = payload["userErrors"]
    assert (error["field"], error["code"]) == (field, code)
    assert error["message"]
    assert await program_shop.gql(RULES) == before
    assert await audit.list_recent(program_shop.id) == []


async def test_points_outside_int32_are_refused_by_graphql(program_shop):
    result = await program_shop.gql(UPDATE, {"t": "SIGNUP", "i": {"points": 2**31}})
    assert result["data"] is None
    assert "Int cannot represent" in only_error(result)["message"]


async def test_only_admin_full_changes_rules_every_staff_role_reads_them(program_shop):
    for role in ("admin:points", "admin:analytics", "admin:support"):
        token = program_shop.token(roles=[role])
        refused = await update(program_shop, "SIGNUP", token=token, points=5)
        refused_roots(refused)
        assert only_error(refused)["extensions"]["code"] == "FORBIDDEN"
        assert len(_rules(await program_shop.gql(RULES, token=token))) == 6
    assert _rules(await program_shop.gql(RULES))["SIGNUP"]["points"] == 200


# --- review webhook secret -----------------------------------------------------------------


async def test_review_webhook_secret_is_for_admin_full(program_shop):
    query = "{ reviewWebhook { secret signatureHeader endpoints { provider path } createdAt rotatedAt } }"
    first = (await program_shop.gql(query))["data"]["reviewWebhook"]
    again = (await program_shop.gql(query))["data"]["reviewWebhook"]
    assert first == again  # created once, then the same
    assert len(first["secret"]) >= 40
    assert first["signatureHeader"] == "X-LoyalNest-Hmac-Sha256"
    assert first["endpoints"] == [
        {"provider": "judgeme", "path": f"/webhooks/reviews/judgeme?shop={program_shop.domain}"},
        {"provider": "yotpo", "path": f"/webhooks/reviews/yotpo?shop={program_shop.domain}"},
    ]
    assert first["rotatedAt"] is None
    for role in ("admin:points", "admin:support", "admin:analytics"):
        token = program_shop.token(roles=[role])
        for document in (query, "mutation { rotateReviewWebhookSecret { userErrors { code } } }"):
            refused = await program_shop.gql(document, token=token)
            refused_roots(refused)
            assert only_error(refused)["extensions"]["code"] == "FORBIDDEN"
    assert (await program_shop.gql(query))["data"]["reviewWebhook"]["secret"] == first["secret"]


async def test_rotating_the_secret_is_audited_without_it(program_shop):
    old = (await program_shop.gql("{ reviewWebhook { secret } }"))["data"]["reviewWebhook"]["secret"]
    rotated = await program_shop.gql(
        "mutation { rotateReviewWebhookSecret { reviewWebhook { secret rotatedAt } userErrors { code } } }"
    )
    payload = rotated["data"]["rotateReviewWebhookSecret"]
    assert payload["userErrors"] == []
    assert payload["reviewWebhook"]["secret"] != old
    assert payload["reviewWebhook"]["rotatedAt"] is not None
    [entry] = await audit.list_recent(program_shop.id)
    assert entry.action == "review_webhook.secret_rotated"
    assert payload["reviewWebhook"]["secret"] not in str(entry.details)


# --- awardPoints ---------------------------------------------------------------------------


async def test_award_points_needs_the_custom_rule_on(shop, customer):
    payload = (await shop.gql(AWARD, {"c": customer, "p": 50, "r": "followed us", "k": "k1"}))["data"][
        "awardPoints"
    ]
    assert payload == {
        "transaction": None,
        "customer": None,
        "userErrors": [
            {
                "field": None,
                "message": "custom awards are switched off for this shop",
                "code": "RULE_DISABLED",
            }
        ],
    }
    assert await balance_of(shop, customer) == (10, 10, 1)


async def test_award_points_awards_audits_and_replays(shop, customer):
    await update(shop, "CUSTOM", enabled=True)
    variables = {"c": customer, "p": 50, "r": "followed us on Instagram", "k": "ig-31"}
    first = (await shop.gql(AWARD, variables))["data"]["awardPoints"]
    assert first["userErrors"] == []
    assert first["transaction"] | {"id": None} == {
        "id": None,
        "delta": 50,
        "kind": "EARN",
        "source": "custom",
        "reason": "followed us on Instagram",
        "actor": "staff:1",
        "balanceAfter": 60,
    }
    assert first["customer"]["pointsBalance"] == 60
    again = (await shop.gql(AWARD, variables))["data"]["awardPoints"]
    assert again["userErrors"] == []
    assert again["transaction"] == first["transaction"]
    assert await balance_of(shop, customer) == (60, 60, 2)
    audited = [e for e in await audit.list_recent(shop.id) if e.action == "points.awarded"]
    assert [(e.target_type, e.details["points"], e.details["rule"]) for e in audited] == [
        ("Customer", 50, "custom")
    ]


@pytest.mark.parametrize("changed", [{"p": 51}, {"r": "another reason"}])
async def test_an_idempotency_key_reused_for_another_award_is_refused(shop, customer, changed):
    await update(shop, "CUSTOM", enabled=True)
    variables = {"c": customer, "p": 50, "r": "event", "k": "same-key"}
    assert (await shop.gql(AWARD, variables))["data"]["awardPoints"]["userErrors"] == []
    reused = (await shop.gql(AWARD, variables | changed))["data"]["awardPoints"]
    assert reused["transaction"] is None
    assert [(e["code"], e["field"]) for e in reused["userErrors"]] == [
        ("IDEMPOTENCY_KEY_REUSED", ["idempotencyKey"])
    ]
    assert await balance_of(shop, customer) == (60, 60, 2)


async def test_a_key_reused_for_another_customer_is_refused(shop, customer, drain):
    await update(shop, "CUSTOM", enabled=True)
    await shop.webhook(
        "orders/create", payloads.order(2, subtotal="1.00", customer_body=payloads.customer(32))
    )
    await drain()
    other = await customer_gid(shop, 32)
    assert (await shop.gql(AWARD, {"c": customer, "p": 5, "r": "x", "k": "k"}))["data"]["awardPoints"][
        "userErrors"
    ] == []
    reused = (await shop.gql(AWARD, {"c": other, "p": 5, "r": "x", "k": "k"}))["data"]["awardPoints"]
    assert reused["userErrors"][0]["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert await balance_of(shop, other) == (1, 1, 1)


async def test_omitted_points_give_the_rules_amount(shop, customer):
    await update(shop, "CUSTOM", enabled=True, points=75)
    payload = (await shop.gql(AWARD, {"c": customer, "r": "attended the launch", "k": "launch"}))["data"][
        "awardPoints"
    ]
    assert payload["transaction"]["delta"] == 75
    # a replay without points is the same award, whatever the rule says now
    await update(shop, "CUSTOM", points=80)
    again = (await shop.gql(AWARD, {"c": customer, "r": "attended the launch", "k": "launch"}))["data"][
        "awardPoints"
    ]
    assert again["transaction"]["id"] == payload["transaction"]["id"]
    assert await balance_of(shop, customer) == (85, 85, 2)


@pytest.mark.parametrize(
    ("variables", "field", "code"),
    [
        ({"p": 0}, ["points"], "INVALID"),
        ({"p": -10}, ["points"], "INVALID"),
        ({"p": 1_000_001}, ["points"], "INVALID"),
        ({"r": ""}, ["reason"], "INVALID"),
        ({"r": "   "}, ["reason"], "INVALID"),
        ({"r": "x" * 501}, ["reason"], "INVALID"),
        ({"r": "nul\x00"}, ["reason"], "INVALID"),
        ({"k": ""}, ["idempotencyKey"], "INVALID"),
        ({"k": "k" * 201}, ["idempotencyKey"], "INVALID"),
        ({"k": "a\x00b"}, ["idempotencyKey"], "INVALID"),
        ({"c": "nonsense"}, ["customerId"], "NOT_FOUND"),
        ({"c": "Q3VzdG9tZXI6OTk5OTk5OTk5"}, ["customerId"], "NOT_FOUND"),
    ],
)
async def test_bad_awards_are_user_errors_and_change_nothing(shop, customer, variables, field, code):
    await update(shop, "CUSTOM", enabled=True)
    sent = {"c": customer, "p": 10, "r": "ok", "k": "key"} | variables
    payload = (await shop.gql(AWARD, sent))["data"]["awardPoints"]
    assert payload["transaction"] is None
    [error] = payload["userErrors"]
    assert (error["field"], error["code"]) == (field, code)
    assert await balance_of(shop, customer) == (10, 10, 1)
    assert [e.action for e in await audit.list_recent(shop.id)] == ["earning_rule.updated"]


async def test_award_points_roles(shop, customer):
    await update(shop, "CUSTOM", enabled=True)
    allowed = shop.token(roles=["admin:points"])
    ok = await shop.gql(AWARD, {"c": customer, "p": 1, "r": "r", "k": "a"}, token=allowed)
    assert ok["data"]["awardPoints"]["userErrors"] == []
    for role in ("admin:analytics", "admin:support"):
        refused = await shop.gql(
            AWARD, {"c": customer, "p": 1, "r": "r", "k": role}, token=shop.token(roles=[role])
        )
        refused_roots(refused)
        assert only_error(refused)["extensions"]["code"] == "FORBIDDEN"
    assert await balance_of(shop, customer) == (11, 11, 2)


# --- birthdays -----------------------------------------------------------------------------


async def test_staff_set_and_clear_a_customers_birthday(shop, customer):
    payload = (await shop.gql(SET_BIRTHDAY, {"c": customer, "b": "1990-04-05"}))["data"][
        "setCustomerBirthday"
    ]
    assert payload == {"customer": {"id": customer, "birthday": "1990-04-05"}, "userErrors": []}
    seen = await shop.gql("query ($id: ID!) { customer(id: $id) { birthday } }", {"id": customer})
    assert seen["data"]["customer"]["birthday"] == "1990-04-05"
    cleared = (await shop.gql(SET_BIRTHDAY, {"c": customer, "b": None}))["data"]["setCustomerBirthday"]
    assert cleared["customer"]["birthday"] is None
    actions = [(e.action, e.details) for e in await audit.list_recent(shop.id)]
    assert actions == [("customer.birthday_cleared", {}), ("customer.birthday_set", {})]


@pytest.mark.parametrize(
    ("birthday", "message"),
    [
        ((date.today() + timedelta(days=2)).isoformat(), "future"),
        ((date.today() - timedelta(days=365 * 5)).isoformat(), "at least 13"),
        ("1890-01-01", "at most 120"),
    ],
)
async def test_implausible_birthdays_are_refused(shop, customer, birthday, message):
    payload = (await shop.gql(SET_BIRTHDAY, {"c": customer, "b": birthday}))["data"]["setCustomerBirthday"]
    assert payload["customer"] is None
    [error] = payload["userErrors"]
    assert (error["field"], error["code"]) == (["birthday"], "INVALID")
    assert message in error["message"]
    seen = await shop.gql("query ($id: ID!) { customer(id: $id) { birthday } }", {"id": customer})
    assert seen["data"]["customer"]["birthday"] is None
    assert await audit.list_recent(shop.id) == []


async def test_not_a_date_is_refused_by_graphql(shop, customer):
    result = await shop.gql(SET_BIRTHDAY, {"c": customer, "b": "1990-02-30"})
    assert result["data"] is None
    assert result["errors"]


async def test_setting_birthdays_is_for_staff_who_serve_customers(shop, customer):
    for role, allowed in (("admin:support", True), ("admin:points", True), ("admin:analytics", False)):
        result = await shop.gql(
            SET_BIRTHDAY, {"c": customer, "b": "1991-01-01"}, token=shop.token(roles=[role])
        )
        if allowed:
            assert result["data"]["setCustomerBirthday"]["userErrors"] == []
        else:
            refused_roots(result)
            assert only_error(result)["extensions"]["code"] == "FORBIDDEN"


async def test_unknown_customer_is_not_found(shop, customer):
    payload = (await shop.gql(SET_BIRTHDAY, {"c": "bm9wZQ", "b": "1991-01-01"}))["data"][
        "setCustomerBirthday"
    ]
    assert payload["userErrors"] == [
        {"field": ["customerId"], "message": "customer not found", "code": "NOT_FOUND"}
    ]


# --- storefront ----------------------------------------------------------------------------


async def test_a_customer_sets_their_birthday_and_sees_the_ways_to_earn(program_shop, drain, proxy):
    await program_shop.webhook("customers/create", payloads.customer(77, marketing="not_subscribed"))
    await drain()
    await update(program_shop, "REVIEW", enabled=False)
    me = await proxy(
        program_shop, 77, "{ me { birthday waysToEarn { trigger enabled points pointsPerCurrencyUnit } } }"
    )
    assert me["data"]["me"] == {
        "birthday": None,
        "waysToEarn": [
            {"trigger": "PURCHASE", "enabled": True, "points": None, "pointsPerCurrencyUnit": "10.0000"},
            {"trigger": "SIGNUP", "enabled": True, "points": 200, "pointsPerCurrencyUnit": None},
            {"trigger": "NEWSLETTER", "enabled": True, "points": 100, "pointsPerCurrencyUnit": None},
            {"trigger": "BIRTHDAY", "enabled": True, "points": 200, "pointsPerCurrencyUnit": None},
            {"trigger": "REVIEW", "enabled": False, "points": 100, "pointsPerCurrencyUnit": None},
        ],
    }
    payload = (await proxy(program_shop, 77, SET_MY_BIRTHDAY, {"b": "1994-08-09"}))["data"]["setMyBirthday"]
    assert payload == {"birthday": "1994-08-09", "userErrors": []}
    assert (await proxy(program_shop, 77, "{ me { birthday } }"))["data"]["me"]["birthday"] == "1994-08-09"
    [entry] = [e for e in await audit.list_recent(program_shop.id) if e.action == "customer.birthday_set"]
    assert entry.actor == "customer:77"


async def test_my_birthday_is_validated(program_shop, drain, proxy):
    await program_shop.webhook("customers/create", payloads.customer(78))
    await drain()
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    payload = (await proxy(program_shop, 78, SET_MY_BIRTHDAY, {"b": tomorrow}))["data"]["setMyBirthday"]
    assert payload["birthday"] is None
    assert payload["userErrors"][0]["field"] == ["birthday"]
    assert (await proxy(program_shop, 78, "{ me { birthday } }"))["data"]["me"]["birthday"] is None


async def test_a_customer_the_shop_has_not_told_us_about_cannot_set_one(program_shop, proxy):
    payload = (await proxy(program_shop, 404, SET_MY_BIRTHDAY, {"b": "1990-01-01"}))["data"]["setMyBirthday"]
    assert payload["userErrors"][0]["code"] == "NOT_ENROLLED"
    me = await proxy(program_shop, 404, "{ me { birthday waysToEarn { trigger } } }")
    assert me["data"]["me"]["birthday"] is None
    assert len(me["data"]["me"]["waysToEarn"]) == 5


async def test_staff_cannot_use_set_my_birthday_and_customers_get_no_staff_fields(program_shop, drain, proxy):
    staff = await program_shop.gql(SET_MY_BIRTHDAY, {"b": "1990-01-01"})
    assert only_error(staff)["extensions"]["code"] == "UNAUTHENTICATED"
    await program_shop.webhook("customers/create", payloads.customer(79))
    await drain()
    for document in (
        RULES,
        "{ reviewWebhook { secret } }",
        "mutation { updateEarningRule(trigger: SIGNUP, input: {points: 5}) { userErrors { code } } }",
        'mutation { awardPoints(customerId: "x", points: 5, reason: "r", idempotencyKey: "k")'
        " { userErrors { code } } }",
        'mutation { setCustomerBirthday(customerId: "x", birthday: "1990-01-01") { userErrors { code } } }',
    ):
        result = await proxy(program_shop, 79, document)
        refused_roots(result)
        assert only_error(result)["extensions"]["code"] == "UNAUTHENTICATED"
