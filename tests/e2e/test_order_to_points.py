"""The vertical slice: a signed Shopify order comes in, points come out, over GraphQL."""

from __future__ import annotations

from tests import payloads

CUSTOMER_QUERY = """
query ($id: ID!) {
  customer(id: $id) {
    id email pointsBalance lifetimePoints
    transactions(first: 10) { nodes { delta kind source sourceRef balanceAfter shortfall } }
  }
}
"""


async def test_order_created_awards_points_visible_in_graphql(shop, drain):
    response = await shop.webhook(
        "orders/create", payloads.order(9001, subtotal="123.45", customer_body=payloads.customer(501))
    )
    assert response.status_code == 200
    assert response.json() == {"status": "accepted"}
    await drain()

    found = await shop.gql('{ customerByShopifyId(shopifyId: "501") { id pointsBalance } }')
    customer = found["data"]["customerByShopifyId"]
    assert customer["pointsBalance"] == 123  # 1 point per unit, rounded down

    result = await shop.gql(CUSTOMER_QUERY, {"id": customer["id"]})
    data = result["data"]["customer"]
    assert data["email"] == "jane@example.com"
    assert data["lifetimePoints"] == 123
    assert data["transactions"]["nodes"] == [
        {
            "delta": 123,
            "kind": "EARN",
            "source": "order",
            "sourceRef": "order:9001",
            "balanceAfter": 123,
            "shortfall": 0,
        }
    ]
