"""Every part of the product honours a consent the customer revokes in the storefront
(updateMyConsents through the signed app proxy), with orders and customers sent as
signed webhooks and processed by the real worker:

- rfm_tracking: the customer's RFM score and segment history are deleted at once, and
  neither a new order nor a full pass scores them again; granted again, they are scored;
- profiling: no nudge is shown to them (me.nudges), while another customer of the same
  segment sees it; nor is a nudge email owed to them;
- referrals: no referral invite goes to their phone number or email address.

Marketing notifications per channel are in ``tests/contexts/notifications/test_consents``."""

from __future__ import annotations

from typing import Any

from loyalnest.contexts.analytics import api as analytics
from loyalnest.platform.uow import unit_of_work
from tests import payloads
from tests.contexts.analytics.nudges_support import make_customer as nudge_customer
from tests.contexts.analytics.nudges_support import make_nudge, set_segment
from tests.contexts.points.helpers import local_id, new_id, order, send
from tests.contexts.support import rows
from tests.graphql.conftest import post_proxy, proxy_params
from tests.graphql.referrals_support import INVITE, enable_program
from tests.graphql.referrals_support import make_customer as referral_customer

UPDATE_MINE = """
mutation ($changes: [ConsentInput!]!) {
  updateMyConsents(changes: $changes) { consents { type granted } userErrors { field code } }
}
"""
NUDGES = "{ me { nudges { nudgeId } } }"
RECOMPUTE = "mutation { recomputeRfm { userErrors { code } } }"


async def choose(http: Any, settings: Any, shop: Any, shopify_id: int, type_: str, granted: bool) -> None:
    result = await post_proxy(
        http,
        proxy_params(settings, shop.domain, shopify_id),
        UPDATE_MINE,
        {"changes": [{"type": type_, "granted": granted}]},
    )
    assert result["data"]["updateMyConsents"]["userErrors"] == [], result


async def rfm_rows(shop: Any, customer_id: int) -> tuple[int, int, int]:
    """(score rows, segment history rows, exclusion rows) of the customer."""
    counts = []
    for table in ("analytics_customer_rfm", "analytics_segment_history", "analytics_rfm_exclusions"):
        found = await rows(
            f"select count(*) as n from {table} where merchant_id = :m and customer_id = :c",
            m=shop.id,
            c=customer_id,
        )
        counts.append(found[0]["n"])
    return counts[0], counts[1], counts[2]


async def full_pass(shop: Any, drain: Any) -> None:
    result = await shop.gql(RECOMPUTE)
    assert result["data"]["recomputeRfm"]["userErrors"] == [], result
    await drain()


async def test_rfm_tracking_revoked_deletes_scores_and_history_and_excludes(shop, drain, http, settings):
    ada_shopify, bob_shopify = new_id(), new_id()
    for shopify_id, subtotal in ((ada_shopify, "40.00"), (ada_shopify, "60.00"), (bob_shopify, "500.00")):
        await order(shop, drain, new_id(), shopify_id, subtotal)
    ada, bob = await local_id(shop, ada_shopify), await local_id(shop, bob_shopify)
    await full_pass(shop, drain)
    scored, history, excluded = await rfm_rows(shop, ada)
    assert (scored, excluded) == (1, 0)
    assert history >= 1

    await choose(http, settings, shop, ada_shopify, "RFM_TRACKING", False)
    assert await rfm_rows(shop, ada) == (0, 0, 1)
    bob_rows = await rfm_rows(shop, bob)
    assert bob_rows[0] == 1

    # neither a new order (real time) nor the full pass scores her again
    await order(shop, drain, new_id(), ada_shopify, "25.00")
    await full_pass(shop, drain)
    assert await rfm_rows(shop, ada) == (0, 0, 1)
    assert (await rfm_rows(shop, bob))[0] == 1
    # her orders are kept (program analytics count them): only what profiled her went
    assert (
        len(
            await rows(
                "select 1 from analytics_orders where merchant_id = :m and customer_id = :c", m=shop.id, c=ada
            )
        )
        == 3
    )

    # granted again: scored from her orders at once
    await choose(http, settings, shop, ada_shopify, "RFM_TRACKING", True)
    scored, history, excluded = await rfm_rows(shop, ada)
    assert (scored, history, excluded) == (1, 1, 0)
    rfm = (await analytics.get_customer_rfm(shop.id, [ada]))[ada]
    assert rfm.order_count == 3


