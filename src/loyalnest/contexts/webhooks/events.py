"""Integration events of the webhooks context: what Shopify told us, parsed, checked
and with its customer resolved to ours. Published on the unit of work that processes
the inbox rows, so every reaction commits together with the rows' outcome.

Amounts are in the shop's currency (``*_set.shop_money``), as Decimals.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from loyalnest.platform.events import Event


@dataclass(frozen=True, slots=True)
class OrderLine:
    product_id: int | None
    quantity: int
    # unit price, and the line's discount and tax in total
    price: Decimal
    discount: Decimal
    tax: Decimal


@dataclass(frozen=True, slots=True)
class ReferralFacts:
    """What an order tells the referrals context, present only on an order carrying a
    referral marker (a ``REF-``/``FRIEND-`` discount code, a ``loyalnest_ref`` cart
    attribute, or ``ref=`` in its landing URL): every other order costs referrals
    nothing. In memory only: the referrals context stores hashes of the IP, address and
    payment fingerprint, never these values."""

    # the ``loyalnest_ref`` note attribute (cart attribute) and the landing URL's ``ref``
    ref_attribute: str | None
    landing_ref: str | None
    # the buyer's IP (``browser_ip`` / ``client_details.browser_ip``)
    client_ip: str | None
    # (address1, address2, city, province code, zip, country code), lower-case and
    # whitespace-collapsed; None without a shipping address
    shipping_address: tuple[str, ...] | None
    # card BIN + last digits + company from ``payment_details`` when Shopify sends it
    payment_fingerprint: str | None
    # when Shopify created the customer (their account age)
    customer_created_at: datetime | None
    # the buyer's contact email and phone (the order's, else the customer's)
    email: str | None
    phone: str | None


@dataclass(frozen=True, slots=True)
class OrderPlaced(Event):
    """orders/create. ``customer_id`` is ours (None for a guest checkout)."""

    merchant_id: int
    shopify_order_id: int
    customer_id: int | None
    currency: str
    # after discounts, before shipping and tax
    subtotal: Decimal
    shipping: Decimal
    tax: Decimal
    taxes_included: bool
    discount_codes: tuple[str, ...]
    lines: tuple[OrderLine, ...] = ()
    # ``test``: a test order; ``financial_status`` as Shopify says it (lower-case, e.g.
    # "paid", "voided"); ``cancelled``: the payload already has a ``cancelled_at``.
    test: bool = False
    financial_status: str | None = None
    cancelled: bool = False
    # ``fulfillment_status`` as Shopify says it (lower-case: "fulfilled", "partial"; None
    # while nothing is fulfilled).
    fulfillment_status: str | None = None
    # when the order was placed (its ``created_at``; None when the payload has none)
    placed_at: datetime | None = None
    # referral attribution facts; None for an order without any referral marker
    referral: ReferralFacts | None = None


@dataclass(frozen=True, slots=True)
class OrderPaid(Event):
    """orders/paid (may arrive before its orders/create)."""

    merchant_id: int
    shopify_order_id: int


@dataclass(frozen=True, slots=True)
class OrderFulfilled(Event):
    """orders/fulfilled, or fulfillments/create with status "success" (either may arrive
    before its orders/create, and both for one order)."""

    merchant_id: int
    shopify_order_id: int


@dataclass(frozen=True, slots=True)
class OrderCancelled(Event):
    """orders/cancelled (may arrive before its orders/create)."""

    merchant_id: int
    shopify_order_id: int
    customer_id: int | None


@dataclass(frozen=True, slots=True)
class RefundLine:
    product_id: int | None
    subtotal: Decimal
    tax: Decimal


@dataclass(frozen=True, slots=True)
class RefundCreated(Event):
    """refunds/create (may arrive before its orders/create)."""

    merchant_id: int
    shopify_refund_id: int
    shopify_order_id: int
    line_subtotal: Decimal
    line_tax: Decimal
    shipping: Decimal
    lines: tuple[RefundLine, ...] = ()


@dataclass(frozen=True, slots=True)
class MarketingConsentFacts:
    """A customer's marketing consent of one channel as the webhook carries it
    (``email_marketing_consent`` / ``sms_marketing_consent``, or the legacy
    ``accepts_marketing``): Shopify's ``state`` ("subscribed", "not_subscribed",
    "unsubscribed", "pending", ...), ``opt_in_level`` and ``consent_updated_at``."""

    state: str
    opt_in_level: str | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class CustomerUpserted(Event):
    """customers/create (``created``) and customers/update, after the profile is
    written by the customers context. ``email_marketing`` / ``sms_marketing``: the
    payload's marketing consent per channel (None when it says nothing of it);
    ``updated_at``: the customer's ``updated_at`` in the payload."""

    merchant_id: int
    customer_id: int
    created: bool
    marketing_opted_in: bool
    email_marketing: MarketingConsentFacts | None = None
    sms_marketing: MarketingConsentFacts | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ProductUpdated(Event):
    """products/create and products/update."""

    merchant_id: int
    shopify_product_id: int
    tags: tuple[str, ...]
    updated_at: datetime | None


@dataclass(frozen=True, slots=True)
class ShopUpdated(Event):
    """shop/update: the shop's settings as Shopify has them now. A field Shopify left
    out or sent unreadable is None (keep what is known); ``updated_at`` orders the
    deliveries (None in Shopify's test payloads)."""

    merchant_id: int
    name: str | None
    # the shop's contact email (where Shopify writes to the merchant): personal data,
    # kept out of reprs
    email: str | None = field(repr=False)
    currency: str | None
    iana_timezone: str | None
    updated_at: datetime | None
    primary_locale: str | None = None


@dataclass(frozen=True, slots=True)
class ShopUninstalled(Event):
    """app/uninstalled."""

    merchant_id: int
    shop_domain: str | None


@dataclass(frozen=True, slots=True)
class CustomerDataRequested(Event):
    """customers/data_request (GDPR). The inbox keeps the payload, encrypted, under
    ``inbox_id`` until the privacy context has answered it."""

    merchant_id: int
    inbox_id: int
    shopify_customer_id: int | None
    data_request_id: str | None


@dataclass(frozen=True, slots=True)
class CustomerRedactRequested(Event):
    """customers/redact (GDPR)."""

    merchant_id: int
    inbox_id: int
    shopify_customer_id: int | None
    orders_to_redact: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class ShopRedactRequested(Event):
    """shop/redact (GDPR), 48 hours after uninstall."""

    merchant_id: int
    inbox_id: int


@dataclass(frozen=True, slots=True)
class HistoricalOrderImported(Event):
    """An order of the shop's Shopify history, fetched by the imports context's backfill
    (a bulk query) rather than told by a webhook; published in batches of a few hundred
    in the backfill's transaction.

    ``order`` is the order as its orders/create would have told it (customer resolved
    to ours; amounts in shop money, after refunds: Shopify's ``current*`` amounts).
    Analytics keeps it for RFM; earning records it (spend and order count for tiers, and
    so a later webhook of the same order is a replay) and awards its points only when
    ``award_points`` (an order of the last ``awardPointsDays`` days). Referral
    attribution, reward codes and nudge conversions do not react to history."""

    order: OrderPlaced
    award_points: bool = False
    run_id: int = 0
