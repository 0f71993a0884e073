"""A shop's earning rules: the purchase rule and every other way to earn, the birthdays
already celebrated, the secret its review app signs webhooks with; and what earning
keeps of each order (so order webhooks are safe to receive twice and out of order),
its refunds, points held as pending, and the product tags the purchase rule reads."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlmodel import Field, SQLModel

from loyalnest.platform.columns import merchant_key_column
from loyalnest.platform.key_rotation import encrypted_column
from loyalnest.platform.timeutil import utcnow


class EarningRule(SQLModel, table=True):
    """One way to earn of one shop: on or off, and how many points it gives."""

    __tablename__ = "earning_rules"
    __table_args__ = (
        CheckConstraint(
            "trigger IN ('signup', 'newsletter', 'birthday', 'review', 'custom')",
            name="ck_earning_rules_trigger",
        ),
        CheckConstraint("points > 0 AND points <= 1000000", name="ck_earning_rules_points"),
    )

    merchant_id: int = Field(sa_column=merchant_key_column())
    trigger: str = Field(sa_column=Column(String(16), primary_key=True))
    enabled: bool = Field(default=True, sa_column=Column(Boolean, nullable=False, server_default="true"))
    # For "custom": the amount an award gives when its call names none.
    points: int = Field(sa_column=Column(Integer, nullable=False))
    updated_at: datetime = Field(
        default_factory=utcnow,
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now()),
    )


class PurchaseRule(SQLModel, table=True):
    """How a shop's orders earn (one row per shop, created at install)."""

    __tablename__ = "purchase_rules"
    __table_args__ = (
        CheckConstraint("points_per_currency_unit >= 0", name="ck_purchase_rules_rate"),
        CheckConstraint("rounding IN ('down', 'nearest', 'up')", name="ck_purchase_rules_rounding"),
        CheckConstraint("pending_days >= 0", name="ck_purchase_rules_pending_days"),
        CheckConstraint(
            "earn_on IN ('order_created', 'order_paid', 'order_fulfilled')", name="ck_purchase_rules_earn_on"
        ),
        CheckConstraint(
            "min_order_amount IS NULL OR min_order_amount > 0", name="ck_purchase_rules_min_order_amount"
        ),
    )

    merchant_id: int = Field(sa_column=merchant_key_column())
    # Purchases: on/off, points per unit of shop currency (10 for shops installed from
    # issue 3 on; older rows keep theirs), an optional minimum order, and products whose
    # lines never earn.
    purchase_enabled: bool = Field(
        default=True, sa_column=Column(Boolean, nullable=False, server_default="true")
    )
    points_per_currency_unit: Decimal = Field(
        default=Decimal("10"), sa_column=Column(Numeric(12, 4), nullable=False, server_default="10")
    )
    min_order_amount: Decimal | None = Field(default=None, sa_column=Column(Numeric(16, 4), nullable=True))
    excluded_product_ids: list[int] = Field(
        default_factory=list,
        sa_column=Column(ARRAY(BigInteger), nullable=False, server_default="{}"),
    )
    # Product tags (lower-case) whose products' lines earn nothing.
    excluded_product_tags: list[str] = Field(
        default_factory=list, sa_column=Column(ARRAY(Text), nullable=False, server_default="{}")
    )
    rounding: str = Field(default="down", sa_column=Column(String(16), nullable=False, server_default="down"))
    earn_on_shipping: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default="false")
    )
    earn_on_tax: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default="false")
    )
    # Days an order's points wait as pending before they can be spent (0: at once).
    pending_days: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    # Test orders (``test: true``: Shopify's test mode) earn nothing unless the shop,
    # trying its program out, says so.
    test_orders_earn: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default="false")
    )
    # The stage of an order at which it earns (``rules.EARN_ON``): created (orders/create),
    # paid (orders/paid) or fulfilled (orders/fulfilled, a successful fulfillment).
    earn_on: str = Field(
        default="order_created",
        sa_column=Column(String(16), nullable=False, server_default="order_created"),
    )
    # The program settings' last change (this rule's or the points expiry policy's,
    # changed together on the settings screen).
    updated_at: datetime = Field(
        default_factory=utcnow,
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now()),
    )


