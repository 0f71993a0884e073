"""Realistic Shopify webhook payloads for tests (shapes as Shopify sends them)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any


def money_set(amount: str | Decimal, currency: str = "USD", presentment: str | None = None) -> dict[str, Any]:
    return {
        "shop_money": {"amount": str(amount), "currency_code": currency},
        "presentment_money": {"amount": str(amount), "currency_code": presentment or currency},
    }


def customer(
    shopify_id: int,
    *,
    email: str | None = "jane@example.com",
    first_name: str = "Jane",
    last_name: str = "Doe",
    phone: str | None = "+15555550100",
    updated_at: str = "2026-11-01T10:00:00-05:00",
    marketing: str = "subscribed",
    tags: str = "",
    birthday: str | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": shopify_id,
        "email": email,
        "first_name": first_name,
        "last_name": last_name,
        "phone": phone,
        "state": "enabled",
        "tags": tags,
        "currency": "USD",
        "created_at": "2026-10-01T10:00:00-05:00",
        "updated_at": updated_at,
        "verified_email": True,
        "email_marketing_consent": {"state": marketing, "opt_in_level": "single_opt_in"},
    }
    if birthday is not None:
        body["metafields"] = [{"namespace": "facts", "key": "birth_date", "value": birthday}]
    return body


def order(
    order_id: int,
    *,
    subtotal: str = "100.00",
    shipping: str = "10.00",
    tax: str = "8.00",
    customer_body: dict[str, Any] | None = None,
    currency: str = "USD",
    presentment_currency: str | None = None,
    presentment_subtotal: str | None = None,
    taxes_included: bool = False,
    discount_codes: list[str] | None = None,
) -> dict[str, Any]:
    presentment = presentment_currency or currency
    return {
        "id": order_id,
        "admin_graphql_api_id": f"gid://shopify/Order/{order_id}",
        "name": f"#{order_id}",
        "currency": presentment,
        "presentment_currency": presentment,
        "subtotal_price": presentment_subtotal or subtotal,
        "subtotal_price_set": {
            "shop_money": {"amount": subtotal, "currency_code": currency},
            "presentment_money": {"amount": presentment_subtotal or subtotal, "currency_code": presentment},
        },
        "total_shipping_price_set": money_set(shipping, currency, presentment),
        "total_tax": tax,
        "total_tax_set": money_set(tax, currency, presentment),
        "taxes_included": taxes_included,
        "total_price": str(Decimal(subtotal) + Decimal(shipping) + Decimal(tax)),
        "discount_codes": [
            {"code": c, "amount": "5.00", "type": "fixed_amount"} for c in discount_codes or []
        ],
        "financial_status": "paid",
        "cancelled_at": None,
        "customer": customer_body,
        "line_items": [],
    }


def refund(
    refund_id: int, order_id: int, *, subtotal: str, tax: str = "0.00", shipping: str | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": refund_id,
        "order_id": order_id,
        "created_at": "2026-11-02T10:00:00-05:00",
        "refund_line_items": [
            {
                "id": refund_id * 10,
                "quantity": 1,
                "line_item_id": refund_id * 100,
                "subtotal": subtotal,
                "subtotal_set": money_set(subtotal),
                "total_tax": tax,
                "total_tax_set": money_set(tax),
            }
        ],
        "order_adjustments": [],
        "transactions": [],
    }
    if shipping is not None:
        body["order_adjustments"].append(
            {
                "id": refund_id * 7,
                "kind": "shipping_refund",
                "amount": f"-{shipping}",
                "amount_set": money_set(f"-{shipping}"),
            }
        )
    return body
