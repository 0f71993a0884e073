"""Parsing Shopify webhook payloads into the facts other contexts need.

Pure functions. Money comes from ``*_set.shop_money`` (the shop's currency, whatever the
customer paid in), as exact Decimals. A payload that cannot be understood raises
``PayloadError``: it will not get better on retry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from loyalnest.contexts.customers.api import ShopifyCustomerFacts
from loyalnest.platform.money import ZERO, parse_amount
from loyalnest.platform.timeutil import parse_iso


class PayloadError(ValueError):
    pass


@dataclass(frozen=True)
class ParsedOrder:
    shopify_order_id: int
    customer: ShopifyCustomerFacts | None
    currency: str | None
    subtotal: Decimal
    shipping: Decimal
    tax: Decimal
    taxes_included: bool
    discount_codes: tuple[str, ...]


@dataclass(frozen=True)
class ParsedRefund:
    shopify_refund_id: int
    shopify_order_id: int
    line_subtotal: Decimal
    line_tax: Decimal
    shipping: Decimal


def _id(value: Any, what: str) -> int:
    if isinstance(value, bool) or value is None:
        raise PayloadError(f"{what} is missing")
    try:
        parsed = int(value)
    except (TypeError, ValueError) as exc:
        raise PayloadError(f"{what} is not an id: {value!r}") from exc
    if parsed <= 0:
        raise PayloadError(f"{what} is not an id: {value!r}")
    return parsed


def _shop_money(payload: dict[str, Any], set_key: str, plain_key: str | None = None) -> Decimal:
    money_set = payload.get(set_key)
    try:
        if isinstance(money_set, dict) and isinstance(money_set.get("shop_money"), dict):
            return parse_amount(money_set["shop_money"].get("amount"))
        if plain_key is not None and payload.get(plain_key) is not None:
            return parse_amount(payload[plain_key])
    except ValueError as exc:
        raise PayloadError(f"{set_key}: {exc}") from exc
    return ZERO


def _optional_str(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _birthday(payload: dict[str, Any]) -> date | None:
    """Shopify has no birthday field; apps keep it in a metafield (or we get it sent)."""
    candidates = [payload.get("birthday")]
    for metafield in payload.get("metafields") or []:
        if isinstance(metafield, dict) and metafield.get("key") in ("birthday", "birth_date"):
            candidates.append(metafield.get("value"))
    for value in candidates:
        if isinstance(value, str) and value:
            try:
                return date.fromisoformat(value[:10])
            except ValueError:
                continue
    return None


def _accepts_marketing(payload: dict[str, Any]) -> bool:
    consent = payload.get("email_marketing_consent")
    if isinstance(consent, dict) and consent.get("state") is not None:
        return consent.get("state") == "subscribed"
    return bool(payload.get("accepts_marketing", False))


def parse_customer(payload: dict[str, Any]) -> ShopifyCustomerFacts:
    if not isinstance(payload, dict):
        raise PayloadError("customer is not an object")
    tags = payload.get("tags") or ""
    if isinstance(tags, list):
        tag_list = tuple(str(t) for t in tags)
    else:
        tag_list = tuple(t.strip() for t in str(tags).split(",") if t.strip())
    try:
        updated_at = parse_iso(payload.get("updated_at"))
    except ValueError as exc:
        raise PayloadError(f"updated_at: {exc}") from exc
    return ShopifyCustomerFacts(
        shopify_customer_id=_id(payload.get("id"), "customer id"),
        email=_optional_str(payload.get("email")),
        first_name=_optional_str(payload.get("first_name")),
        last_name=_optional_str(payload.get("last_name")),
        phone=_optional_str(payload.get("phone")),
        birthday=_birthday(payload),
        accepts_marketing=_accepts_marketing(payload),
        tags=tag_list,
        state=_optional_str(payload.get("state")) or "enabled",
        shopify_updated_at=updated_at,
    )


def parse_order(payload: dict[str, Any]) -> ParsedOrder:
    customer_payload = payload.get("customer")
    customer = parse_customer(customer_payload) if customer_payload else None
    codes = tuple(
        str(item.get("code"))
        for item in payload.get("discount_codes") or []
        if isinstance(item, dict) and item.get("code")
    )
    return ParsedOrder(
        shopify_order_id=_id(payload.get("id"), "order id"),
        customer=customer,
        currency=_optional_str(payload.get("currency")),
        subtotal=_shop_money(payload, "subtotal_price_set", "subtotal_price"),
        shipping=_shop_money(payload, "total_shipping_price_set"),
        tax=_shop_money(payload, "total_tax_set", "total_tax"),
        taxes_included=bool(payload.get("taxes_included", False)),
        discount_codes=codes,
    )


def parse_refund(payload: dict[str, Any]) -> ParsedRefund:
    line_subtotal = ZERO
    line_tax = ZERO
    for item in payload.get("refund_line_items") or []:
        if not isinstance(item, dict):
            raise PayloadError("refund_line_items holds a non-object")
        line_subtotal += _shop_money(item, "subtotal_set", "subtotal")
        line_tax += _shop_money(item, "total_tax_set", "total_tax")
    shipping = ZERO
    for line in payload.get("refund_shipping_lines") or []:
        if isinstance(line, dict):
            shipping += _shop_money(line, "subtotal_amount_set")
    for adjustment in payload.get("order_adjustments") or []:
        if isinstance(adjustment, dict) and adjustment.get("kind") == "shipping_refund":
            # Shopify reports shipping refunds as negative adjustments
            shipping += abs(_shop_money(adjustment, "amount_set", "amount"))
    return ParsedRefund(
        shopify_refund_id=_id(payload.get("id"), "refund id"),
        shopify_order_id=_id(payload.get("order_id"), "order id"),
        line_subtotal=line_subtotal,
        line_tax=line_tax,
        shipping=shipping,
    )
