"""Notifications through /graphql and /proxy/graphql: staff read the message types,
edit, reset and preview templates live, configure settings and providers (checked
against loopback fakes), send a test message to a real SMTP server on loopback and read
the delivery log; the storefront customer manages their own subscriptions. Every bad
input is a userError (or a preview error) with line and column that changes nothing,
and roles are enforced."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import pytest

from loyalnest.contexts.notifications import locales, registry
from tests import payloads
from tests.contexts.support import rows
from tests.graphql.conftest import (
    count_statements,
    create_customers,
    customer_gid,
    error_codes,
    refused_roots,
)

TYPES = """
{ notificationTypes { name audience category description channels enabledByDefault
  variables { name type description sample } } }
"""
TEMPLATES = """
query ($type: NotificationTypeName!, $channel: NotificationChannel!) {
  notificationTemplates(type: $type, channel: $channel) {
    type channel locale source rightToLeft subject html text updatedAt
  }
}
"""
UPDATE_TEMPLATE = """
mutation ($input: NotificationTemplateInput!) {
  updateNotificationTemplate(input: $input) {
    template { type channel locale source subject html text updatedAt }
    templateErrors { field message line column }
    userErrors { field message code }
  }
}
"""
RESET_TEMPLATE = """
mutation ($input: NotificationTemplateKeyInput!) {
  resetNotificationTemplate(input: $input) {
    template { locale source subject updatedAt } templateErrors { field } userErrors { field message code }
  }
}
"""
PREVIEW = """
query ($type: NotificationTypeName!, $channel: NotificationChannel!, $locale: String!, $subject: String,
       $html: String, $text: String, $overrides: JSON, $customer: ID) {
  previewNotification(type: $type, channel: $channel, locale: $locale, subject: $subject, html: $html,
                      text: $text, sampleOverrides: $overrides, customerId: $customer) {
    subject html text errors { field message line column } renderMs
  }
}
"""
SETTINGS_FIELDS = """
types { type channels } defaultLocale staffEmail
branding { senderName replyTo logoUrl primaryColor footer { locale text }
           pointsName { locale forms { category word } } }
quietHoursStart quietHoursEnd
providers { channel role kind hasSecret smtp { host port security username fromAddress }
            klaviyo { baseUrl } sms { style baseUrl accountId fromNumber } }
