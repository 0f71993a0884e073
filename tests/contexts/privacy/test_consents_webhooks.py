"""Shopify's marketing consent in customers/create and customers/update, sent as signed
webhooks and processed by the real worker: it becomes newsletter / sms_marketing rows
(source shopify) only where the state changes, a redelivery records nothing, and an
older webhook never overwrites a newer storefront choice (consent_updated_at)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

from tests import payloads
from tests.contexts.support import rows
from tests.graphql.conftest import post_proxy, proxy_params

_shopify_ids = itertools.count(72_000_000)

UPDATE_MINE = """
mutation ($changes: [ConsentInput!]!) {
  updateMyConsents(changes: $changes) { consents { type granted source } userErrors { code } }
}
"""


def customer_body(
    shopify_id: int,
    *,
    email: str | None = "subscribed",
    email_at: str | None = None,
    sms: str | None = None,
    sms_at: str | None = None,
    updated_at: str = "2026-11-01T10:00:00-05:00",
) -> dict[str, Any]:
    """A customers/create|update payload as Shopify sends it (API 2025-10): marketing
    consent per channel, each with its level and the time it last changed."""
    body = payloads.customer(shopify_id, updated_at=updated_at)
    body.pop("email_marketing_consent")
    if email is not None:
        body["email_marketing_consent"] = {
            "state": email,
            "opt_in_level": "single_opt_in",
            "consent_updated_at": email_at,
        }
    if sms is not None:
        body["sms_marketing_consent"] = {
            "state": sms,
            "opt_in_level": "single_opt_in",
            "consent_updated_at": sms_at,
            "consent_collected_from": "SHOPIFY",
        }
    return body


async def send(shop: Any, drain: Any, topic: str, body: dict[str, Any]) -> None:
    response = await shop.webhook(topic, body)
    assert response.status_code == 200, response.text
    await drain()


async def history(shop: Any) -> list[tuple[str, bool, str, datetime]]:
    found = await rows(
        "select type, granted, source, occurred_at from privacy_consents where merchant_id = :m order by id",
        m=shop.id,
    )
    return [(r["type"], r["granted"], r["source"], r["occurred_at"]) for r in found]


def at(value: str) -> datetime:
    return datetime.fromisoformat(value).astimezone(UTC)


async def test_changes_are_recorded_once_and_redeliveries_record_nothing(shop, drain):
    shopify_id = next(_shopify_ids)
    created = customer_body(shopify_id, email_at="2026-10-01T09:00:00-05:00", sms="not_subscribed")
    await send(shop, drain, "customers/create", created)
    # subscribed by email (a change from the default); not subscribed by SMS is the default
    assert await history(shop) == [("newsletter", True, "shopify", at("2026-10-01T09:00:00-05:00"))]

    # the same payload delivered again (a new event id: not deduplicated by the inbox)
    await send(shop, drain, "customers/create", created)
    # an update that changes nothing of the consents
    await send(
        shop, drain, "customers/update", customer_body(shopify_id, email_at="2026-10-01T09:00:00-05:00")
    )
    assert len(await history(shop)) == 1

    # SMS subscribed later; email unsubscribed later still
    await send(
        shop,
        drain,
        "customers/update",
        customer_body(
            shopify_id,
            email="unsubscribed",
            email_at="2026-11-02T08:00:00Z",
            sms="subscribed",
            sms_at="2026-11-01T08:00:00Z",
            updated_at="2026-11-02T08:00:00Z",
        ),
    )
    assert (await history(shop))[1:] == [
        ("newsletter", False, "shopify", at("2026-11-02T08:00:00+00:00")),
        ("sms_marketing", True, "shopify", at("2026-11-01T08:00:00+00:00")),
    ]
    # notifications keeps the per-channel state it decides marketing sends by
    kept = await rows(
        "select channel, granted from notification_marketing_consents where merchant_id = :m"
        " order by channel",
        m=shop.id,
    )
    assert kept == [{"channel": "email", "granted": False}, {"channel": "sms", "granted": True}]
    audited = await rows(
        "select actor, action, details->>'type' as type, details->>'source' as source from audit_entries"
        " where merchant_id = :m and action like 'consent.%' order by id",
        m=shop.id,
    )
    assert [(a["actor"], a["action"], a["type"], a["source"]) for a in audited] == [
        ("shopify", "consent.granted", "newsletter", "shopify"),
        ("shopify", "consent.revoked", "newsletter", "shopify"),
        ("shopify", "consent.granted", "sms_marketing", "shopify"),
    ]


async def test_an_older_webhook_never_overwrites_a_newer_storefront_choice(shop, drain, http, settings):
    shopify_id = next(_shopify_ids)
    await send(shop, drain, "customers/create", customer_body(shopify_id, email_at="2026-10-01T09:00:00Z"))
    # the customer unsubscribes in the widget now
    result = await post_proxy(
        http,
        proxy_params(settings, shop.domain, shopify_id),
        UPDATE_MINE,
        {"changes": [{"type": "NEWSLETTER", "granted": False}]},
    )
    assert result["data"]["updateMyConsents"]["userErrors"] == [], result
    # a customers/update whose consent was changed before that arrives late: nothing changes
    stale = datetime.now(UTC) - timedelta(hours=1)
    await send(
        shop,
        drain,
        "customers/update",
        customer_body(
            shopify_id, email="subscribed", email_at=stale.isoformat(), updated_at=stale.isoformat()
        ),
    )
    found = await history(shop)
    assert [(t, g, s) for t, g, s, _ in found] == [
        ("newsletter", True, "shopify"),
        ("newsletter", False, "storefront"),
    ]
    # a consent given in Shopify after the widget's choice (checkout tomorrow) is the newest
    later = datetime.now(UTC) + timedelta(days=1)
    await send(
        shop,
        drain,
        "customers/update",
        customer_body(
            shopify_id, email="subscribed", email_at=later.isoformat(), updated_at=later.isoformat()
        ),
    )
    assert (await history(shop))[-1][:3] == ("newsletter", True, "shopify")


async def test_the_legacy_accepts_marketing_and_a_payload_without_consent(shop, drain, http, settings):
    legacy = next(_shopify_ids)
    body = customer_body(legacy, email=None)
    body["accepts_marketing"] = True
    body["accepts_marketing_updated_at"] = "2026-09-01T12:00:00Z"
    await send(shop, drain, "customers/create", body)
    assert await history(shop) == [("newsletter", True, "shopify", at("2026-09-01T12:00:00+00:00"))]
    # an undated state over Shopify's own row is recorded (dated by the payload's updated_at)
    undated = customer_body(legacy, email=None, updated_at="2026-11-05T12:00:00Z")
    undated["accepts_marketing"] = False
    await send(shop, drain, "customers/update", undated)
    assert (await history(shop))[-1] == ("newsletter", False, "shopify", at("2026-11-05T12:00:00+00:00"))
    # the customer subscribes in the widget; Shopify, which never heard of it, repeats its
    # undated "no" on every later update: the choice made here stands
    result = await post_proxy(
        http,
        proxy_params(settings, shop.domain, legacy),
        UPDATE_MINE,
        {"changes": [{"type": "NEWSLETTER", "granted": True}]},
    )
    assert result["data"]["updateMyConsents"]["userErrors"] == [], result
    later = datetime.now(UTC) + timedelta(days=1)
    repeated = customer_body(legacy, email=None, updated_at=later.isoformat())
    repeated["accepts_marketing"] = False
    await send(shop, drain, "customers/update", repeated)
    assert [(t, g, s) for t, g, s, _ in await history(shop)][-1] == ("newsletter", True, "storefront")
    # a payload that says nothing of marketing (protected fields left out) changes nothing
    rows_before = len(await history(shop))
    silent = next(_shopify_ids)
    await send(shop, drain, "customers/create", customer_body(silent, email=None))
    assert len(await history(shop)) == rows_before


async def test_the_history_outlives_the_customers_erasure(shop, drain, http, settings):
    """customers/redact erases the person; their consents history stays (the proof of
    consent), naming only our customer id, and so do the referral opt-outs (HMACs)."""
    shopify_id = next(_shopify_ids)
    body = customer_body(shopify_id, email_at="2026-10-01T09:00:00Z")
    body["email"], body["phone"] = "erase.me@example.net", "+15555550177"
    await send(shop, drain, "customers/create", body)
    result = await post_proxy(
        http,
        proxy_params(settings, shop.domain, shopify_id),
        UPDATE_MINE,
        {"changes": [{"type": "REFERRALS", "granted": False}]},
    )
    assert result["data"]["updateMyConsents"]["userErrors"] == [], result
    [customer] = await rows("select id from customers where merchant_id = :m", m=shop.id)
    history_sql = (
        "select customer_id, type, granted, source, actor from privacy_consents"
        " where merchant_id = :m order by id"
    )
    before = await rows(history_sql, m=shop.id)
    assert [(r["type"], r["granted"]) for r in before] == [("newsletter", True), ("referrals", False)]

    redact = {
        "shop_id": 1,
        "shop_domain": shop.domain,
        "customer": {"id": shopify_id, "email": "erase.me@example.net", "phone": "+15555550177"},
        "orders_to_redact": [],
    }
    assert (await shop.webhook("customers/redact", redact)).status_code == 200
    await drain()
    [erased] = await rows(
        "select email_enc, shopify_customer_id from customers where id = :c", c=customer["id"]
    )
    assert erased["email_enc"] is None
    assert await rows(history_sql, m=shop.id) == before
    assert len(await rows("select 1 from referral_invite_opt_outs where merchant_id = :m", m=shop.id)) == 2
