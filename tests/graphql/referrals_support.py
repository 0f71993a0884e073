"""What the referral GraphQL tests share: a program switched on through the API, advocates
made the way Shopify tells us about customers, and claims sent as the storefront sends
them (Shopify-signed app-proxy requests, signed in or not)."""

from __future__ import annotations

import itertools
from typing import Any

import httpx

from loyalnest.contexts.customers import api as customers
from loyalnest.platform.uow import unit_of_work
from tests.graphql.conftest import post_proxy, proxy_params

UPDATE_PROGRAM = """
mutation ($input: ReferralProgramInput!) {
  updateReferralProgram(input: $input) {
    referralProgram {
      enabled friendKind friendValue friendMinOrder friendCodeValidityDays advocateKind advocatePoints
      advocateRewardId minOrderSubtotal confirmationDays claimValidityDays monthlyCap
      milestones { count points } tierMultiplierApplies velocityPerWeek disposableDomainsBlocked
      disposableDomainsExtra disposableDomainsAllowed checks { check enabled } createdAt updatedAt
    }
    userErrors { field message code }
  }
}
"""

CLAIM = """
mutation ($code: String!, $email: String!) {
  claimReferral(code: $code, email: $email) { claim { code expiresAt } userErrors { field message code } }
}
"""

INVITE = """
mutation ($channel: ReferralInviteChannel!, $to: String!) {
  sendReferralInvite(channel: $channel, to: $to) { sent remainingToday userErrors { field message code } }
}
"""

MY_REFERRAL = """
{ me { referral {
  enabled code link share { email sms whatsapp facebook x }
  friendOffer { text kind value minOrder validityDays }
  advocateReward { kind points reward { id } }
  progress { invited clicked claimed completed rewarded pendingRewards
    nextMilestone { count points } toNextMilestone }
} } }
"""

# Shopify customer ids nobody else uses in this test process
_shopify_ids = itertools.count(61_000_000)
# addresses the app proxy forwards, one per simulated visitor
_addresses = (
    f"203.0.113.{n % 250 + 1}" if n < 250 else f"198.51.100.{n % 250 + 1}" for n in itertools.count()
)


async def enable_program(shop: Any, **fields: Any) -> dict[str, Any]:
    """The shop's program switched on by its staff: $10 off for friends unless ``fields``
    (GraphQL names) say otherwise."""
    result = await shop.gql(
        UPDATE_PROGRAM,
        {"input": {"enabled": True, "friendKind": "FIXED_AMOUNT", "friendValue": "10", **fields}},
    )
    payload = result["data"]["updateReferralProgram"]
    assert payload["userErrors"] == [], payload
    return payload["referralProgram"]


async def make_customer(
    shop: Any, *, email: str | None = None, shopify_id: int | None = None
) -> tuple[int, int]:
    """A customer of the shop as a customers/create webhook leaves one: (our id, Shopify id)."""
    shopify_id = shopify_id or next(_shopify_ids)
    async with unit_of_work() as uow:
        local = await customers.upsert_from_shopify(
            uow,
            shop.id,
            customers.ShopifyCustomerFacts(
                shopify_customer_id=shopify_id, email=email or f"c{shopify_id}@example.com"
            ),
        )
    return local, shopify_id


async def my_referral(http: httpx.AsyncClient, settings: Any, shop: Any, shopify_id: int) -> dict[str, Any]:
    result = await post_proxy(http, proxy_params(settings, shop.domain, shopify_id), MY_REFERRAL)
    assert "errors" not in result, result
    return result["data"]["me"]["referral"]


def next_address() -> str:
    return next(_addresses)


async def claim(
    http: httpx.AsyncClient,
    settings: Any,
    shop: Any,
    code: str,
    email: str,
    *,
    customer: int | None = None,
    address: str | None = None,
) -> dict[str, Any]:
    """claimReferral through /proxy/graphql: anonymous unless ``customer`` (a Shopify id)
    is signed in, from ``address`` (a fresh one unless given)."""
    result = await post_proxy(
        http,
        proxy_params(settings, shop.domain, customer),
        CLAIM,
        {"code": code, "email": email},
        headers={"X-Forwarded-For": f"{address or next_address()}, 10.0.0.1"},
    )
    assert "errors" not in result, result
    return result["data"]["claimReferral"]