"""
SETTINGS = f"{{ notificationSettings {{ {SETTINGS_FIELDS} }} }}"
UPDATE_SETTINGS = f"""
mutation ($input: NotificationSettingsInput!) {{
  updateNotificationSettings(input: $input) {{
    notificationSettings {{ {SETTINGS_FIELDS} }} userErrors {{ field message code }}
  }}
}}
"""
SET_PROVIDER = """
mutation ($input: NotificationProviderInput!) {
  setNotificationProvider(input: $input) {
    provider { channel role kind hasSecret smtp { host port security username fromAddress }
               klaviyo { baseUrl } sms { style baseUrl accountId fromNumber } }
    userErrors { field message code }
  }
}
"""
REMOVE_PROVIDER = """
mutation ($channel: NotificationChannel!, $role: NotificationProviderRole!) {
  removeNotificationProvider(channel: $channel, role: $role) {
    notificationSettings { providers { channel role kind } } userErrors { field message code }
  }
}
"""
TEST_PROVIDER = """
mutation ($channel: NotificationChannel!, $role: NotificationProviderRole!) {
  testNotificationProvider(channel: $channel, role: $role) { ok message userErrors { field message code } }
}
"""
SEND_TEST = """
mutation ($type: NotificationTypeName!, $channel: NotificationChannel!, $locale: String!, $subject: String,
          $html: String, $text: String, $to: String) {
  sendTestNotification(type: $type, channel: $channel, locale: $locale, subject: $subject, html: $html,
                       text: $text, to: $to) {
    status message deliveryId templateErrors { field message line column } userErrors { field message code }
  }
}
"""
DELIVERIES = """
query ($filter: NotificationDeliveryFilter, $first: Int, $after: String, $last: Int) {
  notificationDeliveries(filter: $filter, first: $first, after: $after, last: $last) {
    nodes { id type channel status reason provider attempts providerMessageId recipient locale
            createdAt sentAt customer { id } }
    pageInfo { hasNextPage hasPreviousPage endCursor }
    totalCount
    countsByStatus { status count }
  }
}
"""
ME_PREFERENCES = "{ me { notificationPreferences { type channel category subscribed } } }"
UPDATE_MY_PREFERENCES = """
mutation ($changes: [NotificationPreferenceInput!]!) {
  updateMyNotificationPreferences(changes: $changes) {
    preferences { type channel category subscribed } userErrors { field message code }
  }
}
"""

EMAIL_DRAFT = {
    "subject": "{{ shop_name }}: {{ points|points }}",
    "html": "<p>Hi {{ customer_first_name }}, you earned {{ points|points }}.</p>",
    "text": "Hi {{ customer_first_name }}, you earned {{ points|points }}.",
}


def enum(value: str) -> str:
    return value.upper().replace("-", "_")


async def audit_actions(shop: Any) -> list[str]:
    found = await rows("select action from audit_entries where merchant_id = :m order by id", m=shop.id)
    return [r["action"] for r in found]


def codes(payload: dict[str, Any]) -> list[tuple[list[str] | None, str]]:
    return [(e["field"], e["code"]) for e in payload["userErrors"]]


@pytest.fixture
def smtp_sink() -> Iterator[Any]:
    from loyalnest.devtools.provider_fakes.smtp_sink import SmtpSink

    sink = SmtpSink()
    sink.start()
    try:
        yield sink
    finally:
        sink.stop()


@pytest.fixture
def klaviyo() -> Iterator[Any]:
    from loyalnest.devtools.provider_fakes.klaviyo_fake import KlaviyoFake

    with KlaviyoFake() as fake:
        yield fake


def smtp_input(sink: Any, *, role: str = "PRIMARY") -> dict[str, Any]:
    return {
        "channel": "EMAIL",
        "role": role,
        "kind": "SMTP",
        "smtp": {
            "host": "127.0.0.1",
            "port": sink.port,
            "security": "NONE",
            "fromAddress": "rewards@shop.test",
        },
    }


async def with_smtp(shop: Any, sink: Any, *, staff_email: str = "owner@shop.test") -> None:
    result = await shop.gql(SET_PROVIDER, {"input": smtp_input(sink)})
    assert result["data"]["setNotificationProvider"]["userErrors"] == [], result
    result = await shop.gql(UPDATE_SETTINGS, {"input": {"staffEmail": staff_email}})
    assert result["data"]["updateNotificationSettings"]["userErrors"] == [], result


# --- message types ---------------------------------------------------------------------


@pytest.mark.parametrize("role", ["admin:full", "admin:analytics"])
async def test_every_staff_role_reads_the_message_types_with_their_variables(shop, role):
    result = await shop.gql(TYPES, token=shop.token(roles=[role]))
    assert "errors" not in result, result
    found = result["data"]["notificationTypes"]
    assert [t["name"] for t in found] == [enum(name) for name in registry.TYPES]
    reward = next(t for t in found if t["name"] == "REWARD_ISSUED")
    assert (reward["audience"], reward["category"], reward["channels"], reward["enabledByDefault"]) == (
        "CUSTOMER",
        "TRANSACTIONAL",
        ["EMAIL", "SMS"],
        True,
    )
    variables = {v["name"]: (v["type"], v["sample"]) for v in reward["variables"]}
    assert variables["value"] == ("MONEY", "10.00 USD")
    assert variables["code"] == ("STRING", "LN-7QK4-M2XD")
    assert variables["expires_at"] == ("DATETIME", "2026-12-24T18:30:00+00:00")
    assert variables["unsubscribe_url"][0] == "URL"  # the common ones come first
    assert [v["name"] for v in reward["variables"]][:2] == ["shop_name", "shop_url"]
    birthday = next(t for t in found if t["name"] == "BIRTHDAY")
    assert birthday["category"] == "MARKETING"
    summary = next(t for t in found if t["name"] == "WEEKLY_SUMMARY")
    assert (summary["audience"], summary["channels"], summary["enabledByDefault"]) == (
        "MERCHANT",
        ["EMAIL"],
        False,
    )
    tier = next(t for t in found if t["name"] == "TIER_CHANGED")
    assert {v["name"]: v["sample"] for v in tier["variables"]}["perks"] == (
        "Free shipping, Double points in December"
    )


async def test_a_storefront_customer_reads_no_staff_notification_field(shop, proxy):
    for query in (TYPES, SETTINGS, DELIVERIES):
        result = await proxy(shop, 77, query)
        refused_roots(result)
        assert set(error_codes(result)) == {"UNAUTHENTICATED"}


# --- templates -------------------------------------------------------------------------


async def test_templates_list_every_shipped_locale_and_an_override_wins_until_reset(shop):
    listed = (await shop.gql(TEMPLATES, {"type": "REWARD_ISSUED", "channel": "EMAIL"}))["data"][
        "notificationTemplates"
    ]
    assert [t["locale"] for t in listed] == list(locales.LOCALES)
    assert {t["source"] for t in listed} == {"DEFAULT"}
    assert {t["locale"] for t in listed if t["rightToLeft"]} == {"ar", "he", "fa"}
    assert all(t["subject"] and t["html"] and t["text"] and t["updatedAt"] is None for t in listed)
    english = next(t for t in listed if t["locale"] == "en")
    french = next(t for t in listed if t["locale"] == "fr")
    assert french["text"] != english["text"]  # a translation, not a copy

    draft = {
        "subject": "Votre code {{ code }}",
        "html": "<p>{{ reward_title }}: <b>{{ code }}</b></p>",
        "text": "{{ reward_title }}: {{ code }}",
    }
    saved = await shop.gql(
        UPDATE_TEMPLATE, {"input": {"type": "REWARD_ISSUED", "channel": "EMAIL", "locale": "fr", **draft}}
    )
    payload = saved["data"]["updateNotificationTemplate"]
    assert (payload["userErrors"], payload["templateErrors"]) == ([], [])
    assert payload["template"]["source"] == "OVERRIDE"
    assert (payload["template"]["subject"], payload["template"]["updatedAt"] is not None) == (
        "Votre code {{ code }}",
        True,
    )
    # a locale LoyalNest does not ship: the override is listed after the shipped ones
    brazil = await shop.gql(
        UPDATE_TEMPLATE, {"input": {"type": "REWARD_ISSUED", "channel": "EMAIL", "locale": "pt-BR", **draft}}
    )
    assert brazil["data"]["updateNotificationTemplate"]["userErrors"] == []

    listed = (await shop.gql(TEMPLATES, {"type": "REWARD_ISSUED", "channel": "EMAIL"}))["data"][
        "notificationTemplates"
    ]
    by_locale = {t["locale"]: t for t in listed}
    assert by_locale["fr"]["source"] == "OVERRIDE"
    assert by_locale["fr"]["text"] == draft["text"]
    assert by_locale["pt-BR"]["source"] == "OVERRIDE"
    assert by_locale["en"]["source"] == "DEFAULT"
    # the SMS templates are another slot: untouched
    sms = (await shop.gql(TEMPLATES, {"type": "REWARD_ISSUED", "channel": "SMS"}))["data"][
        "notificationTemplates"
    ]
    assert {t["source"] for t in sms} == {"DEFAULT"}
    assert all(t["subject"] is None and t["html"] is None and t["text"] for t in sms)

    reset = await shop.gql(
        RESET_TEMPLATE, {"input": {"type": "REWARD_ISSUED", "channel": "EMAIL", "locale": "fr"}}
    )
    assert reset["data"]["resetNotificationTemplate"]["template"] == {
        "locale": "fr",
        "source": "DEFAULT",
        "subject": french["subject"],
        "updatedAt": None,
    }
    listed = (await shop.gql(TEMPLATES, {"type": "REWARD_ISSUED", "channel": "EMAIL"}))["data"][
        "notificationTemplates"
    ]
    assert next(t for t in listed if t["locale"] == "fr") == french
    actions = await audit_actions(shop)
    assert len([a for a in actions if "template" in a]) == 3, actions


BAD_TEMPLATES = [
    # (text, the error's field, line, column or None, words in the message)
    ("Hello\n{{ points ", "text", 2, None, ""),
    ("{{ pointz }}", "text", 1, None, "pointz"),
    ("{{ ''.__class__.__mro__ }}", "text", 1, None, ""),
    ("{% for x in range(10**9) %}{{ x }}{% endfor %}", "text", 1, None, ""),
    ("x" * (64 * 1024 + 1), "text", None, None, ""),
]


@pytest.mark.parametrize(("text", "field", "line", "column", "words"), BAD_TEMPLATES)
async def test_a_bad_template_is_refused_with_its_position_and_nothing_is_saved(
    shop, text, field, line, column, words
):
    result = await shop.gql(
        UPDATE_TEMPLATE, {"input": {"type": "POINTS_EARNED", "channel": "SMS", "locale": "en", "text": text}}
    )
    assert "errors" not in result, result
    payload = result["data"]["updateNotificationTemplate"]
    assert payload["template"] is None
    assert payload["templateErrors"], payload
    first = payload["templateErrors"][0]
    assert first["field"] == field
    if line is not None:
        assert first["line"] == line
    assert words in first["message"]
    assert payload["userErrors"][0]["field"] == ["input", field]
    assert payload["userErrors"][0]["code"] == "INVALID_TEMPLATE"
    listed = (await shop.gql(TEMPLATES, {"type": "POINTS_EARNED", "channel": "SMS"}))["data"][
        "notificationTemplates"
    ]
    assert {t["source"] for t in listed} == {"DEFAULT"}
    assert [a for a in await audit_actions(shop) if "template" in a] == []


async def test_a_syntax_error_says_line_and_column(shop):
    result = await shop.gql(
        UPDATE_TEMPLATE,
        {
            "input": {
                "type": "BIRTHDAY",
                "channel": "EMAIL",
                "locale": "en",
                **EMAIL_DRAFT,
                "html": "<p>ok</p>\n<p>{% if points %}</p>",
            }
        },
    )
    payload = result["data"]["updateNotificationTemplate"]
    assert payload["template"] is None
    [error] = payload["templateErrors"]
    assert (error["field"], error["line"]) == ("html", 2)
    assert "line 2" in payload["userErrors"][0]["message"]


async def test_unknown_locale_channel_shape_and_missing_parts_are_user_errors(shop):
    for input_, field in (
        ({"type": "POINTS_EARNED", "channel": "SMS", "locale": "xx-!!", "text": "hi"}, ["input", "locale"]),
        # staff messages have no SMS
        ({"type": "WEEKLY_SUMMARY", "channel": "SMS", "locale": "en", "text": "hi"}, ["input", "channel"]),
    ):
        payload = (await shop.gql(UPDATE_TEMPLATE, {"input": input_}))["data"]["updateNotificationTemplate"]
        assert payload["template"] is None, payload
        assert [e["field"] for e in payload["userErrors"]] == [field], payload
    # an email needs subject, html and text
    email = {"type": "POINTS_EARNED", "channel": "EMAIL", "locale": "en", "text": "hi"}
    payload = (await shop.gql(UPDATE_TEMPLATE, {"input": email}))["data"]["updateNotificationTemplate"]
    assert payload["template"] is None, payload
    assert {e["code"] for e in payload["userErrors"]} == {"INVALID_TEMPLATE"}, payload
    assert [a for a in await audit_actions(shop) if "template" in a] == []
    # an SMS is its text: a subject or html given with it is not kept
    sms = {"type": "POINTS_EARNED", "channel": "SMS", "locale": "en", "text": "hi", "html": "<p>hi</p>"}
    saved = (await shop.gql(UPDATE_TEMPLATE, {"input": sms}))["data"]["updateNotificationTemplate"][
        "template"
    ]
    assert (saved["text"], saved["html"], saved["subject"]) == ("hi", None, None)


# --- preview ---------------------------------------------------------------------------


async def test_preview_renders_a_draft_with_samples_and_overrides(shop):
    variables = {"type": "POINTS_EARNED", "channel": "EMAIL", "locale": "en", **EMAIL_DRAFT}
    preview = (await shop.gql(PREVIEW, variables))["data"]["previewNotification"]
    assert preview["errors"] == []
    assert preview["subject"] == "Test Shop: 425 points"  # the shop's own name
    assert "Hi Ana, you earned 425 points." in preview["text"]
    assert "<html" in preview["html"]
    assert "Hi Ana" in preview["html"]
    assert preview["renderMs"] >= 0

    overridden = await shop.gql(
        PREVIEW, {**variables, "overrides": {"points": 1, "customer_first_name": "Zoé"}}
    )
    preview = overridden["data"]["previewNotification"]
    assert preview["errors"] == []
    assert "Hi Zoé, you earned 1 point." in preview["text"]

    # the customer's language: plurals and right-to-left
    polish = await shop.gql(
        PREVIEW, {**variables, "locale": "pl", "text": "{{ points|points }}", "overrides": {"points": 5}}
    )
    assert polish["data"]["previewNotification"]["text"].strip().startswith("5 punkt")
    arabic = await shop.gql(PREVIEW, {**variables, "locale": "ar"})
    assert 'dir="rtl"' in arabic["data"]["previewNotification"]["html"]

    money = await shop.gql(
        PREVIEW,
        {
            "type": "REWARD_ISSUED",
            "channel": "SMS",
            "locale": "en",
            "text": "{{ value|money }} {{ code }}",
            "overrides": {"value": "5.00 EUR"},
        },
    )
    assert money["data"]["previewNotification"]["text"].startswith("€5.00 LN-7QK4-M2XD")


async def test_preview_returns_errors_with_position_and_refuses_bad_overrides(shop):
    base = {"type": "POINTS_EARNED", "channel": "SMS", "locale": "en"}
    broken = (await shop.gql(PREVIEW, {**base, "text": "ok\n  {{ points }"}))["data"]["previewNotification"]
    assert (broken["text"], broken["html"]) == (None, None)
    [error] = broken["errors"]
    assert (error["field"], error["line"]) == ("text", 2)

    unknown = (await shop.gql(PREVIEW, {**base, "text": "{{ pointz }}"}))["data"]["previewNotification"]
    assert "pointz" in unknown["errors"][0]["message"]

    escape = (await shop.gql(PREVIEW, {**base, "text": "{{ ''.__class__.__mro__ }}"}))["data"][
        "previewNotification"
    ]
    assert escape["text"] is None
    assert escape["errors"]

    overrides = {"points": "many", "nope": 1, "reason": 3}
    bad = (await shop.gql(PREVIEW, {**base, "text": "{{ points }}", "overrides": overrides}))["data"][
        "previewNotification"
    ]
    assert bad["text"] is None
    assert sorted(e["field"] for e in bad["errors"]) == [
        "sampleOverrides.nope",
        "sampleOverrides.points",
        "sampleOverrides.reason",
    ]
    unknown_locale = await shop.gql(PREVIEW, {**base, "locale": "!!", "text": "hi"})
    assert unknown_locale["data"]["previewNotification"] is None
    assert error_codes(unknown_locale) == ["INVALID"]


async def test_preview_with_a_customers_values_needs_a_serving_role(shop, drain):
    await create_customers(shop, drain, [{"id": 31, "first_name": "Maja", "email": "maja@example.com"}])
    customer = await customer_gid(shop, 31)
    variables = {
        "type": "POINTS_EARNED",
        "channel": "SMS",
        "locale": "en",
        "text": "{{ customer_first_name }} {{ points_balance }}",
        "customer": customer,
    }
    for role in ("admin:full", "admin:support"):
        result = await shop.gql(PREVIEW, variables, token=shop.token(roles=[role]))
        assert result["data"]["previewNotification"]["text"].startswith("Maja 0"), result
    for role in ("admin:points", "admin:analytics"):
        result = await shop.gql(PREVIEW, variables, token=shop.token(roles=[role]))
        assert result["data"]["previewNotification"] is None
        assert error_codes(result) == ["FORBIDDEN"]
        # samples only: any staff role
        sample = await shop.gql(PREVIEW, {**variables, "customer": None}, token=shop.token(roles=[role]))
        assert sample["data"]["previewNotification"]["text"].startswith("Ana 1250"), sample
    # a well-formed id of no customer of this shop (a changed last character may decode
    # to the same id: its low bits are padding)
    missing = base64.urlsafe_b64encode(b"Customer:987654321987").decode().rstrip("=")
    for bad in ("nonsense", missing):
        result = await shop.gql(PREVIEW, {**variables, "customer": bad})
        assert result["data"]["previewNotification"] is None
        assert error_codes(result) == ["NOT_FOUND"]


# --- settings and providers ------------------------------------------------------------


async def test_settings_start_from_the_registry_defaults_and_change(shop):
    settings = (await shop.gql(SETTINGS))["data"]["notificationSettings"]
    channels = {t["type"]: t["channels"] for t in settings["types"]}
    assert list(channels) == [enum(name) for name in registry.TYPES]
    assert channels["POINTS_EARNED"] == []  # off by default
    assert channels["REWARD_ISSUED"] == ["EMAIL", "SMS"] or channels["REWARD_ISSUED"] == ["EMAIL"]
    assert (settings["defaultLocale"], settings["quietHoursStart"], settings["quietHoursEnd"]) == (
        "en",
        "21:00",
        "08:00",
    )
    assert settings["providers"] == []

    change = {
        "types": [{"type": "POINTS_EARNED", "channels": ["EMAIL"]}, {"type": "BIRTHDAY", "channels": []}],
        "defaultLocale": "fr",
        "staffEmail": "owner@shop.test",
        "senderName": "Maple Rewards",
        "replyTo": "help@shop.test",
        "logoUrl": "https://cdn.shop.test/logo.png",
        "primaryColor": "#0A7A5B",
        "footer": [{"locale": "en", "text": "Thanks for being a member."}],
        "pointsName": [
            {
                "locale": "en",
                "forms": [{"category": "one", "word": "Star"}, {"category": "other", "word": "Stars"}],
            }
        ],
        "quietHoursStart": "22:30",
        "quietHoursEnd": "07:15",
    }
    result = await shop.gql(UPDATE_SETTINGS, {"input": change})
    payload = result["data"]["updateNotificationSettings"]
    assert payload["userErrors"] == [], result
    after = payload["notificationSettings"]
    channels = {t["type"]: t["channels"] for t in after["types"]}
    assert (channels["POINTS_EARNED"], channels["BIRTHDAY"]) == (["EMAIL"], [])
    assert (
        channels["POINTS_EXPIRING"]
        == {t["type"]: t["channels"] for t in settings["types"]}["POINTS_EXPIRING"]
    )
    assert after["branding"] == {
        "senderName": "Maple Rewards",
        "replyTo": "help@shop.test",
        "logoUrl": "https://cdn.shop.test/logo.png",
        "primaryColor": "#0A7A5B",
        "footer": [{"locale": "en", "text": "Thanks for being a member."}],
        "pointsName": [
            {
                "locale": "en",
                "forms": [{"category": "one", "word": "Star"}, {"category": "other", "word": "Stars"}],
            }
        ],
    }
    assert (
        after["defaultLocale"],
        after["staffEmail"],
        after["quietHoursStart"],
        after["quietHoursEnd"],
    ) == (
        "fr",
        "owner@shop.test",
        "22:30",
        "07:15",
    )
    assert (await shop.gql(SETTINGS))["data"]["notificationSettings"] == after
    # the branding reaches the preview: points are called Stars
    preview = await shop.gql(
        PREVIEW, {"type": "POINTS_EARNED", "channel": "SMS", "locale": "en", "text": "{{ points|points }}"}
    )
    assert preview["data"]["previewNotification"]["text"].strip() == "425 Stars"
    # null clears the optional ones; omitted fields keep theirs
    cleared = await shop.gql(UPDATE_SETTINGS, {"input": {"replyTo": None, "logoUrl": None}})
    branding = cleared["data"]["updateNotificationSettings"]["notificationSettings"]["branding"]
    assert (branding["replyTo"], branding["logoUrl"], branding["senderName"]) == (None, None, "Maple Rewards")
    assert any("setting" in a for a in await audit_actions(shop))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"quietHoursStart": "25:00"}, ["input", "quietHoursStart"]),
        ({"quietHoursEnd": "noon"}, ["input", "quietHoursEnd"]),
        ({"primaryColor": "green"}, None),
        ({"defaultLocale": "!!"}, None),
        ({"staffEmail": "not an address"}, None),
    ],
)
async def test_bad_settings_are_user_errors_and_change_nothing(shop, change, field):
    before = (await shop.gql(SETTINGS))["data"]["notificationSettings"]
    result = await shop.gql(UPDATE_SETTINGS, {"input": change})
    payload = result["data"]["updateNotificationSettings"]
    assert payload["notificationSettings"] is None, result
    [error] = payload["userErrors"]
    assert error["code"] == "INVALID"
    if field is not None:
        assert error["field"] == field
    else:
        assert error["field"][0] == "input"
    assert (await shop.gql(SETTINGS))["data"]["notificationSettings"] == before


async def test_providers_are_set_checked_and_removed_and_secrets_never_shown(shop, klaviyo):
    from loyalnest.devtools.provider_fakes.klaviyo_fake import DEV_KLAVIYO_KEY

    klaviyo_input = {
        "channel": "EMAIL",
        "role": "FALLBACK",
        "kind": "KLAVIYO",
        "klaviyo": {"baseUrl": klaviyo.base_url},
        "secret": DEV_KLAVIYO_KEY,
    }
    result = await shop.gql(SET_PROVIDER, {"input": klaviyo_input})
    payload = result["data"]["setNotificationProvider"]
    assert payload["userErrors"] == [], result
    assert payload["provider"] == {
        "channel": "EMAIL",
        "role": "FALLBACK",
        "kind": "KLAVIYO",
        "hasSecret": True,
        "smtp": None,
        "klaviyo": {"baseUrl": klaviyo.base_url},
        "sms": None,
    }
    checked = (await shop.gql(TEST_PROVIDER, {"channel": "EMAIL", "role": "FALLBACK"}))["data"][
        "testNotificationProvider"
    ]
    assert (checked["ok"], checked["userErrors"]) == (True, []), checked

    # a wrong key fails the check, with the provider's reason
    await shop.gql(SET_PROVIDER, {"input": {**klaviyo_input, "secret": "pk_wrong"}})
    checked = (await shop.gql(TEST_PROVIDER, {"channel": "EMAIL", "role": "FALLBACK"}))["data"][
        "testNotificationProvider"
    ]
    assert checked["ok"] is False, checked
    assert checked["message"]
    # null keeps the stored secret (still the wrong one)
    kept = await shop.gql(SET_PROVIDER, {"input": {**klaviyo_input, "secret": None}})
    assert kept["data"]["setNotificationProvider"]["provider"]["hasSecret"] is True
    assert (await shop.gql(TEST_PROVIDER, {"channel": "EMAIL", "role": "FALLBACK"}))["data"][
        "testNotificationProvider"
    ]["ok"] is False

    # the secret is stored encrypted, and never in the API's answers
    stored = await rows("select * from notification_providers where merchant_id = :m", m=shop.id)
    assert len(stored) == 1
    assert "pk_wrong" not in repr(stored)
    assert DEV_KLAVIYO_KEY not in repr(stored)
    settings = await shop.gql(SETTINGS)
    assert "pk_wrong" not in repr(settings)
    assert DEV_KLAVIYO_KEY not in repr(settings)

    # the settings object must match the kind, and only it
    for bad, field in (
        ({**klaviyo_input, "kind": "SMTP"}, ["input", "klaviyo"]),
        ({**klaviyo_input, "kind": "SMTP", "klaviyo": None}, ["input", "smtp"]),
        ({**klaviyo_input, "smtp": {"host": "h", "fromAddress": "a@b.c"}}, ["input", "smtp"]),
    ):
        refused = (await shop.gql(SET_PROVIDER, {"input": bad}))["data"]["setNotificationProvider"]
        assert (refused["provider"], codes(refused)) == (None, [(field, "INVALID")]), refused

    removed = (await shop.gql(REMOVE_PROVIDER, {"channel": "EMAIL", "role": "FALLBACK"}))["data"][
        "removeNotificationProvider"
    ]
    assert removed == {"notificationSettings": {"providers": []}, "userErrors": []}
    assert await rows("select 1 from notification_providers where merchant_id = :m", m=shop.id) == []
    # testing a provider that is not there
    missing = (await shop.gql(TEST_PROVIDER, {"channel": "EMAIL", "role": "FALLBACK"}))["data"][
        "testNotificationProvider"
    ]
    assert missing["ok"] is not True


async def test_an_smtp_and_an_sms_provider_keep_their_settings(shop, smtp_sink):
    result = await shop.gql(SET_PROVIDER, {"input": {**smtp_input(smtp_sink), "secret": "pw"}})
    provider = result["data"]["setNotificationProvider"]["provider"]
    assert provider["smtp"] == {
        "host": "127.0.0.1",
        "port": smtp_sink.port,
        "security": "NONE",
        "username": None,
        "fromAddress": "rewards@shop.test",
    }
    sms = {
        "channel": "SMS",
        "role": "PRIMARY",
        "kind": "SMS",
        "sms": {
            "style": "TWILIO",
            "baseUrl": "http://127.0.0.1:9",
            "accountId": "AC1",
            "fromNumber": "+15550001111",
        },
        "secret": "token",
    }
    result = await shop.gql(SET_PROVIDER, {"input": sms})
    assert result["data"]["setNotificationProvider"]["provider"]["sms"] == {
        "style": "TWILIO",
        "baseUrl": "http://127.0.0.1:9",
        "accountId": "AC1",
        "fromNumber": "+15550001111",
    }
    providers = (await shop.gql(SETTINGS))["data"]["notificationSettings"]["providers"]
    assert sorted((p["channel"], p["role"], p["kind"]) for p in providers) == [
        ("EMAIL", "PRIMARY", "SMTP"),
        ("SMS", "PRIMARY", "SMS"),
    ]
    # the SMS API is down (nothing listens on port 9): the check says so, nothing raised
    checked = (await shop.gql(TEST_PROVIDER, {"channel": "SMS", "role": "PRIMARY"}))["data"][
        "testNotificationProvider"
    ]
    assert checked["ok"] is False
    assert checked["message"]


# --- test sends and the delivery log ----------------------------------------------------


async def test_a_test_email_goes_to_the_staff_email_and_is_logged(shop, smtp_sink):
    # no staff email yet: refused, nothing sent
    refused = (
        await shop.gql(
            SEND_TEST, {"type": "POINTS_EARNED", "channel": "EMAIL", "locale": "en", **EMAIL_DRAFT}
        )
    )["data"]["sendTestNotification"]
    assert codes(refused) == [(["to"], "INVALID")]
    await with_smtp(shop, smtp_sink)

    sent = (
        await shop.gql(
            SEND_TEST, {"type": "POINTS_EARNED", "channel": "EMAIL", "locale": "en", **EMAIL_DRAFT}
        )
    )["data"]["sendTestNotification"]
    assert (sent["status"], sent["userErrors"], sent["templateErrors"]) == ("sent", [], []), sent
    assert sent["deliveryId"]
    [message] = smtp_sink.messages
    received = getattr(message, "message", message)
    assert received["To"] == "owner@shop.test"
    assert received["Subject"] == "Test Shop: 425 points"

    # a broken draft is not sent
    broken = (
        await shop.gql(
            SEND_TEST,
            {"type": "POINTS_EARNED", "channel": "EMAIL", "locale": "en", **EMAIL_DRAFT, "text": "{{ points"},
        )
    )["data"]["sendTestNotification"]
    assert broken["status"] is None
    assert broken["templateErrors"][0]["field"] == "text"
    assert len(smtp_sink.messages) == 1

    log = (await shop.gql(DELIVERIES))["data"]["notificationDeliveries"]
    [row] = log["nodes"]
    assert row["id"] == sent["deliveryId"]
    assert (row["type"], row["channel"], row["status"], row["reason"], row["customer"]) == (
        "POINTS_EARNED",
        "EMAIL",
        "SENT",
        "test",
        None,
    )
    assert row["recipient"] != "owner@shop.test"
    assert row["recipient"].endswith("@shop.test")
    assert row["sentAt"] is not None
    assert row["attempts"] >= 1


async def test_without_a_staff_email_a_test_email_goes_to_the_shops_email(shop, smtp_sink, drain):
    # shop/update told the shop's name and contact email: the test send goes there, and
    # the message carries the shop's new name
    assert (await shop.webhook("shop/update", payloads.shopify_sample_shop_update())).status_code == 200
    await drain()
    result = await shop.gql(SET_PROVIDER, {"input": smtp_input(smtp_sink)})
    assert result["data"]["setNotificationProvider"]["userErrors"] == [], result
    sent = (
        await shop.gql(
            SEND_TEST, {"type": "POINTS_EARNED", "channel": "EMAIL", "locale": "en", **EMAIL_DRAFT}
        )
    )["data"]["sendTestNotification"]
    assert (sent["status"], sent["userErrors"]) == ("sent", []), sent
    [message] = smtp_sink.messages
    received = getattr(message, "message", message)
    assert received["To"] == "super@supertoys.com"
    assert received["Subject"] == "Super Toys: 425 points"


async def test_a_test_send_without_a_draft_sends_the_template_as_it_applies(shop, smtp_sink):
    """What the dashboard's "send me a test" does before any edit: the shipped template
    of that locale (here Arabic, right to left), or the shop's own once it has one."""
    await with_smtp(shop, smtp_sink)
    sent = (await shop.gql(SEND_TEST, {"type": "REWARD_ISSUED", "channel": "EMAIL", "locale": "ar"}))["data"][
        "sendTestNotification"
    ]
    assert (sent["status"], sent["userErrors"]) == ("sent", []), sent
    [message] = smtp_sink.messages
    received = getattr(message, "message", message)
    html = received.get_body(("html",)).get_content()
    assert 'dir="rtl"' in html
    assert "LN-7QK4-M2XD" in html  # the sample code
    assert received["Content-Language"] == "ar"