class BirthdayAward(SQLModel, table=True):
    """A customer's birthday celebrated in a year. The ledger's idempotency key already
    makes the award once per year; this row lets the hourly pass skip customers it has
    celebrated without touching their points account again."""

    __tablename__ = "earning_birthday_awards"

    merchant_id: int = Field(sa_column=merchant_key_column())
    # customers.id of the same merchant; referenced by id only (no cross-context FK).
    customer_id: int = Field(sa_column=Column(BigInteger, primary_key=True))
    year: int = Field(sa_column=Column(Integer, primary_key=True))
    awarded_at: datetime = Field(
        default_factory=utcnow,
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now()),
    )


class ReviewWebhookSecret(SQLModel, table=True):
    """The shop's review-webhook signing secret, AES-GCM encrypted (platform.crypto)."""

    __tablename__ = "review_webhook_secrets"

    merchant_id: int = Field(sa_column=merchant_key_column())
    secret_enc: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(
        default_factory=utcnow,
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now()),
    )
    rotated_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )


# The review-webhook secret is stored encrypted under this AAD (for ``rotate-keys``).
REVIEW_SECRET_CONTEXT = b"review_webhook_secrets.secret"
encrypted_column("review_webhook_secrets", ("merchant_id",), "secret_enc", REVIEW_SECRET_CONTEXT)


class PendingPoints(SQLModel, table=True):
    """An order's points held back for the shop's pending period: not spendable, not in
    the balance or the ledger. the release pass (``points.release_pending``) posts them as the order's
    ``earn`` once ``release_at`` has passed; a cancellation cancels them and a refund
    reduces them while they wait. Where the shop earns once orders are paid or fulfilled,
    the points wait with no ``release_at`` until that webhook comes."""

    __tablename__ = "pending_points"
    __table_args__ = (
        CheckConstraint("points >= 0", name="ck_pending_points_points_non_negative"),
        CheckConstraint("status IN ('pending', 'released', 'cancelled')", name="ck_pending_points_status"),
        Index("ix_pending_points_due", "release_at", postgresql_where=text("status = 'pending'")),
        Index(
            "ix_pending_points_customer",
            "merchant_id",
            "customer_id",
            postgresql_where=text("status = 'pending'"),
        ),
    )

    merchant_id: int = Field(sa_column=merchant_key_column())
    shopify_order_id: int = Field(sa_column=Column(BigInteger, primary_key=True))
    customer_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    # What will be released: the order's points less what refunds took meanwhile.
    points: int = Field(sa_column=Column(BigInteger, nullable=False))
    # Null while the order has not reached the stage the shop earns at (paid, fulfilled):
    # the stage's webhook sets it; the release pass never sees a null date as due.
    release_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    status: str = Field(
        default="pending", sa_column=Column(String(16), nullable=False, server_default="pending")
    )
    created_at: datetime = Field(
        default_factory=utcnow,
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now()),
    )
    updated_at: datetime = Field(
        default_factory=utcnow,
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now()),
    )


class ProductTags(SQLModel, table=True):
    """The tags of a shop's products, kept from ``products/create`` and
    ``products/update`` webhooks: order payloads do not carry them, and the purchase
    rule can exclude products by tag. Tags are stored lower-cased (matching ignores
    case, as Shopify's admin search does)."""

    __tablename__ = "product_tags"

    merchant_id: int = Field(sa_column=merchant_key_column())
    product_id: int = Field(sa_column=Column(BigInteger, primary_key=True))
    tags: list[str] = Field(
        default_factory=list, sa_column=Column(ARRAY(Text), nullable=False, server_default="{}")
    )
    # Shopify's updated_at of the version stored: an older update arriving late is ignored.
    shopify_updated_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )


