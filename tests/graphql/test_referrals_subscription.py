"""Live referral progress over graphql-transport-ws on /graphql (myReferralProgress): the
storefront customer's widget gets the current counts at once, then the new counts after
each change, published by the context after commit through Redis pub/sub (claims made
over HTTP, an order attributed by the worker). Only the customer themself may subscribe."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from loyalnest.contexts.referrals import api as referrals
from loyalnest.http.auth import mint_customer_token
from loyalnest.platform.tenancy import Customer
from tests import payloads
from tests.graphql.conftest import wait_for_subscribers, ws_session
from tests.graphql.referrals_support import claim, enable_program, make_customer, my_referral

PROGRESS = """
subscription { myReferralProgress { invited clicked claimed completed rewarded pendingRewards
  nextMilestone { count points } toNextMilestone } }
"""


async def _next(ws: Any, op: str) -> dict[str, Any]:
    message = await ws.receive()
    assert message["id"] == op, message
    assert message["type"] == "next", message
    assert "errors" not in message["payload"], message
    return message["payload"]["data"]["myReferralProgress"]


def _token(shop: Any, shopify_id: int, local: int | None) -> str:
    return mint_customer_token(
        shop.settings,
        Customer(
            merchant_id=shop.id, shop_domain=shop.domain, shopify_customer_id=shopify_id, customer_id=local
        ),
    )


async def test_the_advocate_follows_their_progress_live(shop, make_shop, server, http, settings, drain):
    await enable_program(shop, milestones=[{"count": 2, "points": 100}])
    local, advocate = await make_customer(shop)
    code = (await my_referral(http, settings, shop, advocate))["code"]
    # another advocate of the same shop, and the same person in another shop: their
    # changes are not ours (a leaked nudge would add a message and shift the sequence)
    _, neighbour = await make_customer(shop)
    neighbour_code = (await my_referral(http, settings, shop, neighbour))["code"]
    other = await make_shop()
    await enable_program(other)
    other_local, _ = await make_customer(other, shopify_id=advocate)
    other_code = (await my_referral(http, settings, other, advocate))["code"]

    async with (
        ws_session(server, {"customerToken": _token(shop, advocate, local)}) as ws,
        ws_session(server, {"customerToken": _token(other, advocate, other_local)}) as elsewhere,
    ):
        elsewhere_op = await elsewhere.subscribe(PROGRESS)
        assert (await _next(elsewhere, elsewhere_op))["claimed"] == 0
        op = await ws.subscribe(PROGRESS)
        # the current state first: no separate fetch needed
        assert await _next(ws, op) == {
            "invited": 0,
            "clicked": 0,
            "claimed": 0,
            "completed": 0,
            "rewarded": 0,
            "pendingRewards": 0,
            "nextMilestone": {"count": 2, "points": 100},
            "toNextMilestone": 2,
        }
        await wait_for_subscribers(referrals.referral_progress_channel(shop.id, local))

        assert (await claim(http, settings, shop, neighbour_code, "n1@example.org"))["userErrors"] == []
        assert (await claim(http, settings, shop, code, "f1@example.org"))["userErrors"] == []
        # the neighbour's claim sent nothing here: the next message is our own claim
        assert (await _next(ws, op))["claimed"] == 1
        assert (await claim(http, settings, shop, code, "f2@example.org"))["userErrors"] == []
        assert (await _next(ws, op))["claimed"] == 2
        # a friend's order through the advocate's link, attributed by the worker (another
        # thread and event loop): published from there through Redis
        now = datetime.now(UTC).isoformat()
        body = payloads.order(
            9_300_001,
            subtotal="60.00",
            customer_body={
                **payloads.customer(9_300_002, email="buyer@example.org", phone=None),
                "created_at": now,
            },
        )
        body.update(landing_site=f"/?ref={code}", created_at=now)
        assert (await shop.webhook("orders/create", body)).status_code == 200
        await drain()
        assert (await _next(ws, op))["pendingRewards"] == 500
        # the other shop's subscriber saw none of it: its next message is its own claim
        await wait_for_subscribers(referrals.referral_progress_channel(other.id, other_local))
        assert (await claim(http, settings, other, other_code, "o1@example.org"))["userErrors"] == []
        assert (await _next(elsewhere, elsewhere_op))["claimed"] == 1


async def test_only_a_known_storefront_customer_may_subscribe(shop, server):
    async with ws_session(server, {"Authorization": f"Bearer {shop.token()}"}) as staff:
        op = await staff.subscribe(PROGRESS)
        errors = await staff.errors_of(op)
        assert errors[0]["extensions"]["code"] == "UNAUTHENTICATED"
    async with ws_session(server, {"customerToken": _token(shop, 99_999_003, None)}) as stranger:
        op = await stranger.subscribe(PROGRESS)
        errors = await stranger.errors_of(op)
        assert errors[0]["extensions"]["code"] == "NOT_FOUND"
