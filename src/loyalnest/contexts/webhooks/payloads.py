"""Parsing Shopify webhook payloads into the facts the events carry.

Pure functions. Money comes from ``*_set.shop_money`` (the shop's currency, whatever the
customer paid in), as exact Decimals. A payload that cannot be understood raises
``PayloadError``: it will not get better on retry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from loyalnest.contexts.customers import api as customers
from loyalnest.contexts.webhooks import events
from loyalnest.platform.money import ZERO, parse_amount
from loyalnest.platform.timeutil import parse_iso


class PayloadError(ValueError):
    pass


# Ids and amounts end up in BIGINT and NUMERIC(16, 4) columns: a value out of their range
# would fail in the database, which looks transient and would be retried for ever.
# Refuse it here, where it is recognised as a payload that will never get better.
MAX_ID = 2**63 - 1
MAX_AMOUNT = Decimal("100000000000")  # 10^11: three of them still fit NUMERIC(16, 4)
MAX_STATE_LENGTH = 32


@dataclass(frozen=True)
class ParsedLine:
    """An order line in shop money: unit ``price`` before discounts, ``discount`` the
    line's share of all discounts, ``tax`` its tax. ``product_id`` is None for custom
    items (no product)."""

    product_id: int | None
    quantity: int
    price: Decimal
    discount: Decimal
    tax: Decimal


@dataclass(frozen=True)
class ParsedOrder:
    shopify_order_id: int
    customer: customers.ShopifyCustomerFacts | None
    currency: str | None
    subtotal: Decimal
    shipping: Decimal
    tax: Decimal
    taxes_included: bool
    discount_codes: tuple[str, ...]
    lines: tuple[ParsedLine, ...] = ()
    # A test order (Shopify's Bogus gateway, test mode); ``financial_status`` lower-case;
    # ``cancelled`` when the payload already has a ``cancelled_at``.
    test: bool = False
    financial_status: str | None = None
    cancelled: bool = False
    # ``fulfillment_status`` lower-case ("fulfilled", "partial"); None while unfulfilled.
    fulfillment_status: str | None = None
    # when the order was placed (``created_at``); None when the payload has none
    placed_at: datetime | None = None
    # referral facts, only for an order carrying a referral marker (see ``referral_facts``)
    referral: ParsedReferralFacts | None = None


@dataclass(frozen=True)
class ParsedReferralFacts:
    ref_attribute: str | None
    landing_ref: str | None
    client_ip: str | None
    shipping_address: tuple[str, ...] | None
    payment_fingerprint: str | None
    customer_created_at: datetime | None
    email: str | None
    phone: str | None


@dataclass(frozen=True)
class ParsedRefundLine:
    """A refunded line in shop money (``subtotal`` after discounts)."""

    product_id: int | None
    subtotal: Decimal
    tax: Decimal


@dataclass(frozen=True)
class ParsedRefund:
    shopify_refund_id: int
    shopify_order_id: int
    line_subtotal: Decimal
    line_tax: Decimal
    shipping: Decimal
    lines: tuple[ParsedRefundLine, ...] = ()


def _id(value: Any, what: str) -> int:
    if isinstance(value, bool) or value is None:
        raise PayloadError(f"{what} is missing")
    if isinstance(value, float) and not value.is_integer():
        raise PayloadError(f"{what} is not an id: {value!r}")
    try:
        parsed = int(value)
    except (TypeError, ValueError, OverflowError) as exc:
        raise PayloadError(f"{what} is not an id: {value!r}") from exc
    if not 0 < parsed <= MAX_ID:
        raise PayloadError(f"{what} is not an id: {value!r}")
    return parsed


def _amount(value: Any, what: str) -> Decimal:
    try:
        amount = parse_amount(value)
    except ValueError as exc:
        raise PayloadError(f"{what}: {exc}") from exc
    if abs(amount) >= MAX_AMOUNT:
        raise PayloadError(f"{what}: amount out of range: {value!r}")
    return amount


def _list(payload: dict[str, Any], key: str) -> list[Any]:
    value = payload.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise PayloadError(f"{key} is not a list")
    return value


def _shop_money(payload: dict[str, Any], set_key: str, plain_key: str | None = None) -> Decimal:
    money_set = payload.get(set_key)
    if isinstance(money_set, dict) and isinstance(money_set.get("shop_money"), dict):
        return _amount(money_set["shop_money"].get("amount"), set_key)
    if plain_key is not None and payload.get(plain_key) is not None:
        return _amount(payload[plain_key], plain_key)
    return ZERO


def _currency_code(value: Any) -> str | None:
    if isinstance(value, str) and len(value.strip()) == 3 and value.strip().isalpha():
        return value.strip().upper()
    return None


def _shop_currency(payload: dict[str, Any]) -> str | None:
    """The shop's currency, in which the amounts are taken. ``currency`` alone is not
    trusted to be it: the amounts come from ``shop_money``, so its code names them."""
    for set_key in ("subtotal_price_set", "total_price_set"):
        money_set = payload.get(set_key)
        if isinstance(money_set, dict) and isinstance(money_set.get("shop_money"), dict):
            code = _currency_code(money_set["shop_money"].get("currency_code"))
            if code is not None:
                return code
    return _currency_code(payload.get("currency"))


def _optional_str(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


BIRTHDAY_KEYS = ("birthday", "birth_date")


def _birthday(payload: dict[str, Any]) -> tuple[bool, date | None]:
    """Shopify has no birthday field; apps keep it in a metafield (or we get it sent).

    Returns (known, birthday): ``known`` is False when the payload says nothing about it
    (an order's customer object, an update without metafields), so a stored birthday is
    kept rather than wiped."""
    known = "birthday" in payload
    candidates = [payload.get("birthday")]
    metafields = payload.get("metafields")
    for metafield in metafields if isinstance(metafields, list) else []:
        if isinstance(metafield, dict) and metafield.get("key") in BIRTHDAY_KEYS:
            known = True
            candidates.append(metafield.get("value"))
    for value in candidates:
        if isinstance(value, str) and value:
            try:
                return True, date.fromisoformat(value[:10])
            except ValueError:
                continue
    return known, None


def _accepts_marketing(payload: dict[str, Any]) -> bool | None:
    """Consent from ``email_marketing_consent`` (or the legacy ``accepts_marketing``);
    None when the payload carries neither, so a stored consent is kept."""
    consent = payload.get("email_marketing_consent")
    if isinstance(consent, dict) and consent.get("state") is not None:
        return consent.get("state") == "subscribed"
    if payload.get("accepts_marketing") is not None:
        return bool(payload.get("accepts_marketing"))
    return None


def _consent_facts(value: Any) -> events.MarketingConsentFacts | None:
    if not isinstance(value, dict) or not isinstance(value.get("state"), str) or not value["state"]:
        return None
    raw = value.get("consent_updated_at")
    try:
        updated_at = parse_iso(raw) if isinstance(raw, str) else None
    except ValueError:
        updated_at = None  # an unreadable time dates nothing: the payload's updated_at does
    level = value.get("opt_in_level")
    return events.MarketingConsentFacts(
        state=value["state"][:MAX_STATE_LENGTH].lower(),
        opt_in_level=level[:MAX_STATE_LENGTH] if isinstance(level, str) else None,
        updated_at=updated_at,
    )


def parse_marketing_consents(
    payload: dict[str, Any],
) -> tuple[events.MarketingConsentFacts | None, events.MarketingConsentFacts | None]:
    """(email, sms) marketing consent of a customer payload, each None when the payload
    says nothing of it. Email falls back to the legacy ``accepts_marketing`` (dated by
    ``accepts_marketing_updated_at``)."""
    email = _consent_facts(payload.get("email_marketing_consent"))
    if email is None and isinstance(payload.get("accepts_marketing"), bool):
        raw = payload.get("accepts_marketing_updated_at")
        try:
            updated_at = parse_iso(raw) if isinstance(raw, str) else None
        except ValueError:
            updated_at = None
        email = events.MarketingConsentFacts(
            state="subscribed" if payload["accepts_marketing"] else "not_subscribed", updated_at=updated_at
        )
    return email, _consent_facts(payload.get("sms_marketing_consent"))


# The payload key of each plain customer fact (birthday and consent have their own rules).
_FACT_KEYS = {
    "email": "email",
    "first_name": "first_name",
    "last_name": "last_name",
    "phone": "phone",
    "tags": "tags",
    "state": "state",
    "shopify_updated_at": "updated_at",
    "locale": "locale",
}


MAX_LOCALE_LENGTH = 35
_LOCALE_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")


def _locale(value: Any) -> str | None:
    """Shopify's customer ``locale`` ("en", "pt-BR"); a value that is not a language tag is
    treated as unknown (the shop's default applies) rather than refusing the customer."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    if not value or len(value) > MAX_LOCALE_LENGTH or not set(value) <= _LOCALE_CHARS:
        return None
    return value


def parse_customer(payload: dict[str, Any]) -> customers.ShopifyCustomerFacts:
    if not isinstance(payload, dict):
        raise PayloadError("customer is not an object")
    tags = payload.get("tags") or ""
    if isinstance(tags, list):
        tag_list = tuple(str(t) for t in tags)
    else:
        tag_list = tuple(t.strip() for t in str(tags).split(",") if t.strip())
    raw_updated_at = payload.get("updated_at")
    if raw_updated_at is not None and not isinstance(raw_updated_at, str):
        raise PayloadError(f"updated_at is not a timestamp: {raw_updated_at!r}")
    try:
        updated_at = parse_iso(raw_updated_at)
    except ValueError as exc:
        raise PayloadError(f"updated_at: {exc}") from exc
    state = _optional_str(payload.get("state")) or "enabled"
    if len(state) > MAX_STATE_LENGTH:
        raise PayloadError(f"state is not a customer state: {state[:40]!r}")
    birthday_known, birthday = _birthday(payload)
    accepts_marketing = _accepts_marketing(payload)
    # A key left out says nothing (Shopify omits protected fields for apps without
    # access to them): the stored value is kept. A key present with null clears it.
    absent = {fact for fact, key in _FACT_KEYS.items() if key not in payload}
    if not birthday_known:
        absent.add("birthday")
    if accepts_marketing is None:
        absent.add("accepts_marketing")
    return customers.ShopifyCustomerFacts(
        shopify_customer_id=_id(payload.get("id"), "customer id"),
        email=_optional_str(payload.get("email")),
        first_name=_optional_str(payload.get("first_name")),
        last_name=_optional_str(payload.get("last_name")),
        phone=_optional_str(payload.get("phone")),
        birthday=birthday,
        accepts_marketing=accepts_marketing,
        tags=tag_list,
        state=state,
        shopify_updated_at=updated_at,
        locale=_locale(payload.get("locale")),
        absent=frozenset(absent),
    )


MAX_QUANTITY = 10**9


def _optional_id(value: Any, what: str) -> int | None:
    return None if value is None else _id(value, what)


def _quantity(value: Any) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_QUANTITY:
        raise PayloadError(f"line item quantity is not a count: {value!r}")
    return value


def _line_tax(item: dict[str, Any]) -> Decimal:
    tax = ZERO
    for line in _list(item, "tax_lines"):
        if isinstance(line, dict):
            tax += _shop_money(line, "price_set", "price")
    return tax


def _line_discount(item: dict[str, Any]) -> Decimal:
    """The line's share of every discount (line-level and order-level), from its
    ``discount_allocations``; ``total_discount`` when a payload has no allocations."""
    allocations = _list(item, "discount_allocations")
    if not allocations:
        return _shop_money(item, "total_discount_set", "total_discount")
    discount = ZERO
    for allocation in allocations:
        if isinstance(allocation, dict):
            discount += _shop_money(allocation, "amount_set", "amount")
    return discount


def parse_line(item: Any) -> ParsedLine:
    if not isinstance(item, dict):
        raise PayloadError("line_items holds a non-object")
    line = ParsedLine(
        product_id=_optional_id(item.get("product_id"), "line item product id"),
        quantity=_quantity(item.get("quantity", 0)),
        price=_shop_money(item, "price_set", "price"),
        discount=_line_discount(item),
        tax=_line_tax(item),
    )
    if abs(line.price * line.quantity) >= MAX_AMOUNT:
        raise PayloadError("line item amount out of range")
    return line


def parse_order(payload: dict[str, Any]) -> ParsedOrder:
    customer_payload = payload.get("customer")
    customer = parse_customer(customer_payload) if customer_payload else None
    codes = tuple(
        str(item.get("code"))
        for item in _list(payload, "discount_codes")
        if isinstance(item, dict) and item.get("code")
    )
    return ParsedOrder(
        shopify_order_id=_id(payload.get("id"), "order id"),
        customer=customer,
        currency=_shop_currency(payload),
        subtotal=_shop_money(payload, "subtotal_price_set", "subtotal_price"),
        shipping=_shop_money(payload, "total_shipping_price_set"),
        tax=_shop_money(payload, "total_tax_set", "total_tax"),
        taxes_included=bool(payload.get("taxes_included", False)),
        discount_codes=codes,
        lines=tuple(parse_line(item) for item in _list(payload, "line_items")),
        test=payload.get("test") is True,
        financial_status=_financial_status(payload.get("financial_status")),
        cancelled=payload.get("cancelled_at") not in (None, ""),
        fulfillment_status=_status_word(payload.get("fulfillment_status")),
        placed_at=_optional_time(payload.get("created_at")),
        referral=referral_facts(payload, codes, customer_payload),
    )


# --- referral markers ----------------------------------------------------------------------

REFERRAL_ATTRIBUTE = "loyalnest_ref"
REFERRAL_CODE_PREFIXES = ("REF-", "FRIEND-")
MAX_REF_LENGTH = 32


def _ref_value(value: Any) -> str | None:
    """A referral code as a marker carries it: short, trimmed, upper case."""
    if not isinstance(value, str):
        return None
    value = value.strip().upper()
    return value if value and len(value) <= MAX_REF_LENGTH and value.isalnum() else None


def _note_attribute(payload: dict[str, Any]) -> str | None:
    attributes = payload.get("note_attributes")
    if not isinstance(attributes, list):
        return None
    for item in attributes:
        if isinstance(item, dict) and item.get("name") == REFERRAL_ATTRIBUTE:
            return _ref_value(item.get("value"))
    return None


def _landing_ref(payload: dict[str, Any]) -> str | None:
    landing = payload.get("landing_site")
    # the substring test first: most orders have a landing URL and no ref in it
    if not isinstance(landing, str) or "ref=" not in landing:
        return None
    try:
        query = parse_qs(urlsplit(landing).query)
    except ValueError:
        return None
    values = query.get("ref")
    return _ref_value(values[0]) if values else None


def _address(value: Any) -> tuple[str, ...] | None:
    if not isinstance(value, dict):
        return None
    parts = tuple(
        " ".join(str(value.get(key) or "").lower().split())
        for key in ("address1", "address2", "city", "province_code", "zip", "country_code")
    )
    return parts if any(parts) else None


def _payment_fingerprint(payload: dict[str, Any]) -> str | None:
    details = payload.get("payment_details")
    if not isinstance(details, dict):
        return None
    number = str(details.get("credit_card_number") or "")
    last = "".join(ch for ch in number if ch.isdigit())[-4:]
    bin_ = str(details.get("credit_card_bin") or "").strip()
    if not last and not bin_:
        return None
    company = str(details.get("credit_card_company") or "").strip().lower()
    return f"{bin_}|{last}|{company}"


def referral_facts(
    payload: dict[str, Any], codes: tuple[str, ...], customer_payload: Any
) -> ParsedReferralFacts | None:
    """The order's referral facts, or None when it carries no marker. Cheap for the
    common order: a prefix test of its codes, one scan of its note attributes and a
    substring test of its landing URL; the rest is read only for a marked order."""
    ref_attribute = _note_attribute(payload)
    landing_ref = _landing_ref(payload)
    if (
        ref_attribute is None
        and landing_ref is None
        and not any(code.upper().startswith(REFERRAL_CODE_PREFIXES) for code in codes)
    ):
        return None
    client = payload.get("client_details")
    ip = payload.get("browser_ip") or (client.get("browser_ip") if isinstance(client, dict) else None)
    customer = customer_payload if isinstance(customer_payload, dict) else {}
    return ParsedReferralFacts(
        ref_attribute=ref_attribute,
        landing_ref=landing_ref,
        client_ip=_optional_str(ip),
        shipping_address=_address(payload.get("shipping_address")),
        payment_fingerprint=_payment_fingerprint(payload),
        customer_created_at=_optional_time(customer.get("created_at")),
        email=_optional_str(payload.get("email")) or _optional_str(customer.get("email")),
        phone=_optional_str(payload.get("phone")) or _optional_str(customer.get("phone")),
    )


def _optional_time(value: Any) -> datetime | None:
    """An ISO 8601 time as Shopify writes it (``2026-12-03T10:00:00-05:00``); None when
    absent or unreadable: an order's time only places it in a tier's period, where
    "now" is the right fallback, not a reason to refuse the order."""
    if not isinstance(value, str):
        return None
    try:
        return parse_iso(value.strip())
    except ValueError:
        return None


def _financial_status(value: Any) -> str | None:
    """Shopify's ``financial_status`` (pending, authorized, paid, voided, ...), lower-case;
    None when absent or not a status word."""
    if not isinstance(value, str):
        return None
    status = value.strip().lower()
    return status if status and len(status) <= MAX_STATE_LENGTH else None


# ``fulfillment_status`` and a fulfilment's ``status`` are status words too.
_status_word = _financial_status


@dataclass(frozen=True)
class ParsedShop:
    name: str | None
    email: str | None = dataclass_field(repr=False)  # personal data: never in a repr
    currency: str | None = None
    iana_timezone: str | None = None
    # the shop's language in Shopify (a BCP 47 tag: ``fr``, ``pt-BR``)
    primary_locale: str | None = None
    updated_at: datetime | None = None


def parse_shop_update(payload: dict[str, Any]) -> ParsedShop:
    """shop/update: each field None when absent or not of its shape (Shopify's test
    payload has ``iana_timezone`` and ``updated_at`` null). The email is the shop's
    contact address, where Shopify writes to the merchant; ``customer_email``, the
    sender address customers see, is not it."""
    email = _optional_str(payload.get("email"))
    if email is not None and (len(email) > 320 or "@" not in email):
        email = None
    zone = _optional_str(payload.get("iana_timezone"))
    if zone is not None and (len(zone) > 64 or not _is_zone(zone)):
        zone = None
    name = _optional_str(payload.get("name"))
    locale = _optional_str(payload.get("primary_locale"))
    if locale is not None and not _LOCALE.fullmatch(locale):
        locale = None
    return ParsedShop(
        name=None if name is None else name[:255],
        email=email,
        currency=_currency_code(payload.get("currency")),
        iana_timezone=zone,
        primary_locale=locale,
        updated_at=_optional_time(payload.get("updated_at")),
    )


# a BCP 47 tag as Shopify writes a shop's locale (``en``, ``pt-BR``, ``zh-CN``)
_LOCALE = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8}){0,3}")