async def test_profiling_revoked_hides_nudges(shop, drain, http, settings):
    shown, hidden = await nudge_customer(shop.id), await nudge_customer(shop.id)
    ids = {
        r["id"]: r["shopify_customer_id"]
        for r in await rows("select id, shopify_customer_id from customers where merchant_id = :m", m=shop.id)
    }
    for customer_id in (shown, hidden):
        await set_segment(shop.id, customer_id, "at_risk")
    nudge = await make_nudge(shop.id)

    async def nudges_of(customer_id: int) -> list[dict[str, Any]]:
        result = await post_proxy(http, proxy_params(settings, shop.domain, ids[customer_id]), NUDGES)
        assert "errors" not in result, result
        return result["data"]["me"]["nudges"]

    assert len(await nudges_of(hidden)) == 1
    await choose(http, settings, shop, ids[hidden], "PROFILING", False)
    assert await nudges_of(hidden) == []
    assert len(await nudges_of(shown)) == 1
    # their RFM score (the shop's statistics) stays; only the targeting stops
    assert len(await rows("select 1 from analytics_customer_rfm where merchant_id = :m", m=shop.id)) == 2

    # nor is a nudge email owed to them: the audience of a segment email leaves them out
    async with unit_of_work() as uow:
        await analytics.request_nudge_email(
            uow, merchant_id=shop.id, actor="staff:test", nudge_id=nudge.id, segment=None
        )
    await drain()
    owed = await rows(
        "select customer_id from notification_deliveries where merchant_id = :m and type = 'nudge'", m=shop.id
    )
    assert [r["customer_id"] for r in owed] == [shown]

    # granted again: shown again
    await choose(http, settings, shop, ids[hidden], "PROFILING", True)
    assert len(await nudges_of(hidden)) == 1


async def test_no_referral_invite_to_a_customer_who_revoked_referrals(shop, drain, http, settings):
    await enable_program(shop)
    _, advocate = await referral_customer(shop)
    friend = new_id()
    await send(
        shop,
        drain,
        "customers/create",
        payloads.customer(
            friend, email="friend@example.net", phone="+15555550142", marketing="not_subscribed"
        ),
    )
    params = proxy_params(settings, shop.domain, advocate)

    async def invite(channel: str, to: str) -> dict[str, Any]:
        result = await post_proxy(http, params, INVITE, {"channel": channel, "to": to})
        assert "errors" not in result, result
        return result["data"]["sendReferralInvite"]

    # a customer's number is not otherwise matched: the invite goes while they consent
    assert (await invite("SMS", "+1 555 555 0142"))["userErrors"] == []

    await choose(http, settings, shop, friend, "REFERRALS", False)
    for channel, to in (("SMS", "+15555550142"), ("EMAIL", "Friend@Example.net")):
        refused = await invite(channel, to)
        assert refused["sent"] is None
        assert [(e["field"], e["code"]) for e in refused["userErrors"]] == [(["to"], "NO_CONSENT")]
    # other addresses are not concerned
    assert (await invite("EMAIL", "someone.else@example.org"))["userErrors"] == []
    invites = await rows("select channel from referral_invites where merchant_id = :m order by id", m=shop.id)
    assert [r["channel"] for r in invites] == ["sms", "email"]

    # granted again: their number takes invites again
    await choose(http, settings, shop, friend, "REFERRALS", True)
    assert (await invite("SMS", "+15555550142"))["userErrors"] == []
