"""Points ledger (append-only), balances, lots, expiry reminders, and the shop's expiry
policy (when the points of a new lot expire). Orders and what they earn are the
earning context's."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Identity,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
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
    # Where an earning's points came from: "rule" (the trigger's base points), "tier" (a
    # tier's multiplier) or "campaign", with the tier's or campaign's id; null for rows
    # that are not earnings (redemptions, adjustments, reversals, expiry).
    origin_type: str | None = Field(default=None, sa_column=Column(String(16), nullable=True))
    origin_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
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
    # the order the entry took from its lots in (0 first; rows before 0037 all 0): a
    # reversal takes from its earning's own lot before the oldest, and an export's
    # history names that lot so a re-import takes from it too
    seq: int = Field(default=0, sa_column=Column(SmallInteger, nullable=False, server_default="0"))


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


class PointsExpiryPolicy(SQLModel, table=True):
    """When the points a shop's customers earn expire (applied to each new lot when it
    opens; existing lots keep their date). One row per shop, created at install."""

    __tablename__ = "points_expiry_policies"
    __table_args__ = (
        CheckConstraint(
            "expiry_policy IN ('never', 'days_after_earn', 'days_after_activity', 'end_of_month',"
            " 'end_of_year')",
            name="ck_points_expiry_policies_policy",
        ),
        # a day-based policy has its days; the others have none
        CheckConstraint(
            "(expiry_policy IN ('days_after_earn', 'days_after_activity')) = (expiry_days IS NOT NULL)",
            name="ck_points_expiry_policies_days",
        ),
        CheckConstraint(
            "expiry_days IS NULL OR expiry_days > 0", name="ck_points_expiry_policies_days_positive"
        ),
    )

    merchant_id: int = Field(sa_column=merchant_key_column())
    # never, days_after_earn, days_after_activity, end_of_month, end_of_year
    expiry_policy: str = Field(
        default="never", sa_column=Column(String(32), nullable=False, server_default="never")
    )
    # The N of the two day-based policies (null for the others).
    expiry_days: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    updated_at: datetime = Field(
        default_factory=utcnow,
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now()),
    )