def _is_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


@dataclass(frozen=True)
class ParsedFulfillment:
    shopify_order_id: int
    # "success" once the goods are out; "pending", "open", "cancelled", "error", "failure"
    status: str | None


def parse_fulfillment(payload: dict[str, Any]) -> ParsedFulfillment:
    """fulfillments/create: the order it fulfils and its status."""
    return ParsedFulfillment(
        shopify_order_id=_id(payload.get("order_id"), "order id"),
        status=_status_word(payload.get("status")),
    )


def parse_order_id(payload: dict[str, Any]) -> int:
    """The order of an order payload (orders/paid, orders/fulfilled), nothing else: the
    rest is orders/create's to read."""
    return _id(payload.get("id"), "order id")


@dataclass(frozen=True)
class ParsedProduct:
    shopify_product_id: int
    tags: tuple[str, ...]
    updated_at: datetime | None


def parse_product(payload: dict[str, Any]) -> ParsedProduct:
    """A products/create or products/update payload: the product's tags (a comma-separated
    string in webhooks, a list in some API versions)."""
    raw = payload.get("tags") or ""
    if isinstance(raw, list):
        tags = tuple(str(t).strip() for t in raw if str(t).strip())
    elif isinstance(raw, str):
        tags = tuple(t.strip() for t in raw.split(",") if t.strip())
    else:
        raise PayloadError(f"product tags are not text: {raw!r}")
    raw_updated_at = payload.get("updated_at")
    if raw_updated_at is not None and not isinstance(raw_updated_at, str):
        raise PayloadError(f"updated_at is not a timestamp: {raw_updated_at!r}")
    try:
        updated_at = parse_iso(raw_updated_at)
    except ValueError as exc:
        raise PayloadError(f"updated_at: {exc}") from exc
    return ParsedProduct(_id(payload.get("id"), "product id"), tags, updated_at)


