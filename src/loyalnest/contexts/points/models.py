"""Points ledger (append-only), balances, and the per-order state that makes order
webhooks safe to receive twice and out of order."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Identity,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Field, SQLModel

from loyalnest.platform.columns import merchant_key_column
from loyalnest.platform.timeutil import utcnow


class PointsAccount(SQLModel, table=True):
    __tablename__ = "points_accounts"
    __table_args__ = (
        CheckConstraint("balance >= 0", name="ck_points_accounts_balance_non_negative"),
        CheckConstraint("lifetime_earned >= 0", name="ck_points_accounts_lifetime_non_negative"),
    )

    merchant_id: int = Field(sa_column=merchant_key_column())
    # customers.id of the same merchant; referenced by id only (no cross-context FK).
    customer_id: int = Field(sa_column=Column(BigInteger, primary_key=True))
    balance: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, server_default="0"))
    lifetime_earned: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, server_default="0"))
    # The customer's latest earning or spending (``rules.is_activity``): lots earned
    # under days_after_activity expire that many days after it.
    last_activity_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    updated_at: datetime = Field(
        default_factory=utcnow,
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now()),
    )


class PointsLedgerEntry(SQLModel, table=True):
    __tablename__ = "points_ledger"
    __table_args__ = (
        UniqueConstraint("merchant_id", "idempotency_key", name="uq_points_ledger_idempotency_key"),
        Index("ix_points_ledger_customer", "merchant_id", "customer_id", "id"),
        CheckConstraint("shortfall >= 0", name="ck_points_ledger_shortfall_non_negative"),
        CheckConstraint("balance_after >= 0", name="ck_points_ledger_balance_after_non_negative"),
    )

    merchant_id: int = Field(sa_column=merchant_key_column())
    id: int | None = Field(default=None, sa_column=Column(BigInteger, Identity(), primary_key=True))
    customer_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    delta: int = Field(sa_column=Column(BigInteger, nullable=False))
    # earn, redeem, adjust, expire, reversal, import, referral, campaign, tier_bonus
    kind: str = Field(sa_column=Column(String(32), nullable=False))
    # what caused it ("order", "refund", "staff", ...) and the external reference
    source: str = Field(sa_column=Column(String(32), nullable=False))
    source_ref: str | None = Field(default=None, sa_column=Column(String(255), nullable=True))
    idempotency_key: str = Field(sa_column=Column(String(255), nullable=False))
    # Points a reversal should have taken but could not (already spent, or expired).
    shortfall: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, server_default="0"))
    balance_after: int = Field(sa_column=Column(BigInteger, nullable=False))
    reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    actor: str | None = Field(default=None, sa_column=Column(String(255), nullable=True))
    created_at: datetime = Field(
        default_factory=utcnow,
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now()),
    )


class PointsLot(SQLModel, table=True):
    """Points that can be spent, as earned: one lot per positive posting of a spendable
    kind (``rules.LOT_KINDS``). Debits take from open lots oldest first; expiry takes a
    lot's unspent remainder. Kept apart from the ledger so the ledger stays append-only:
    what changes over a lot's life (``remaining``, a moving ``expires_at``) lives here,
    and every change is explained by a ``points_lot_consumptions`` row.

    Invariant: a customer's open lots hold exactly their balance."""

    __tablename__ = "points_lots"
    __table_args__ = (
        CheckConstraint("points > 0", name="ck_points_lots_points_positive"),
        CheckConstraint("remaining >= 0 AND remaining <= points", name="ck_points_lots_remaining_in_range"),
        CheckConstraint("activity_days IS NULL OR activity_days > 0", name="ck_points_lots_activity_days"),
        # one lot per posting (also how a reversal finds its order's lot)
        UniqueConstraint("merchant_id", "entry_id", name="uq_points_lots_entry"),
        # a customer's open lots, in earning order (spending, balances, expiring soon)
        Index(
            "ix_points_lots_open",
            "merchant_id",
            "customer_id",
            "id",
            postgresql_where=text("remaining > 0"),
        ),
        # the expiry pass: open lots by expiry, across shops
        Index(
            "ix_points_lots_expiry",
            "expires_at",
            postgresql_where=text("remaining > 0 AND expires_at IS NOT NULL"),
        ),
        # open lots whose expiry follows the customer's activity (moved on each activity)
        Index(
            "ix_points_lots_follow_activity",
            "merchant_id",
            "customer_id",
            postgresql_where=text("remaining > 0 AND activity_days IS NOT NULL"),
        ),
    )

    merchant_id: int = Field(sa_column=merchant_key_column())
    id: int | None = Field(default=None, sa_column=Column(BigInteger, Identity(), primary_key=True))
    customer_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    # The ledger entry that created the lot; null for the lot migration 0005 opened for
    # balances that existed before lots.
    entry_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    points: int = Field(sa_column=Column(BigInteger, nullable=False))
    remaining: int = Field(sa_column=Column(BigInteger, nullable=False))
    # Null: never expires.
    expires_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    # Set when the lot expires this many days after the customer's latest activity
    # (earned under days_after_activity): ``expires_at`` is moved on each activity.
    activity_days: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    created_at: datetime = Field(
        default_factory=utcnow,
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now()),
    )


class PointsLotConsumption(SQLModel, table=True):
    """What a ledger entry took from (positive ``points``) or gave back to (negative) a
    lot, so that a returned redemption refills the very lots it emptied and every lot's
    ``remaining`` is ``points`` less its consumptions (checked by verify-ledger)."""

    __tablename__ = "points_lot_consumptions"
    __table_args__ = (CheckConstraint("points <> 0", name="ck_points_lot_consumptions_points_non_zero"),)

    merchant_id: int = Field(sa_column=merchant_key_column())
    entry_id: int = Field(sa_column=Column(BigInteger, primary_key=True))
    lot_id: int = Field(sa_column=Column(BigInteger, primary_key=True))
    points: int = Field(sa_column=Column(BigInteger, nullable=False))


class PointsExpiryReminder(SQLModel, table=True):
    """A "points expiring soon" notice owed to a customer, recorded 30 days before the
    expiry (one per customer and expiry date, in the shop's timezone). Sending comes
    with the notifications context; until then they wait as ``due``."""

    __tablename__ = "points_expiry_reminders"
    __table_args__ = (
        UniqueConstraint(
            "merchant_id", "customer_id", "expires_on", name="uq_points_expiry_reminders_customer_date"
        ),
        CheckConstraint("status IN ('due', 'sent', 'cancelled')", name="ck_points_expiry_reminders_status"),
        Index("ix_points_expiry_reminders_due", "merchant_id", "id", postgresql_where=text("status = 'due'")),
    )

    merchant_id: int = Field(sa_column=merchant_key_column())
    id: int | None = Field(default=None, sa_column=Column(BigInteger, Identity(), primary_key=True))
    customer_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    expires_on: date = Field(sa_column=Column(Date, nullable=False))
    # The first expiry of that day and the points expiring that day, when recorded.
    expires_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    points: int = Field(sa_column=Column(BigInteger, nullable=False))
    status: str = Field(default="due", sa_column=Column(String(16), nullable=False, server_default="due"))
    created_at: datetime = Field(
        default_factory=utcnow,
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now()),
    )


class PendingPoints(SQLModel, table=True):
    """An order's points held back for the shop's pending period: not spendable, not in
    the balance or the ledger. ``points.release_pending`` posts them as the order's
    ``earn`` once ``release_at`` has passed; a cancellation cancels them and a refund
    reduces them while they wait."""

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