class OrderPoints(SQLModel, table=True):
    """What we know of one Shopify order, whichever of its webhooks arrived first."""

    __tablename__ = "order_points"
    __table_args__ = (
        # a customer's orders that count (nth-order campaign conditions, per batch)
        Index(
            "ix_order_points_customer",
            "merchant_id",
            "customer_id",
            postgresql_where=text("spend_amount IS NOT NULL AND NOT cancelled"),
        ),
    )

    merchant_id: int = Field(sa_column=merchant_key_column())
    shopify_order_id: int = Field(sa_column=Column(BigInteger, primary_key=True))
    customer_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    # Null until orders/create (or an order payload) has been seen.
    eligible_amount: Decimal | None = Field(default=None, sa_column=Column(Numeric(16, 4), nullable=True))
    currency: str | None = Field(default=None, sa_column=Column(String(3), nullable=True))
    # Whether the order's prices include tax (decides how refunds are measured).
    taxes_included: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default="false")
    )
    points_earned: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, server_default="0"))
    points_reversed: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, server_default="0"))
    # Of the reversed points, those the order's lot had already lost to expiry: a
    # reversal does not take them a second time from the customer's other points.
    points_lapsed: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, server_default="0"))
    refunded_amount: Decimal = Field(
        default=Decimal("0"), sa_column=Column(Numeric(16, 4), nullable=False, server_default="0")
    )
    cancelled: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default="false"))
    # Why the order earned nothing though the purchase rule would have given it points
    # (``rules.SKIP_REASONS``: a test order, voided, cancelled in its own payload, in
    # another currency than the shop's); null when it earned, or is not known yet.
    skip_reason: str | None = Field(default=None, sa_column=Column(String(32), nullable=True))
    # The stages the order has reached (orders/paid, orders/fulfilled or a successful
    # fulfillment, or its own payload saying so), whichever of its webhooks came first.
    paid: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default="false"))
    fulfilled: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default="false"))
    # The parts the pipeline added to the order's points (tier multiplier, campaigns):
    # ``[{"suffix", "points", "kind", "origin_type", "origin_id", "label", "reversed",
    # "lapsed"}]``, so refunds and cancellations take each back in proportion, and an
    # order held as pending posts them on release as they were planned when placed.
    parts: list[dict[str, object]] = Field(
        default_factory=list, sa_column=Column(JSONB, nullable=False, server_default="[]")
    )
    # What the order counts toward the customer's spend (subtotal after discounts, shop
    # currency) and when it was placed; null for orders that count for nothing (test,
    # another currency, cancelled in their own payload) or not seen yet.
    spend_amount: Decimal | None = Field(default=None, sa_column=Column(Numeric(16, 4), nullable=True))
    spend_refunded: Decimal = Field(
        default=Decimal("0"), sa_column=Column(Numeric(16, 4), nullable=False, server_default="0")
    )
    placed_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=True))
    updated_at: datetime = Field(
        default_factory=utcnow,
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now()),
    )


class OrderRefund(SQLModel, table=True):
    """One row per Shopify refund, so a redelivered refund is never counted twice."""

    __tablename__ = "order_refunds"

    merchant_id: int = Field(sa_column=merchant_key_column())
    shopify_refund_id: int = Field(sa_column=Column(BigInteger, primary_key=True))
    shopify_order_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    eligible_amount: Decimal = Field(sa_column=Column(Numeric(16, 4), nullable=False))
    # The refund's tax. A refund that arrives before its order is measured as if prices
    # exclude tax (``provisional``); if the order turns out tax-inclusive, the tax inside
    # the refunded subtotal is taken back out once the order is known.
    line_tax: Decimal = Field(
        default=Decimal("0"), sa_column=Column(Numeric(16, 4), nullable=False, server_default="0")
    )
    provisional: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default="false")
    )
    created_at: datetime = Field(
        default_factory=utcnow,
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now()),
    )


class HeldPoints(SQLModel, table=True):
    """Points held as pending that belong to no order: those an import brings from the
    old app, still in its approval period there (LoyaltyLion's "Points pending"). Like
    an order's pending points they are in no balance and no ledger row until the
    release pass (``points.release_pending``) posts them, under ``key`` (the posting's
    idempotency key, chosen by whoever held them), once ``release_at`` has passed; the
    holder may cancel them while they wait (an import's revert)."""

    __tablename__ = "held_points"
    __table_args__ = (
        CheckConstraint("points > 0", name="ck_held_points_points_positive"),
        CheckConstraint("status IN ('pending', 'released', 'cancelled')", name="ck_held_points_status"),
        Index("ix_held_points_due", "release_at", postgresql_where=text("status = 'pending'")),
        Index(
            "ix_held_points_customer",
            "merchant_id",
            "customer_id",
            postgresql_where=text("status = 'pending'"),
        ),
    )

    merchant_id: int = Field(sa_column=merchant_key_column())
    key: str = Field(sa_column=Column(String(255), primary_key=True))
    customer_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    points: int = Field(sa_column=Column(BigInteger, nullable=False))
    # the ledger row they become: its kind and source (an import's: ``import``)
    kind: str = Field(sa_column=Column(String(32), nullable=False))
    source: str = Field(sa_column=Column(String(32), nullable=False))
    source_ref: str | None = Field(default=None, sa_column=Column(String(255), nullable=True))
    reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    release_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    status: str = Field(
        default="pending", sa_column=Column(String(16), nullable=False, server_default="pending")
    )
    created_at: datetime = Field(
        default_factory=utcnow,
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now()),
    )
    updated_at: datetime = Field(
        default_factory=utcnow,
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now()),
    )
