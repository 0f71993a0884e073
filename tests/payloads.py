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
    locale: str | None = "en",
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
    if locale is not None:
        body["locale"] = locale
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
    financial_status: str = "paid",
    fulfillment_status: str | None = None,
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
        "financial_status": financial_status,
        "fulfillment_status": fulfillment_status,
        "cancelled_at": None,
        "customer": customer_body,
        "line_items": [],
    }


def fulfillment(fulfillment_id: int, order_id: int, *, status: str = "success") -> dict[str, Any]:
    """A fulfillments/create payload (the shape of Shopify's sample, trimmed)."""
    return {
        "id": fulfillment_id,
        "order_id": order_id,
        "status": status,
        "created_at": "2026-12-06T10:00:00-05:00",
        "service": "manual",
        "shipment_status": None,
        "location_id": 905684977,
        "tracking_company": "UPS",
        "tracking_number": "1Z2345",
        "admin_graphql_api_id": f"gid://shopify/Fulfillment/{fulfillment_id}",
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


# Shopify's own refund fixture, verbatim from Shopify/shopify_python_api
# (test/fixtures/refund.json, commit 2f53a7c81a642d6d5cf9852bc8d77a6c758c25da): the older API
# shape, whose refund_line_items carry no subtotal or tax of their own, only the quantity
# refunded and the order's line item. (Its transaction, 209.00, does not add up to the
# lines; the fixture is what it is.)
SHOPIFY_PYTHON_API_REFUND: dict[str, Any] = {
    "refund": {
        "id": 509562969,
        "order_id": 450789469,
        "created_at": "2016-06-20T13:35:06-04:00",
        "note": "it broke during shipping",
        "restock": True,
        "user_id": 799407056,
        "refund_line_items": [
            {
                "id": 104689539,
                "quantity": 1,
                "line_item_id": 703073504,
                "line_item": {
                    "id": 703073504,
                    "variant_id": 457924702,
                    "title": "IPod Nano - 8gb",
                    "quantity": 1,
                    "price": "199.00",
                    "grams": 200,
                    "sku": "IPOD2008BLACK",
                    "variant_title": "black",
                    "vendor": None,
                    "fulfillment_service": "manual",
                    "product_id": 632910392,
                    "requires_shipping": True,
                    "taxable": True,
                    "gift_card": False,
                    "name": "IPod Nano - 8gb - black",
                    "variant_inventory_management": "shopify",
                    "properties": [],
                    "product_exists": True,
                    "fulfillable_quantity": 1,
                    "total_discount": "0.00",
                    "fulfillment_status": None,
                    "tax_lines": [{"title": "State Tax", "price": "3.98", "rate": 0.06}],
                },
            },
            {
                "id": 709875399,
                "quantity": 1,
                "line_item_id": 466157049,
                "line_item": {
                    "id": 466157049,
                    "variant_id": 39072856,
                    "title": "IPod Nano - 8gb",
                    "quantity": 1,
                    "price": "199.00",
                    "grams": 200,
                    "sku": "IPOD2008GREEN",
                    "variant_title": "green",
                    "vendor": None,
                    "fulfillment_service": "manual",
                    "product_id": 632910392,
                    "requires_shipping": True,
                    "taxable": True,
                    "gift_card": False,
                    "name": "IPod Nano - 8gb - green",
                    "variant_inventory_management": "shopify",
                    "properties": [
                        {"name": "Custom Engraving Front", "value": "Happy Birthday"},
                        {"name": "Custom Engraving Back", "value": "Merry Christmas"},
                    ],
                    "product_exists": True,
                    "fulfillable_quantity": 1,
                    "total_discount": "0.00",
                    "fulfillment_status": None,
                    "tax_lines": [{"title": "State Tax", "price": "3.98", "rate": 0.06}],
                },
            },
        ],
        "transactions": [
            {
                "id": 179259969,
                "order_id": 450789469,
                "amount": "209.00",
                "kind": "refund",
                "gateway": "bogus",
                "status": "success",
                "message": None,
                "created_at": "2005-08-05T12:59:12-04:00",
                "test": False,
                "authorization": "authorization-key",
                "currency": "USD",
                "location_id": None,
                "user_id": None,
                "parent_id": None,
                "device_id": None,
                "receipt": {},
                "error_code": None,
                "source_name": "web",
            }
        ],
        "order_adjustments": [],
    }
}


def _sample_line(line_id: int, name: str, price: str, product_id: int | None) -> dict[str, Any]:
    return {
        "id": line_id,
        "admin_graphql_api_id": f"gid://shopify/LineItem/{line_id}",
        "current_quantity": 1,
        "fulfillable_quantity": 1,
        "fulfillment_status": None,
        "gift_card": False,
        "name": name,
        "price": price,
        "price_set": money_set(price),
        "product_exists": product_id is not None,
        "product_id": product_id,
        "quantity": 1,
        "requires_shipping": True,
        "taxable": True,
        "title": name,
        "total_discount": "0.00",
        "total_discount_set": money_set("0.00"),
        "variant_id": None,
        "tax_lines": [],
        "duties": [],
        "discount_allocations": [],
    }


def shopify_sample_order_create() -> dict[str, Any]:
    """Shopify's own sample ``orders/create`` payload (the one its admin's "Send test
    notification" and the webhook reference show: order 820982911946154508, "#9999"),
    with the fields earning reads kept as Shopify has them (addresses, client and
    shipping-line details left out). It is a test order, voided and already cancelled:
    at 10 points per unit its 404.95 subtotal would be 4,049 points."""
    return {
        "id": 820982911946154508,
        "admin_graphql_api_id": "gid://shopify/Order/820982911946154508",
        "buyer_accepts_marketing": True,
        "cancel_reason": "customer",
        "cancelled_at": "2021-12-31T19:00:00-05:00",
        "confirmed": False,
        "contact_email": "jon@example.com",
        "created_at": "2021-12-31T19:00:00-05:00",
        "currency": "USD",
        "current_subtotal_price": "414.95",
        "current_subtotal_price_set": money_set("414.95"),
        "current_total_price": "414.95",
        "current_total_price_set": money_set("414.95"),
        "current_total_tax": "0.00",
        "current_total_tax_set": money_set("0.00"),
        "discount_codes": [],
        "email": "jon@example.com",
        "financial_status": "voided",
        "fulfillment_status": None,
        "name": "#9999",
        "number": 234,
        "order_number": 1234,
        "payment_gateway_names": ["visa", "bogus"],
        "phone": None,
        "presentment_currency": "USD",
        "processed_at": "2021-12-31T19:00:00-05:00",
        "source_name": "web",
        "subtotal_price": "404.95",
        "subtotal_price_set": money_set("404.95"),
        "tags": "tag1, tag2",
        "tax_lines": [],
        "taxes_included": False,
        "test": True,
        "token": "123456abcd",
        "total_discounts": "20.00",
        "total_discounts_set": money_set("20.00"),
        "total_line_items_price": "414.95",
        "total_line_items_price_set": money_set("414.95"),
        "total_outstanding": "414.95",
        "total_price": "404.95",
        "total_price_set": money_set("404.95"),
        "total_shipping_price_set": money_set("10.00"),
        "total_tax": "0.00",
        "total_tax_set": money_set("0.00"),
        "updated_at": "2021-12-31T19:00:00-05:00",
        "customer": {
            "id": 115310627314723954,
            "created_at": None,
            "updated_at": None,
            "first_name": "John",
            "last_name": "Smith",
            "state": "disabled",
            "note": None,
            "verified_email": True,
            "multipass_identifier": None,
            "tax_exempt": False,
            "email": "john@example.com",
            "phone": None,
            "currency": "USD",
            "tax_exemptions": [],
            "admin_graphql_api_id": "gid://shopify/Customer/115310627314723954",
        },
        "discount_applications": [],
        "fulfillments": [],
        "line_items": [
            _sample_line(487817672276298554, "Aviator sunglasses", "89.99", 788032119674292922),
            _sample_line(789012345678901234, "Lens Protection Plan (2 Year)", "19.99", None),
            _sample_line(890123456789012345, "Premium Leather Case", "24.99", None),
            _sample_line(976318377106520349, "Mid-century lounger", "159.99", 788032119674292922),
            _sample_line(315789986012684393, "Coffee table", "119.99", 788032119674292922),
        ],
        "refunds": [],
    }


def shopify_sample_shop_update() -> dict[str, Any]:
    """Shopify's own sample ``shop/update`` payload (its admin's "Send test notification":
    "Super Toys"), the shop resource as the webhook carries it; as in Shopify's sample,
    ``iana_timezone``, ``updated_at`` and ``myshopify_domain`` are null."""
    return {
        "id": 548380009,
        "name": "Super Toys",
        "email": "super@supertoys.com",
        "domain": None,
        "province": "Tennessee",
        "country": "US",
        "address1": "190 MacLaren Street",
        "zip": "37178",
        "city": "Houston",
        "source": None,
        "phone": "3213213210",
        "latitude": None,
        "longitude": None,
        "primary_locale": "en",
        "address2": None,
        "created_at": None,
        "updated_at": None,
        "country_code": "US",
        "country_name": "United States",
        "currency": "USD",
        "customer_email": "super@supertoys.com",
        "timezone": "(GMT-05:00) Eastern Time (US & Canada)",
        "iana_timezone": None,
        "shop_owner": "John Smith",
        "money_format": "${{amount}}",
        "money_with_currency_format": "${{amount}} USD",
        "weight_unit": "kg",
        "province_code": "TN",
        "taxes_included": None,
        "auto_configure_tax_inclusivity": None,
        "tax_shipping": None,
        "county_taxes": None,
        "plan_display_name": "Shopify Plus",
        "plan_name": "enterprise",
        "has_discounts": False,
        "has_gift_cards": True,
        "myshopify_domain": None,
        "google_apps_domain": None,
        "google_apps_login_enabled": None,
        "money_in_emails_format": "${{amount}}",
        "money_with_currency_in_emails_format": "${{amount}} USD",
        "eligible_for_payments": True,
        "requires_extra_payments_agreement": False,
        "password_enabled": None,
        "has_storefront": True,
        "finances": True,
        "primary_location_id": 655441491,
        "checkout_api_supported": True,
        "multi_location_enabled": True,
        "setup_required": False,
        "pre_launch_enabled": False,
        "enabled_presentment_currencies": ["USD"],
        "marketing_sms_consent_enabled_at_checkout": False,
        "transactional_sms_disabled": False,
    }
