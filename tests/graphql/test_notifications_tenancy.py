"""The wall between shops, for notifications: shop A's staff token reads and changes only
A's settings, templates, providers and delivery log, cannot preview with B's customer
or filter A's log by B's customer; a storefront customer of A (with the same Shopify id
as one of B) changes only their own preferences in A."""

from __future__ import annotations

from typing import Any

import pytest

from tests.contexts.support import rows
from tests.graphql.conftest import create_customers, customer_gid
from tests.graphql.test_notifications import (
    DELIVERIES,
    EMAIL_DRAFT,
    ME_PREFERENCES,
    PREVIEW,
    REMOVE_PROVIDER,
    RESET_TEMPLATE,
    SEND_TEST,
    SET_PROVIDER,
    SETTINGS,
    TEMPLATES,
    TEST_PROVIDER,
    UPDATE_MY_PREFERENCES,
    UPDATE_SETTINGS,
    UPDATE_TEMPLATE,
    smtp_input,
    smtp_sink,  # noqa: F401 - the fixture
    with_smtp,
)

B_TEMPLATE = {"type": "REWARD_ISSUED", "channel": "SMS", "locale": "de", "text": "B {{ code }}"}


@pytest.fixture
async def two_shops(make_shop, drain, smtp_sink) -> dict[str, Any]:  # noqa: F811
    a, b = await make_shop(), await make_shop()
    for shop in (a, b):
        await create_customers(
            shop, drain, [{"id": 8001, "email": "same@example.com", "first_name": shop.domain[:6]}]
        )
    # B configures everything: settings, an override, a provider, a logged test send
    await with_smtp(b, smtp_sink, staff_email="b-owner@shop.test")
    assert (await b.gql(UPDATE_SETTINGS, {"input": {"senderName": "B Rewards", "defaultLocale": "de"}}))[
        "data"
    ]["updateNotificationSettings"]["userErrors"] == []
    assert (await b.gql(UPDATE_TEMPLATE, {"input": B_TEMPLATE}))["data"]["updateNotificationTemplate"][
        "userErrors"
    ] == []
    sent = await b.gql(SEND_TEST, {"type": "BIRTHDAY", "channel": "EMAIL", "locale": "de", **EMAIL_DRAFT})
    assert sent["data"]["sendTestNotification"]["status"] == "sent", sent
    return {
        "a": a,
        "b": b,
        "a_customer": await customer_gid(a, 8001),
        "b_customer": await customer_gid(b, 8001),
    }


async def b_state(b: Any) -> dict[str, Any]:
    return {
        "settings": (await b.gql(SETTINGS))["data"]["notificationSettings"],
        "templates": (await b.gql(TEMPLATES, {"type": "REWARD_ISSUED", "channel": "SMS"}))["data"][
            "notificationTemplates"
        ],
        "deliveries": (await b.gql(DELIVERIES))["data"]["notificationDeliveries"]["nodes"],
    }


async def test_staff_of_a_see_none_of_bs_configuration_or_log(two_shops):
    a = two_shops["a"]
    settings = (await a.gql(SETTINGS))["data"]["notificationSettings"]
    assert settings["providers"] == []
    assert settings["staffEmail"] is None
    assert settings["branding"]["senderName"] != "B Rewards"
    assert settings["defaultLocale"] == "en"
    templates = (await a.gql(TEMPLATES, {"type": "REWARD_ISSUED", "channel": "SMS"}))["data"][
        "notificationTemplates"
    ]
    assert {t["source"] for t in templates} == {"DEFAULT"}
    assert all(t["text"] != "B {{ code }}" for t in templates)
    log = (await a.gql(DELIVERIES))["data"]["notificationDeliveries"]
    assert (log["nodes"], log["totalCount"]) == ([], 0)
    assert {c["count"] for c in log["countsByStatus"]} == {0}
    # A has no staff email: a test send is refused, never sent to B's staff email
    refused = (
        await a.gql(SEND_TEST, {"type": "BIRTHDAY", "channel": "EMAIL", "locale": "en", **EMAIL_DRAFT})
    )["data"]["sendTestNotification"]
    assert [(e["field"], e["code"]) for e in refused["userErrors"]] == [(["to"], "INVALID")]
    # A's provider slot is empty: testing it does not reach B's
    checked = (await a.gql(TEST_PROVIDER, {"channel": "EMAIL", "role": "PRIMARY"}))["data"][
        "testNotificationProvider"
    ]
    assert checked["ok"] is not True