async def test_an_sms_test_needs_a_number(shop):
    refused = (
        await shop.gql(SEND_TEST, {"type": "POINTS_EARNED", "channel": "SMS", "locale": "en", "text": "hi"})
    )["data"]["sendTestNotification"]
    assert codes(refused) == [(["to"], "INVALID")]


async def test_the_delivery_log_filters_pages_and_counts(shop, smtp_sink, drain):
    await with_smtp(shop, smtp_sink)
    await create_customers(shop, drain, [{"id": 41, "email": "ana@example.com"}, {"id": 42, "email": None}])
    # a real cause: points earned (switched on) for two customers, one without an email
    await shop.gql(UPDATE_SETTINGS, {"input": {"types": [{"type": "POINTS_EARNED", "channels": ["EMAIL"]}]}})
    for order_id, customer in ((1, 41), (2, 42)):
        body = payloads.customer(customer, email="ana@example.com" if customer == 41 else None)
        response = await shop.webhook(
            "orders/create", payloads.order(order_id, subtotal="30.00", customer_body=body)
        )
        assert response.status_code == 200
    await drain()
    for _ in range(3):
        await shop.gql(SEND_TEST, {"type": "BIRTHDAY", "channel": "EMAIL", "locale": "de", **EMAIL_DRAFT})

    everything = (await shop.gql(DELIVERIES, {"first": 10}))["data"]["notificationDeliveries"]
    assert everything["totalCount"] == 5
    statuses = {c["status"]: c["count"] for c in everything["countsByStatus"]}
    assert (statuses["SENT"], statuses["SKIPPED"]) == (4, 1), statuses
    assert sum(statuses.values()) == 5
    ids = [n["id"] for n in everything["nodes"]]
    assert len(set(ids)) == 5
    assert [n["type"] for n in everything["nodes"]][:3] == ["BIRTHDAY"] * 3  # newest first

    ana = await customer_gid(shop, 41)
    theirs = (await shop.gql(DELIVERIES, {"filter": {"customerId": ana}}))["data"]["notificationDeliveries"]
    assert [(n["type"], n["status"], n["customer"]) for n in theirs["nodes"]] == [
        ("POINTS_EARNED", "SENT", {"id": ana})
    ]
    assert theirs["totalCount"] == 1
    skipped = (await shop.gql(DELIVERIES, {"filter": {"status": "SKIPPED"}}))["data"][
        "notificationDeliveries"
    ]
    assert [(n["reason"], n["recipient"]) for n in skipped["nodes"]] == [("no_recipient", None)]
    assert skipped["totalCount"] == 1
    # counts keep every status under a status filter (the log's tabs)
    assert {c["status"]: c["count"] for c in skipped["countsByStatus"]} == statuses
    by_type = (await shop.gql(DELIVERIES, {"filter": {"type": "BIRTHDAY", "channel": "EMAIL"}}))["data"][
        "notificationDeliveries"
    ]
    assert by_type["totalCount"] == 3
    assert (await shop.gql(DELIVERIES, {"filter": {"channel": "SMS"}}))["data"]["notificationDeliveries"][
        "totalCount"
    ] == 0

    first = (await shop.gql(DELIVERIES, {"first": 2}))["data"]["notificationDeliveries"]
    assert [n["id"] for n in first["nodes"]] == ids[:2]
    assert (first["pageInfo"]["hasNextPage"], first["pageInfo"]["hasPreviousPage"]) == (True, False)
    rest = (await shop.gql(DELIVERIES, {"first": 10, "after": first["pageInfo"]["endCursor"]}))["data"][
        "notificationDeliveries"
    ]
    assert [n["id"] for n in rest["nodes"]] == ids[2:]
    assert (rest["pageInfo"]["hasNextPage"], rest["pageInfo"]["hasPreviousPage"]) == (False, True)

    backwards = await shop.gql(DELIVERIES, {"last": 2})
    assert backwards["data"]["notificationDeliveries"] is None
    assert error_codes(backwards) == ["BAD_USER_INPUT"]
    bad_customer = await shop.gql(DELIVERIES, {"filter": {"customerId": "nonsense"}})
    assert error_codes(bad_customer) == ["BAD_USER_INPUT"]