def _has_money(payload: dict[str, Any], set_key: str, plain_key: str) -> bool:
    money_set = payload.get(set_key)
    has_set = isinstance(money_set, dict) and isinstance(money_set.get("shop_money"), dict)
    return has_set or payload.get(plain_key) is not None


_CENT_FRACTION = Decimal("0.0001")  # the scale of the amount columns


def _share(amount: Decimal, part: int, whole: Any) -> Decimal:
    """``amount`` of a line of ``whole`` units, for the ``part`` units refunded (all of it
    when the line's own quantity is unknown or not more than the part)."""
    if isinstance(whole, bool) or not isinstance(whole, int) or whole <= part:
        return amount
    return (amount * part / whole).quantize(_CENT_FRACTION, rounding=ROUND_HALF_UP)


def _refunded_line_amounts(item: dict[str, Any]) -> tuple[Decimal, Decimal]:
    """A refunded line's subtotal (after discounts) and tax. Payloads of today carry them
    (``subtotal_set``, ``total_tax_set``); older ones (as Shopify's own
    ``shopify_python_api`` refund fixture) only the refunded ``quantity`` and the order's
    ``line_item``: then the line's price times the quantity less its discount allocations,
    and its tax lines, each for the share of the line refunded."""
    has_subtotal = _has_money(item, "subtotal_set", "subtotal")
    has_tax = _has_money(item, "total_tax_set", "total_tax")
    if has_subtotal and has_tax:
        return _shop_money(item, "subtotal_set", "subtotal"), _shop_money(item, "total_tax_set", "total_tax")
    line_item = item.get("line_item")
    line_item = line_item if isinstance(line_item, dict) else {}
    quantity = _quantity(item.get("quantity", 0))
    if has_subtotal:
        subtotal = _shop_money(item, "subtotal_set", "subtotal")
    else:
        price = _shop_money(line_item, "price_set", "price")
        discount = _share(_line_discount(line_item), quantity, line_item.get("quantity"))
        subtotal = max(price * quantity - discount, ZERO)
        if subtotal >= MAX_AMOUNT:
            raise PayloadError("refunded line amount out of range")
    if has_tax:
        tax = _shop_money(item, "total_tax_set", "total_tax")
    else:
        tax = _share(_line_tax(line_item), quantity, line_item.get("quantity"))
    return subtotal, tax


