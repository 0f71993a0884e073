"""A shop's earning rules (besides purchases, which live in its program settings), the
birthdays already celebrated, and the secret its review app signs webhooks with."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    Integer,
    String,
    Text,
    func,
)
from sqlmodel import Field, SQLModel

from loyalnest.platform.columns import merchant_key_column
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