async def test_a_page_of_the_log_costs_the_same_statements_however_many_customers_it_shows(
    shop, smtp_sink, drain
):
    await with_smtp(shop, smtp_sink)
    await shop.gql(UPDATE_SETTINGS, {"input": {"types": [{"type": "POINTS_EARNED", "channels": ["EMAIL"]}]}})

    async def earn(customer_ids: list[int]) -> None:
        await create_customers(shop, drain, [{"id": i, "email": f"c{i}@example.com"} for i in customer_ids])
        for i in customer_ids:
            body = payloads.customer(i, email=f"c{i}@example.com")
            await shop.webhook(
                "orders/create", payloads.order(1000 + i, subtotal="10.00", customer_body=body)
            )
        await drain()

    async def statements() -> int:
        with count_statements() as seen:
            result = await shop.gql(DELIVERIES, {"first": 50})
        assert "errors" not in result, result
        return len(seen)

    await earn([61, 62])
    few = await statements()
    await earn([63, 64, 65, 66, 67])
    log = (await shop.gql(DELIVERIES, {"first": 50}))["data"]["notificationDeliveries"]
    assert len({n["customer"]["id"] for n in log["nodes"]}) == 7
    assert await statements() == few


# --- roles -----------------------------------------------------------------------------

STAFF_MUTATIONS = [
    (UPDATE_TEMPLATE, {"input": {"type": "POINTS_EARNED", "channel": "SMS", "locale": "en", "text": "hi"}}),
    (RESET_TEMPLATE, {"input": {"type": "POINTS_EARNED", "channel": "SMS", "locale": "en"}}),
    (UPDATE_SETTINGS, {"input": {"senderName": "x"}}),
    (SET_PROVIDER, {"input": {"channel": "EMAIL", "role": "PRIMARY", "kind": "KLAVIYO", "klaviyo": {}}}),
    (REMOVE_PROVIDER, {"channel": "EMAIL", "role": "PRIMARY"}),
    (TEST_PROVIDER, {"channel": "EMAIL", "role": "PRIMARY"}),
    (
        SEND_TEST,
        {"type": "POINTS_EARNED", "channel": "SMS", "locale": "en", "text": "hi", "to": "+15550001111"},
    ),
]