async def test_staff_of_a_change_nothing_of_b(two_shops, smtp_sink):  # noqa: F811
    a, b = two_shops["a"], two_shops["b"]
    before = await b_state(b)
    # the same slots in A: A's own, B's untouched
    assert (
        await a.gql(RESET_TEMPLATE, {"input": {k: B_TEMPLATE[k] for k in ("type", "channel", "locale")}})
    )["data"]["resetNotificationTemplate"]["template"]["source"] == "DEFAULT"
    assert (await a.gql(UPDATE_TEMPLATE, {"input": {**B_TEMPLATE, "text": "A {{ code }}"}}))["data"][
        "updateNotificationTemplate"
    ]["userErrors"] == []
    assert (
        await a.gql(UPDATE_SETTINGS, {"input": {"senderName": "A Rewards", "staffEmail": "a@shop.test"}})
    )["data"]["updateNotificationSettings"]["userErrors"] == []
    assert (await a.gql(SET_PROVIDER, {"input": {**smtp_input(smtp_sink), "secret": "a-secret"}}))["data"][
        "setNotificationProvider"
    ]["userErrors"] == []
    assert (await a.gql(REMOVE_PROVIDER, {"channel": "EMAIL", "role": "PRIMARY"}))["data"][
        "removeNotificationProvider"
    ]["userErrors"] == []
    assert await b_state(b) == before
    assert len(await rows("select 1 from notification_providers where merchant_id = :m", m=b.id)) == 1


async def test_staff_of_a_cannot_use_bs_customer(two_shops):
    a, b_customer = two_shops["a"], two_shops["b_customer"]
    preview = await a.gql(
        PREVIEW,
        {
            "type": "POINTS_EARNED",
            "channel": "SMS",
            "locale": "en",
            "text": "{{ customer_first_name }}",
            "customer": b_customer,
        },
    )
    assert preview["data"]["previewNotification"] is None
    assert [e["extensions"]["code"] for e in preview["errors"]] == ["NOT_FOUND"]
    # the same preview with A's own customer works
    own = await a.gql(
        PREVIEW,
        {
            "type": "POINTS_EARNED",
            "channel": "SMS",
            "locale": "en",
            "text": "{{ customer_first_name }}",
            "customer": two_shops["a_customer"],
        },
    )
    assert own["data"]["previewNotification"]["text"].strip() == a.domain[:6]
    log = (await a.gql(DELIVERIES, {"filter": {"customerId": b_customer}}))["data"]["notificationDeliveries"]
    assert (log["nodes"], log["totalCount"]) == ([], 0)
    # B's own log, filtered by its customer, reads fine (B's test send is not the customer's)
    assert (await two_shops["b"].gql(DELIVERIES, {"filter": {"customerId": b_customer}}))["data"][
        "notificationDeliveries"
    ]["totalCount"] == 0


async def test_a_storefront_customer_changes_only_their_own_preferences(two_shops, proxy):
    a, b = two_shops["a"], two_shops["b"]
    changed = await proxy(
        a,
        8001,
        UPDATE_MY_PREFERENCES,
        {"changes": [{"type": "BIRTHDAY", "channel": "EMAIL", "subscribed": False}]},
    )
    assert changed["data"]["updateMyNotificationPreferences"]["userErrors"] == [], changed
    in_a = (await proxy(a, 8001, ME_PREFERENCES))["data"]["me"]["notificationPreferences"]
    in_b = (await proxy(b, 8001, ME_PREFERENCES))["data"]["me"]["notificationPreferences"]
    assert [(p["type"], p["channel"]) for p in in_a if not p["subscribed"]] == [("BIRTHDAY", "EMAIL")]
    assert all(p["subscribed"] for p in in_b)
    assert await rows("select 1 from notification_preferences where merchant_id = :m", m=b.id) == []
