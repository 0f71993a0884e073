"""The storefront's nudges through /proxy/graphql, signed as Shopify's app proxy signs
them: me.nudges (segment, variant, locale, dismissal), recordNudgeEvent (counted once a
day, rate-limited per customer), and tenancy between two shops."""

from __future__ import annotations

from typing import Any

from loyalnest.contexts.analytics import api as analytics
from loyalnest.graphql.core.ids import encode_id
from tests.contexts.analytics.nudges_support import make_customer, make_nudge, set_segment
from tests.contexts.support import rows
from tests.graphql.conftest import post_proxy, proxy_params

ME = """
query ($locale: String) {
  me { nudges(locale: $locale) { nudgeId variantId type title body ctaLabel ctaUrl } }
}
"""

RECORD = """
mutation ($n: ID!, $v: ID!, $k: NudgeEventKind!) {
  recordNudgeEvent(nudgeId: $n, variantId: $v, kind: $k) { counted userErrors { field message code } }
}
"""


async def me(http: Any, settings: Any, shop: Any, shopify_id: int, locale: str | None = None) -> list[dict]:
    result = await post_proxy(http, proxy_params(settings, shop.domain, shopify_id), ME, {"locale": locale})
    assert "errors" not in result, result
    return result["data"]["me"]["nudges"]


async def event(http: Any, settings: Any, shop: Any, shopify_id: int, n: str, v: str, kind: str) -> dict:
    result = await post_proxy(
        http, proxy_params(settings, shop.domain, shopify_id), RECORD, {"n": n, "v": v, "k": kind}
    )
    assert "errors" not in result, result
    return result["data"]["recordNudgeEvent"]


async def test_a_customer_sees_records_and_dismisses_their_nudge(http, settings, shop) -> None:
    customer = await make_customer(shop.id, shopify_id=None)
    shopify_id = (await rows("SELECT shopify_customer_id FROM customers WHERE id = :c", c=customer))[0][
        "shopify_customer_id"
    ]
    await set_segment(shop.id, customer, "at_risk")
    nudge = await make_nudge(shop.id, hide_days=2)

    [shown] = await me(http, settings, shop, shopify_id, "fr-CA")
    assert shown == {
        "nudgeId": encode_id("Nudge", nudge.id),
        "variantId": encode_id("NudgeVariant", nudge.variants[0].id),
        "type": "AT_RISK",
        "title": "Vous nous manquez",
        "body": "Points doublés cette semaine",
        "ctaLabel": "Acheter",
        "ctaUrl": "/collections/new",
    }
    n, v = shown["nudgeId"], shown["variantId"]
    assert await event(http, settings, shop, shopify_id, n, v, "VIEW") == {"counted": True, "userErrors": []}
    assert (await event(http, settings, shop, shopify_id, n, v, "VIEW"))["counted"] is False
    assert (await event(http, settings, shop, shopify_id, n, v, "CLICK"))["counted"] is True
    assert (await event(http, settings, shop, shopify_id, n, v, "DISMISS"))["counted"] is True
    assert await me(http, settings, shop, shopify_id) == []

    results = await analytics.nudge_results(shop.id, nudge.id)
    assert results is not None
    assert [(r.views, r.clicks) for r in results.variants] == [(1, 1)]

    wrong = await event(http, settings, shop, shopify_id, n, encode_id("NudgeVariant", 10**12), "VIEW")
    assert wrong["userErrors"][0]["code"] == "NOT_FOUND"
    assert wrong["counted"] is None
    assert wrong["userErrors"][0]["field"] == ["variantId"]


async def test_events_are_rate_limited_per_customer(http, settings, shop) -> None:
    customer = await make_customer(shop.id)
    other = await make_customer(shop.id)
    ids = await rows(
        "SELECT id, shopify_customer_id FROM customers WHERE id IN (:a, :b)", a=customer, b=other
    )
    shopify = {r["id"]: r["shopify_customer_id"] for r in ids}
    nudge = await make_nudge(shop.id)
    n, v = encode_id("Nudge", nudge.id), encode_id("NudgeVariant", nudge.variants[0].id)
    limit = settings.nudge_event_limit_per_minute
    for _ in range(limit):
        assert (await event(http, settings, shop, shopify[customer], n, v, "VIEW"))["userErrors"] == []
    refused = await event(http, settings, shop, shopify[customer], n, v, "VIEW")
    assert refused["userErrors"][0]["code"] == "RATE_LIMITED"
    # another customer is not held back
    assert (await event(http, settings, shop, shopify[other], n, v, "VIEW"))["counted"] is True


async def test_a_customer_not_known_yet_has_no_nudges_and_cannot_record(http, settings, shop) -> None:
    nudge = await make_nudge(shop.id)
    assert await me(http, settings, shop, 987_654_321_000) == []
    n, v = encode_id("Nudge", nudge.id), encode_id("NudgeVariant", nudge.variants[0].id)
    refused = await event(http, settings, shop, 987_654_321_000, n, v, "VIEW")
    assert refused["userErrors"][0]["code"] == "NOT_ENROLLED"


async def test_shop_b_customers_see_and_touch_nothing_of_shop_a(http, settings, make_shop) -> None:
    a, b = await make_shop(), await make_shop()
    customer_b = await make_customer(b.id)
    await set_segment(b.id, customer_b, "at_risk")
    shopify_b = (await rows("SELECT shopify_customer_id FROM customers WHERE id = :c", c=customer_b))[0][
        "shopify_customer_id"
    ]
    nudge_a = await make_nudge(a.id)
    assert await me(http, settings, b, shopify_b) == []
    n, v = encode_id("Nudge", nudge_a.id), encode_id("NudgeVariant", nudge_a.variants[0].id)
    refused = await event(http, settings, b, shopify_b, n, v, "CLICK")
    assert refused["userErrors"][0]["code"] == "NOT_FOUND"
    assert await rows("SELECT 1 FROM analytics_nudge_events WHERE nudge_id = :n", n=nudge_a.id) == []
    # staff of B: the storefront mutation is not theirs
    staff = await b.gql(RECORD, {"n": n, "v": v, "k": "VIEW"})
    assert staff["data"]["recordNudgeEvent"] is None


RESULTS = """
query ($id: ID!) {
  nudgeResults(id: $id) { variants { views clicks conversions convertedCustomers revenue conversionRate } }
}
"""


async def test_an_order_after_a_click_converts_through_the_webhook(http, settings, shop, drain) -> None:
    from tests import payloads

    shopify_id = 880_000_000 + shop.id
    customer = await make_customer(shop.id, shopify_id=shopify_id, email="clicker@example.com")
    await set_segment(shop.id, customer, "at_risk")
    nudge = await make_nudge(shop.id)
    [shown] = await me(http, settings, shop, shopify_id)
    for kind in ("VIEW", "CLICK"):
        await event(http, settings, shop, shopify_id, shown["nudgeId"], shown["variantId"], kind)

    order_id = 5_500_000_000 + shop.id
    body = payloads.order(order_id, customer_body=payloads.customer(shopify_id, email="clicker@example.com"))
    assert (await shop.webhook("orders/create", body)).status_code == 200
    await drain()

    result = await shop.gql(RESULTS, {"id": encode_id("Nudge", nudge.id)})
    assert result["data"]["nudgeResults"]["variants"] == [
        {
            "views": 1,
            "clicks": 1,
            "conversions": 1,
            "convertedCustomers": 1,
            "revenue": "100.00",
            "conversionRate": 1.0,
        }
    ]