@pytest.mark.parametrize("role", ["admin:points", "admin:analytics", "admin:support"])
async def test_only_admin_full_configures_notifications(shop, role):
    token = shop.token(roles=[role])
    for query, variables in STAFF_MUTATIONS:
        result = await shop.gql(query, variables, token=token)
        refused_roots(result)
        assert error_codes(result) == ["FORBIDDEN"], (query, result)
    for query, variables in (
        (SETTINGS, None),
        (TEMPLATES, {"type": "POINTS_EARNED", "channel": "SMS"}),
    ):
        result = await shop.gql(query, variables, token=token)
        refused_roots(result)
        assert error_codes(result) == ["FORBIDDEN"]
    deliveries = await shop.gql(DELIVERIES, token=token)
    if role == "admin:support":
        assert deliveries["data"]["notificationDeliveries"]["nodes"] == []
    else:
        refused_roots(deliveries)
        assert error_codes(deliveries) == ["FORBIDDEN"]
    assert await audit_actions(shop) == []
    assert (await shop.gql(SETTINGS))["data"]["notificationSettings"]["branding"]["senderName"] != "x"


async def test_a_storefront_customer_cannot_configure_notifications(shop, proxy):
    for query, variables in STAFF_MUTATIONS:
        result = await proxy(shop, 77, query, variables)
        refused_roots(result)
        assert set(error_codes(result)) == {"UNAUTHENTICATED"}
    assert await audit_actions(shop) == []