def _refunded_by_transactions(payload: dict[str, Any]) -> Decimal:
    """The money the refund's successful refund transactions gave back (tax and shipping
    included: a transaction does not say what it paid for)."""
    total = ZERO
    for transaction in _list(payload, "transactions"):
        if (
            isinstance(transaction, dict)
            and transaction.get("kind") == "refund"
            and transaction.get("status") == "success"
        ):
            total += abs(_shop_money(transaction, "amount_set", "amount"))
    return total


def parse_refund(payload: dict[str, Any]) -> ParsedRefund:
    line_subtotal = ZERO
    line_tax = ZERO
    lines: list[ParsedRefundLine] = []
    for item in _list(payload, "refund_line_items"):
        if not isinstance(item, dict):
            raise PayloadError("refund_line_items holds a non-object")
        subtotal, tax = _refunded_line_amounts(item)
        line_subtotal += subtotal
        line_tax += tax
        line_item = item.get("line_item")
        product = line_item.get("product_id") if isinstance(line_item, dict) else None
        lines.append(ParsedRefundLine(_optional_id(product, "refunded product id"), subtotal, tax))
    shipping = ZERO
    for line in _list(payload, "refund_shipping_lines"):
        if isinstance(line, dict):
            shipping += _shop_money(line, "subtotal_amount_set")
    for adjustment in _list(payload, "order_adjustments"):
        if isinstance(adjustment, dict) and adjustment.get("kind") == "shipping_refund":
            # Shopify reports shipping refunds as negative adjustments
            shipping += abs(_shop_money(adjustment, "amount_set", "amount"))
    if line_subtotal == ZERO and line_tax == ZERO and shipping == ZERO:
        # Nothing itemised (an amount-only refund, or lines whose amounts cannot be
        # told): what the transactions gave back is the refund. Counted as line
        # subtotal, the only part of an order a refund of unknown make-up can be taken
        # from; a take-back never exceeds what the order earned.
        line_subtotal = _refunded_by_transactions(payload)
    for name, total in (
        ("refund_line_items", line_subtotal),
        ("refund tax", line_tax),
        ("refund shipping", shipping),
    ):
        if abs(total) >= MAX_AMOUNT:
            raise PayloadError(f"{name}: amount out of range")
    return ParsedRefund(
        shopify_refund_id=_id(payload.get("id"), "refund id"),
        shopify_order_id=_id(payload.get("order_id"), "order id"),
        line_subtotal=line_subtotal,
        line_tax=line_tax,
        shipping=shipping,
        lines=tuple(lines),
    )


