"""Pure rules of earning: the ways to earn and their defaults, the purchase rule's
arithmetic and limits, when a birthday is celebrated, and how a review webhook's
signature is checked. No I/O."""

from __future__ import annotations

import base64
import calendar
import hashlib
import hmac
import re
from collections.abc import Collection, Sequence
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from loyalnest.platform.errors import ValidationFailed
from loyalnest.platform.money import ZERO, Rounding, round_points

SIGNUP = "signup"
NEWSLETTER = "newsletter"
BIRTHDAY = "birthday"
REVIEW = "review"
CUSTOM = "custom"
# Purchases earn under the purchase rule (per unit of currency, below); these are every
# other way. Order is how they are listed.
TRIGGERS = (SIGNUP, NEWSLETTER, BIRTHDAY, REVIEW, CUSTOM)

# The brief's defaults. "custom" is the amount an ``awardPoints`` call gives when it
# names none.
DEFAULT_POINTS = {SIGNUP: 200, NEWSLETTER: 100, BIRTHDAY: 200, REVIEW: 100, CUSTOM: 100}
# One award is at most this (the table's CHECK says the same).
MAX_POINTS = 1_000_000
MAX_REASON_LENGTH = 500

# A birthday set (or moved to another day) less than this many days before it falls
# waits for the next year: no points for a birthday entered the week it happens.
BIRTHDAY_NOTICE_DAYS = 30


def validate_points(points: int, *, field: str = "points") -> None:
    if points <= 0 or points > MAX_POINTS:
        raise ValidationFailed(f"points must be between 1 and {MAX_POINTS:,}", field=field)


def validate_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationFailed("a reason is required", field="reason")
    if len(reason) > MAX_REASON_LENGTH:
        raise ValidationFailed(f"reason is limited to {MAX_REASON_LENGTH} characters", field="reason")
    if "\x00" in reason:
        raise ValidationFailed("reason must not contain NUL characters", field="reason")
    return reason


# --- purchases -------------------------------------------------------------------------

_PRODUCT_ID = re.compile(r"(?:gid://shopify/Product/)?([0-9]{1,19})")


def parse_product_ids(values: Sequence[str]) -> tuple[int, ...]:
    """Shopify product ids as a merchant may paste them: numbers or Admin API global ids
    (``gid://shopify/Product/<n>``); anything else is refused, naming the value."""
    parsed: list[int] = []
    for value in values:
        text = str(value).strip()
        found = _PRODUCT_ID.fullmatch(text)
        if found is None:
            raise ValidationFailed(f"not a Shopify product id: {text[:60]!r}", field="excludedProductIds")
        parsed.append(int(found.group(1)))
    return tuple(parsed)


MAX_POINTS_PER_UNIT = Decimal("10000")
# NUMERIC(16, 4): below 10^12, at most 4 decimal places.
MAX_MIN_ORDER_AMOUNT = Decimal("1000000000")
MAX_EXCLUDED_PRODUCTS = 1000
MAX_PRODUCT_ID = 2**63 - 1
MAX_EXCLUDED_TAGS = 250
MAX_TAG_LENGTH = 255
# A year of pending: beyond that a setting is a typo.
MAX_PENDING_DAYS = 365


def normalise_tag(tag: str) -> str:
    """Tags match whatever their case or surrounding spaces, as in Shopify's admin."""
    return tag.strip().lower()


