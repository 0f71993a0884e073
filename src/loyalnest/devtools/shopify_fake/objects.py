"""The objects the fake answers with: the shop and a discount code node (projected
afterwards onto the client's selection)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from loyalnest.devtools.shopify_fake.records import FakeDiscount, FakeShop


def _shop_object(shop: FakeShop) -> dict[str, Any]:
    plus = shop.plan in ("plus", "shopify_plus")
    return {
        "__typename": "Shop",
        "id": shop.gid,
        "name": shop.name,
        "myshopifyDomain": shop.domain,
        "url": f"https://{shop.domain}",
        "email": f"owner@{shop.domain}",
        "currencyCode": shop.currency,
        "ianaTimezone": "UTC",
        "plan": {
            "__typename": "ShopPlan",
            "shopifyPlus": plus,
            "partnerDevelopment": False,
            "publicDisplayName": "Plus" if plus else "Basic",
        },
    }


def _discount_node(discount: FakeDiscount) -> dict[str, Any]:
    given = discount.input
    starts = given.get("startsAt")
    ends = given.get("endsAt")
    limit = given.get("usageLimit")
    status = "ACTIVE"
    if ends is not None and ends <= datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"):
        status = "EXPIRED"
    if discount.deactivated:
        status = "EXPIRED"  # what Shopify shows for a deactivated code discount
    code_node = {
        "__typename": "DiscountRedeemCode",
        "id": discount.gid.replace("DiscountCodeNode", "DiscountRedeemCode"),
        "code": discount.code,
        "asyncUsageCount": discount.usage_count,
    }
    code_discount = {
        "__typename": discount.typename,
        "title": given.get("title"),
        "status": status,
        "startsAt": starts,
        "endsAt": ends,
        "usageLimit": limit,
        "appliesOncePerCustomer": bool(given.get("appliesOncePerCustomer")),
        "asyncUsageCount": discount.usage_count,
        "codesCount": {"__typename": "Count", "count": 1, "precision": "EXACT"},
        "codes": {"__typename": "DiscountRedeemCodeConnection", "nodes": [code_node]},
        "createdAt": discount.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    return {"__typename": "DiscountCodeNode", "id": discount.gid, "codeDiscount": code_discount}
