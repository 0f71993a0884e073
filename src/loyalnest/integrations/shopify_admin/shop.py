"""The shop and its customers as Shopify has them now (Admin GraphQL reads).

Customers' email is ``defaultEmailAddress.emailAddress`` in the pinned version (2025-10).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from loyalnest.integrations.shopify_admin.client import ShopifyAdminError, admin_graphql
from loyalnest.integrations.shopify_admin.gids import check_gid

SHOP_QUERY = """
query shop {
  shop {
    id
    name
    myshopifyDomain
    currencyCode
    plan { shopifyPlus partnerDevelopment }
  }
}
"""
SHOP_QUERY_COST = 2

CUSTOMER_QUERY = """
query customer($id: ID!) {
  customer(id: $id) {
    id
    displayName
    numberOfOrders
    tags
    defaultEmailAddress { emailAddress }
    amountSpent { amount currencyCode }
  }
}
"""
CUSTOMER_QUERY_COST = 3


@dataclass(frozen=True)
class ShopInfo:
    gid: str
    name: str
    myshopify_domain: str
    currency_code: str
    shopify_plus: bool
    partner_development: bool


@dataclass(frozen=True)
class CustomerInfo:
    gid: str
    display_name: str
    email: str | None
    number_of_orders: int
    amount_spent: Decimal | None
    amount_spent_currency: str | None
    tags: tuple[str, ...]

    def __repr__(self) -> str:  # PII stays out of logs and tracebacks
        return f"CustomerInfo(gid={self.gid!r}, number_of_orders={self.number_of_orders})"


# --- shop and customers -------------------------------------------------------------


async def get_shop(merchant_id: int) -> ShopInfo:
    response = await admin_graphql(merchant_id, SHOP_QUERY, estimated_cost=SHOP_QUERY_COST)
    shop = response.data.get("shop")
    if not isinstance(shop, Mapping):
        raise ShopifyAdminError("INVALID_RESPONSE", "shop query returned no shop", attempts=response.attempts)
    plan = shop.get("plan") or {}
    return ShopInfo(
        gid=str(shop.get("id")),
        name=str(shop.get("name")),
        myshopify_domain=str(shop.get("myshopifyDomain")),
        currency_code=str(shop.get("currencyCode")),
        shopify_plus=bool(plan.get("shopifyPlus")),
        partner_development=bool(plan.get("partnerDevelopment")),
    )


async def get_customer(merchant_id: int, customer_gid: str) -> CustomerInfo | None:
    """The customer as Shopify has it now; None if the shop has no such customer."""
    check_gid(customer_gid, "Customer", field="customerGid")
    response = await admin_graphql(
        merchant_id, CUSTOMER_QUERY, {"id": customer_gid}, estimated_cost=CUSTOMER_QUERY_COST
    )
    customer = response.data.get("customer")
    if not isinstance(customer, Mapping):
        return None
    email = (customer.get("defaultEmailAddress") or {}).get("emailAddress")
    spent = customer.get("amountSpent") or {}
    amount = None
    if spent.get("amount") is not None:
        try:
            amount = Decimal(str(spent["amount"]))
        except InvalidOperation:
            amount = None
    return CustomerInfo(
        gid=str(customer.get("id")),
        display_name=str(customer.get("displayName") or ""),
        email=email if isinstance(email, str) else None,
        number_of_orders=int(customer.get("numberOfOrders") or 0),
        amount_spent=amount,
        amount_spent_currency=spent.get("currencyCode"),
        tags=tuple(str(t) for t in customer.get("tags") or ()),
    )
