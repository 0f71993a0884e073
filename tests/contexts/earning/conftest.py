"""Helpers for the earning tests: shops whose ways to earn are on, rules changed through
GraphQL as a merchant would, and the ledger rows each trigger wrote."""

from __future__ import annotations

from typing import Any

import pytest

from tests.contexts.support import rows

UPDATE_RULE = """
mutation ($t: EarningTrigger!, $i: EarningRuleInput!) {
  updateEarningRule(trigger: $t, input: $i) {
    earningRule { trigger enabled points }
    userErrors { field message code }
  }
}
"""


async def set_rule(shop: Any, trigger: str, **changes: Any) -> dict[str, Any]:
    result = await shop.gql(UPDATE_RULE, {"t": trigger, "i": changes})
    payload = result["data"]["updateEarningRule"]
    assert payload["userErrors"] == [], payload
    return payload["earningRule"]


async def earnings(merchant_id: int, shopify_customer_id: int | None = None) -> list[tuple[str, int]]:
    """(source, delta) of the shop's earn rows, oldest first, optionally of one customer."""
    sql = (
        "select l.source, l.delta from points_ledger l"
        " join customers c on c.merchant_id = l.merchant_id and c.id = l.customer_id"
        " where l.merchant_id = :m and l.kind = 'earn'"
    )
    params: dict[str, Any] = {"m": merchant_id}
    if shopify_customer_id is not None:
        sql += " and c.shopify_customer_id = :s"
        params["s"] = shopify_customer_id
    return [(r["source"], r["delta"]) for r in await rows(sql + " order by l.id", **params)]


@pytest.fixture
async def program_shop(make_shop: Any) -> Any:
    """A shop with the shipped program: every way to earn on, with the default points."""
    return await make_shop(shipped_program=True)