# --- the storefront customer's preferences ----------------------------------------------


async def test_a_customer_reads_and_changes_their_own_preferences(shop, drain, proxy):
    await create_customers(shop, drain, [{"id": 51, "email": "lea@example.com"}])
    mine = (await proxy(shop, 51, ME_PREFERENCES))["data"]["me"]["notificationPreferences"]
    # the answers to privacy requests cannot be opted out of: not listed
    customer_types = [t for t in registry.TYPES.values() if t.audience == "customer" and t.can_opt_out]
    assert sorted((p["type"], p["channel"]) for p in mine) == sorted(
        (enum(t.name), c.upper()) for t in customer_types for c in t.channels
    )
    assert all(p["subscribed"] for p in mine)
    assert {p["category"] for p in mine if p["type"] == "BIRTHDAY"} == {"MARKETING"}
    assert not any(p["type"] == "WEEKLY_SUMMARY" for p in mine)  # staff messages are not theirs

    result = await proxy(
        shop,
        51,
        UPDATE_MY_PREFERENCES,
        {
            "changes": [
                {"type": "BIRTHDAY", "channel": "EMAIL", "subscribed": False},
                {"type": "POINTS_EXPIRING", "channel": "SMS", "subscribed": False},
            ]
        },
    )
    payload = result["data"]["updateMyNotificationPreferences"]
    assert payload["userErrors"] == [], result
    off = {(p["type"], p["channel"]) for p in payload["preferences"] if not p["subscribed"]}
    assert off == {("BIRTHDAY", "EMAIL"), ("POINTS_EXPIRING", "SMS")}
    reread = (await proxy(shop, 51, ME_PREFERENCES))["data"]["me"]["notificationPreferences"]
    assert {(p["type"], p["channel"]) for p in reread if not p["subscribed"]} == off

    again = await proxy(
        shop,
        51,
        UPDATE_MY_PREFERENCES,
        {"changes": [{"type": "BIRTHDAY", "channel": "EMAIL", "subscribed": True}]},
    )
    back = again["data"]["updateMyNotificationPreferences"]["preferences"]
    assert {(p["type"], p["channel"]) for p in back if not p["subscribed"]} == {("POINTS_EXPIRING", "SMS")}

    # a staff message type, or a channel the type has not, is refused
    for change in ({"type": "WEEKLY_SUMMARY", "channel": "EMAIL", "subscribed": False},):
        refused = (await proxy(shop, 51, UPDATE_MY_PREFERENCES, {"changes": [change]}))["data"][
            "updateMyNotificationPreferences"
        ]
        assert refused["preferences"] is None, refused
        assert refused["userErrors"], refused


async def test_a_customer_the_shop_has_not_told_us_about_has_no_preferences(shop, proxy):
    assert (await proxy(shop, 404, ME_PREFERENCES))["data"]["me"]["notificationPreferences"] == []
    result = await proxy(
        shop,
        404,
        UPDATE_MY_PREFERENCES,
        {"changes": [{"type": "BIRTHDAY", "channel": "EMAIL", "subscribed": False}]},
    )
    payload = result["data"]["updateMyNotificationPreferences"]
    assert codes(payload) == [(None, "NOT_ENROLLED")]


async def test_staff_cannot_change_a_customers_preferences_as_me(shop):
    result = await shop.gql(
        UPDATE_MY_PREFERENCES, {"changes": [{"type": "BIRTHDAY", "channel": "EMAIL", "subscribed": False}]}
    )
    refused_roots(result)
    assert error_codes(result) == ["UNAUTHENTICATED"]
    assert error_codes(await shop.gql(ME_PREFERENCES)) == ["UNAUTHENTICATED"]