# --- app/uninstalled and the compliance topics (GDPR) ------------------------------------


def parse_uninstalled_shop_domain(payload: dict[str, Any]) -> str | None:
    """app/uninstalled carries the shop object: its myshopify domain."""
    return _optional_str(payload.get("myshopify_domain")) or _optional_str(payload.get("domain"))


def _customer_id(payload: dict[str, Any]) -> int | None:
    customer = payload.get("customer")
    if customer is None:
        return None
    if not isinstance(customer, dict):
        raise PayloadError("customer is not an object")
    return _optional_id(customer.get("id"), "customer id")


@dataclass(frozen=True)
class ParsedDataRequest:
    shopify_customer_id: int | None
    data_request_id: str | None


def parse_data_request(payload: dict[str, Any]) -> ParsedDataRequest:
    """customers/data_request: whose data, and Shopify's id of the request."""
    request = payload.get("data_request")
    request_id = request.get("id") if isinstance(request, dict) else None
    return ParsedDataRequest(_customer_id(payload), None if request_id is None else str(request_id))


@dataclass(frozen=True)
class ParsedCustomerRedact:
    shopify_customer_id: int | None
    orders_to_redact: tuple[int, ...]


def parse_customer_redact(payload: dict[str, Any]) -> ParsedCustomerRedact:
    """customers/redact: whose data, and which of their orders."""
    orders = tuple(_id(order, "order to redact") for order in _list(payload, "orders_to_redact"))
    return ParsedCustomerRedact(_customer_id(payload), orders)
