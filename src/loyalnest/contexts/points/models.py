"""Points ledger (append-only), balances, and the per-order state that makes order
webhooks safe to receive twice and out of order."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlmodel import Field, SQLModel

from loyalnest.platform.timeutil import utcnow


def _merchant_fk() -> Column:  # type: ignore[type-arg]
    return Column(BigInteger, ForeignKey("merchants.id", ondelete="CASCADE"), primary_key=True)


class PointsAccount(SQLModel, table=True):
    __tablename__ = "points_accounts"
    __table_args__ = (
        CheckConstraint("balance >= 0", name="ck_points_accounts_balance_non_negative"),
        CheckConstraint("lifetime_earned >= 0", name="ck_points_accounts_lifetime_non_negative"),
    )

    merchant_id: int = Field(sa_column=_merchant_fk())
    # customers.id of the same merchant; referenced by id only (no cross-context FK).
    customer_id: int = Field(sa_column=Column(BigInteger, primary_key=True))
    balance: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, server_default="0"))
    lifetime_earned: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, server_default="0"))
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

    merchant_id: int = Field(sa_column=_merchant_fk())
    id: int | None = Field(default=None, sa_column=Column(BigInteger, Identity(), primary_key=True))
    customer_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    delta: int = Field(sa_column=Column(BigInteger, nullable=False))
    # earn, redeem, adjust, expire, reversal, import, referral, campaign, tier_bonus
    kind: str = Field(sa_column=Column(String(32), nullable=False))
    # what caused it ("order", "refund", "staff", ...) and the external reference
    source: str = Field(sa_column=Column(String(32), nullable=False))
    source_ref: str | None = Field(default=None, sa_column=Column(String(255), nullable=True))
    idempotency_key: str = Field(sa_column=Column(String(255), nullable=False))
    # Points a reversal should have taken but could not (balance already spent).
    shortfall: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, server_default="0"))
    balance_after: int = Field(sa_column=Column(BigInteger, nullable=False))
    reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    actor: str | None = Field(default=None, sa_column=Column(String(255), nullable=True))
    expires_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    remaining: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    created_at: datetime = Field(
        default_factory=utcnow,
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now()),
    )


class OrderPoints(SQLModel, table=True):
    """What we know of one Shopify order, whichever of its webhooks arrived first."""

    __tablename__ = "order_points"

    merchant_id: int = Field(sa_column=_merchant_fk())
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

    merchant_id: int = Field(sa_column=_merchant_fk())
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