def validate_purchase(
    *,
    rate: Decimal | None,
    rounding: str | None,
    min_order_amount: Decimal | None,
    excluded_product_ids: Sequence[int] | None,
    excluded_product_tags: Sequence[str] | None,
) -> None:
    """The purchase rule's values (``None``: unchanged), each on its own."""
    if rate is not None:
        if not rate.is_finite():
            raise ValidationFailed("points per currency unit must be a number", field="pointsPerCurrencyUnit")
        if rate < 0 or rate > MAX_POINTS_PER_UNIT:
            raise ValidationFailed(
                f"points per currency unit must be between 0 and {MAX_POINTS_PER_UNIT}",
                field="pointsPerCurrencyUnit",
            )
        if rate.as_tuple().exponent < -4:  # type: ignore[operator]
            raise ValidationFailed(
                "points per currency unit allows at most 4 decimal places",
                field="pointsPerCurrencyUnit",
            )
    if rounding is not None and rounding not in ("down", "nearest", "up"):
        raise ValidationFailed("rounding must be down, nearest or up", field="rounding")
    amount = min_order_amount
    if amount is not None:
        if not amount.is_finite():
            raise ValidationFailed("minimum order amount must be a number", field="minOrderAmount")
        if amount < 0 or amount > MAX_MIN_ORDER_AMOUNT:
            raise ValidationFailed(
                f"minimum order amount must be between 0 and {MAX_MIN_ORDER_AMOUNT} (0: no minimum)",
                field="minOrderAmount",
            )
        if amount.as_tuple().exponent < -4:  # type: ignore[operator]
            raise ValidationFailed(
                "minimum order amount allows at most 4 decimal places", field="minOrderAmount"
            )
    products = excluded_product_ids
    if products is not None:
        if len(products) > MAX_EXCLUDED_PRODUCTS:
            raise ValidationFailed(
                f"at most {MAX_EXCLUDED_PRODUCTS} excluded products", field="excludedProductIds"
            )
        if any(not 0 < product <= MAX_PRODUCT_ID for product in products):
            raise ValidationFailed("product ids must be Shopify product ids", field="excludedProductIds")
    tags = excluded_product_tags
    if tags is not None:
        if len(tags) > MAX_EXCLUDED_TAGS:
            raise ValidationFailed(f"at most {MAX_EXCLUDED_TAGS} excluded tags", field="excludedProductTags")
        for tag in tags:
            if not normalise_tag(tag) or len(tag) > MAX_TAG_LENGTH or any(ord(c) < 32 for c in tag):
                raise ValidationFailed(
                    f"tags must be 1 to {MAX_TAG_LENGTH} characters, without control characters",
                    field="excludedProductTags",
                )


def validate_pending_days(days: int | None) -> None:
    if days is not None and not 0 <= days <= MAX_PENDING_DAYS:
        raise ValidationFailed(f"pending days must be between 0 and {MAX_PENDING_DAYS}", field="pendingDays")


# The stage of an order at which it earns (the purchase rule's ``earn_on``).
EARN_ON_CREATED = "order_created"
EARN_ON_PAID = "order_paid"
EARN_ON_FULFILLED = "order_fulfilled"
EARN_ON = (EARN_ON_CREATED, EARN_ON_PAID, EARN_ON_FULFILLED)


def validate_earn_on(earn_on: str | None) -> None:
    if earn_on is not None and earn_on not in EARN_ON:
        raise ValidationFailed(f"earn on must be one of {', '.join(EARN_ON)}", field="earnOn")


# ``financial_status`` values of an order that has been paid (refunds come later and
# take their share back); ``fulfillment_status`` of an order fulfilled in full.
PAID_STATUSES = frozenset({"paid", "partially_refunded", "refunded"})


def is_paid(financial_status: str | None) -> bool:
    return financial_status in PAID_STATUSES


def is_fulfilled(fulfillment_status: str | None) -> bool:
    return fulfillment_status == "fulfilled"


def stage_reached(earn_on: str, *, paid: bool, fulfilled: bool) -> bool:
    """Whether an order that is (or is not) ``paid`` and ``fulfilled`` has reached the
    stage the shop earns at. Each choice looks at its own stage only: a shop earning on
    fulfilment awards a fulfilled order whether or not Shopify has marked it paid."""
    if earn_on == EARN_ON_PAID:
        return paid
    if earn_on == EARN_ON_FULFILLED:
        return fulfilled
    return True


def eligible_amount(
    *,
    subtotal: Decimal,
    shipping: Decimal,
    tax: Decimal,
    taxes_included: bool,
    earn_on_shipping: bool,
    earn_on_tax: bool,
) -> Decimal:
    """The part of an order that earns points, in shop currency.

    Shopify's subtotal is after discounts and before shipping; it contains the taxes when
    the shop's prices include tax, so tax is removed or added to match the merchant's
    ``earn_on_tax`` choice either way. Never negative.
    """
    amount = subtotal
    if taxes_included and not earn_on_tax:
        amount -= tax
    elif not taxes_included and earn_on_tax:
        amount += tax
    if earn_on_shipping:
        amount += shipping
    return max(amount, ZERO)


def excluded_amounts(
    lines: Sequence[tuple[int | None, Decimal, Decimal]], excluded_product_ids: Collection[int]
) -> tuple[Decimal, Decimal]:
    """The amount and tax of the lines, ``(product id, amount after discounts, tax)``,
    whose product earns nothing. Negative line amounts count as zero."""
    amount = tax = ZERO
    if not excluded_product_ids:
        return amount, tax
    for product_id, line_amount, line_tax in lines:
        if product_id is not None and product_id in excluded_product_ids:
            amount += max(line_amount, ZERO)
            tax += max(line_tax, ZERO)
    return amount, tax


def line_amount(price: Decimal, quantity: int, discount: Decimal) -> Decimal:
    """What an order line costs after its discounts (never below zero)."""
    return max(price * quantity - discount, ZERO)


def points_for_amount(amount: Decimal, points_per_unit: Decimal, rounding: Rounding) -> int:
    if amount <= 0 or points_per_unit <= 0:
        return 0
    return round_points(amount * points_per_unit, rounding)


def reversal_target(points_earned: int, eligible: Decimal, refunded: Decimal) -> int:
    """How many of an order's earned points a cumulative refund of ``refunded`` takes back.

    Proportional and computed on the running total, so a series of partial refunds that
    adds up to the whole order takes back exactly everything (no rounding crumbs left).
    """
    if points_earned <= 0 or refunded <= 0:
        return 0
    if eligible <= 0 or refunded >= eligible:
        return points_earned
    share = (Decimal(points_earned) * refunded / eligible).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    return min(points_earned, int(share))


# Why an order earns nothing though the purchase rule would give it points (kept on the
# order's row as its ``skip_reason``).
SKIP_CANCELLED = "cancelled"
SKIP_VOIDED = "voided"
SKIP_TEST_ORDER = "test_order"
SKIP_CURRENCY = "currency_mismatch"
SKIP_REASONS = (SKIP_CANCELLED, SKIP_VOIDED, SKIP_TEST_ORDER, SKIP_CURRENCY)


def order_skip_reason(
    *,
    test: bool,
    financial_status: str | None,
    cancelled: bool,
    currency: str,
    shop_currency: str,
    test_orders_earn: bool,
) -> str | None:
    """Why an order must not earn, or None. An order cancelled or voided before we saw
    it sold nothing; a test order (Shopify's test mode) only earns where the shop,
    trying its program out, lets it; an order whose amounts are in another currency
    than the shop's (so the rate per unit of shop currency does not apply) is never
    earned on silently. An order naming no currency is taken to be in the shop's."""
    if cancelled:
        return SKIP_CANCELLED
    if financial_status == "voided":
        return SKIP_VOIDED
    if test and not test_orders_earn:
        return SKIP_TEST_ORDER
    if currency and shop_currency and currency.upper() != shop_currency.upper():
        return SKIP_CURRENCY
    return None


# --- birthdays -------------------------------------------------------------------------


def shop_zone(iana_timezone: str) -> ZoneInfo:
    try:
        return ZoneInfo(iana_timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")  # a shop whose zone we cannot read celebrates in UTC


def shop_today(now: datetime, iana_timezone: str) -> date:
    """The calendar day it is in the shop's timezone at ``now``."""
    return now.astimezone(shop_zone(iana_timezone)).date()


def birthdays_celebrated_on(day: date) -> list[str]:
    """The birthdays ("MM-DD") celebrated on ``day``: its own, and on Feb 28 of a year
    without Feb 29 also the Feb 29 ones."""
    days = [f"{day.month:02d}-{day.day:02d}"]
    if (day.month, day.day) == (2, 28) and not calendar.isleap(day.year):
        days.append("02-29")
    return days


def birthday_set_before(celebrated: date, iana_timezone: str) -> datetime:
    """A birthday celebrated on ``celebrated`` earns only if it was set before this
    instant: the start, in the shop's timezone, of the day 29 days before it, so a
    birthday set ``BIRTHDAY_NOTICE_DAYS`` or more calendar days ahead counts."""
    last_day_too_late = celebrated - timedelta(days=BIRTHDAY_NOTICE_DAYS - 1)
    return datetime.combine(last_day_too_late, time.min, tzinfo=shop_zone(iana_timezone))


# --- review webhooks -----------------------------------------------------------------------

SIGNATURE_PREFIX = "sha256="


def review_signature(secret: str, body: bytes) -> str:
    """What a review app sends: HMAC-SHA256 of the raw body with the shop's secret,
    base64 (hex is accepted too, see ``signature_matches``)."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def signature_matches(secret: str, body: bytes, header: str | None) -> bool:
    """Constant-time check of a signature header, written as base64 or hex (review apps
    differ), optionally prefixed "sha256="."""
    if not header:
        return False
    given = header.strip()
    if given.lower().startswith(SIGNATURE_PREFIX):
        given = given[len(SIGNATURE_PREFIX) :]
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    expected_b64 = base64.b64encode(digest).decode()
    expected_hex = digest.hex()
    # both compared, whichever matches, so the time taken says nothing about either
    b64_ok = hmac.compare_digest(given.encode(), expected_b64.encode())
    hex_ok = hmac.compare_digest(given.lower().encode(), expected_hex.encode())
    return b64_ok or hex_ok
