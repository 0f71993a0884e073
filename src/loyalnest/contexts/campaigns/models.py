"""Bonus campaigns: what a shop runs on top of its base program, the shop-wide cap, and
what each campaign has done (results, per-customer uses, the orders it touched).

A campaign's conditions are one JSONB predicate (see ``rules.Conditions``): customer
targeting is a list of clauses of a ``kind`` (tier, customer tag; RFM segments later),
so a new kind of targeting is code, not a migration of this table.

``campaign_settings.version`` is the shop's campaigns version: every change to any of
its campaigns bumps it in the same transaction, and each process's in-memory snapshot
of the shop's campaigns is reloaded when the version it read differs (``snapshot``).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKeyConstraint,
    Identity,
    Index,
    Integer,
    Numeric,
    SmallInteger,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlmodel import Field, SQLModel

from loyalnest.platform.columns import merchant_key_column
from loyalnest.platform.timeutil import utcnow


class Campaign(SQLModel, table=True):
    __tablename__ = "campaigns"
    __table_args__ = (
        CheckConstraint(
            "status IN ('scheduled', 'active', 'paused', 'ended', 'archived')", name="ck_campaigns_status"
        ),
        CheckConstraint(
            "effect_kind IN ('multiplier', 'order_bonus', 'product_unit_bonus', 'product_line_bonus',"
            " 'trigger_bonus')",
            name="ck_campaigns_effect_kind",
        ),
        CheckConstraint(
            "effect_kind <> 'multiplier' OR (multiplier > 1 AND multiplier <= 10)",
            name="ck_campaigns_multiplier_range",
        ),
        CheckConstraint(
            "effect_kind = 'multiplier' OR bonus_points > 0", name="ck_campaigns_bonus_points_positive"
        ),
        CheckConstraint("ends_at IS NULL OR starts_at < ends_at", name="ck_campaigns_window_order"),
        CheckConstraint("days_mask IS NULL OR days_mask BETWEEN 1 AND 127", name="ck_campaigns_days_mask"),
        CheckConstraint(
            "(hours_from IS NULL) = (hours_to IS NULL) AND (hours_from IS NULL OR"
            " (hours_from BETWEEN 0 AND 23 AND hours_to BETWEEN 1 AND 24 AND hours_from <> hours_to))",
            name="ck_campaigns_hours",
        ),
        CheckConstraint("stacking IN ('stackable', 'exclusive')", name="ck_campaigns_stacking"),
        CheckConstraint(
            "max_uses_per_customer IS NULL OR max_uses_per_customer > 0",
            name="ck_campaigns_max_uses_positive",
        ),
        CheckConstraint(
            "max_points_per_customer IS NULL OR max_points_per_customer > 0",
            name="ck_campaigns_max_points_positive",
        ),
        CheckConstraint("points_budget IS NULL OR points_budget > 0", name="ck_campaigns_budget_positive"),
        CheckConstraint(
            "discount_kind IS NULL OR discount_kind IN ('percentage', 'fixed_amount', 'free_shipping')",
            name="ck_campaigns_discount_kind",
        ),
        CheckConstraint(
            "(discount_kind IS NULL) = (discount_code IS NULL)", name="ck_campaigns_discount_code_with_kind"
        ),
        CheckConstraint(
            "discount_state IN ('none', 'pending', 'active', 'inactive', 'failed')",
            name="ck_campaigns_discount_state",
        ),
        # the snapshot reads a shop's live campaigns
        Index("ix_campaigns_status", "merchant_id", "status"),
        # the status actor scans every shop for campaigns due to start or end
        Index("ix_campaigns_due_start", "starts_at", postgresql_where=text("status = 'scheduled'")),
        Index(
            "ix_campaigns_due_end",
            "ends_at",
            postgresql_where=text("status IN ('scheduled', 'active', 'paused') AND ends_at IS NOT NULL"),
        ),
    )

    merchant_id: int = Field(sa_column=merchant_key_column())
    id: int | None = Field(default=None, sa_column=Column(BigInteger, Identity(), primary_key=True))
    name: str = Field(sa_column=Column(String(255), nullable=False))
    default_locale: str = Field(sa_column=Column(String(35), nullable=False))
    # {locale: description}; may be empty
    descriptions: dict[str, Any] = Field(sa_column=Column(JSONB, nullable=False, server_default="{}"))
    status: str = Field(sa_column=Column(String(16), nullable=False))
    starts_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    ends_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=True))
    # in the shop's timezone: bit i set = weekday i applies (Monday 0); null: every day
    days_mask: int | None = Field(default=None, sa_column=Column(SmallInteger, nullable=True))
    # in the shop's timezone, [from, to) hours; from > to wraps past midnight; null: all day
    hours_from: int | None = Field(default=None, sa_column=Column(SmallInteger, nullable=True))
    hours_to: int | None = Field(default=None, sa_column=Column(SmallInteger, nullable=True))
    effect_kind: str = Field(sa_column=Column(String(32), nullable=False))
    multiplier: Decimal | None = Field(default=None, sa_column=Column(Numeric(6, 2), nullable=True))
    bonus_points: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    # the earning triggers the effect applies to ("order", "signup", ...)
    triggers: list[str] = Field(sa_column=Column(ARRAY(String(16)), nullable=False))
    # the predicate (rules.conditions_to_json): amounts, products, audience, nth order
    conditions: dict[str, Any] = Field(sa_column=Column(JSONB, nullable=False, server_default="{}"))
    max_uses_per_customer: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    max_points_per_customer: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    points_budget: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    stacking: str = Field(sa_column=Column(String(16), nullable=False))
    priority: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    exclusive_of_all: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default="false")
    )
    # an optional Shopify discount while the campaign runs. The code is a public promo
    # code the merchant advertises ("GOLD15"), not a customer's secret: kept in clear
    discount_kind: str | None = Field(default=None, sa_column=Column(String(16), nullable=True))
    discount_value: Decimal | None = Field(default=None, sa_column=Column(Numeric(16, 4), nullable=True))
    discount_code: str | None = Field(default=None, sa_column=Column(String(255), nullable=True))
    discount_gid: str | None = Field(default=None, sa_column=Column(String(255), nullable=True))
    discount_state: str = Field(
        default="none", sa_column=Column(String(16), nullable=False, server_default="none")
    )
    discount_error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # why it ended: "schedule" (endsAt passed), "budget" (its points budget ran out)
    ended_reason: str | None = Field(default=None, sa_column=Column(String(16), nullable=True))
    version: int = Field(default=1, sa_column=Column(Integer, nullable=False, server_default="1"))
    created_at: datetime = Field(
        default_factory=utcnow,
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now()),
    )
    updated_at: datetime = Field(
        default_factory=utcnow,
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now()),
    )


class CampaignSettings(SQLModel, table=True):
    """The shop's campaign-wide settings, and its campaigns version (see the module)."""

    __tablename__ = "campaign_settings"
    __table_args__ = (
        CheckConstraint("max_total_multiplier >= 1", name="ck_campaign_settings_cap_at_least_1"),
    )

    merchant_id: int = Field(sa_column=merchant_key_column())
    # the most a base award may be multiplied by, tier and campaigns together
    max_total_multiplier: Decimal = Field(
        default=Decimal("5"), sa_column=Column(Numeric(6, 2), nullable=False, server_default="5")
    )
    version: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, server_default="0"))
    updated_at: datetime = Field(
        default_factory=utcnow,
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now()),
    )


def _campaign_fk(table: str) -> ForeignKeyConstraint:
    return ForeignKeyConstraint(
        ["merchant_id", "campaign_id"],
        ["campaigns.merchant_id", "campaigns.id"],
        name=f"fk_{table}_campaign",
        ondelete="CASCADE",
    )


class CampaignResults(SQLModel, table=True):
    """What a campaign has done, counted from the earning context's events."""

    __tablename__ = "campaign_results"
    __table_args__ = (_campaign_fk("campaign_results"),)

    merchant_id: int = Field(sa_column=merchant_key_column())
    campaign_id: int = Field(sa_column=Column(BigInteger, primary_key=True))
    # net of what refunds and cancellations took back (what the budget counts)
    points_issued: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, server_default="0"))
    orders_affected: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    customers_reached: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    revenue: Decimal = Field(
        default=Decimal(0), sa_column=Column(Numeric(16, 4), nullable=False, server_default="0")
    )
    discount_uses: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    updated_at: datetime = Field(
        default_factory=utcnow,
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now()),
    )


class CampaignCustomer(SQLModel, table=True):
    """A customer's uses of a campaign: what the per-customer caps count."""

    __tablename__ = "campaign_customers"
    __table_args__ = (_campaign_fk("campaign_customers"),)

    merchant_id: int = Field(sa_column=merchant_key_column())
    campaign_id: int = Field(sa_column=Column(BigInteger, primary_key=True))
    customer_id: int = Field(sa_column=Column(BigInteger, primary_key=True))
    uses: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    points: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, server_default="0"))


class CampaignOrder(SQLModel, table=True):
    """An order a campaign touched (a bonus part, or its discount code used): counted
    once in ``orders_affected``, its revenue followed through refunds."""

    __tablename__ = "campaign_orders"
    __table_args__ = (
        _campaign_fk("campaign_orders"),
        # refunds and cancellations find an order's campaigns
        Index("ix_campaign_orders_order", "merchant_id", "shopify_order_id"),
    )

    merchant_id: int = Field(sa_column=merchant_key_column())
    campaign_id: int = Field(sa_column=Column(BigInteger, primary_key=True))
    shopify_order_id: int = Field(sa_column=Column(BigInteger, primary_key=True))
    customer_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    revenue: Decimal = Field(
        default=Decimal(0), sa_column=Column(Numeric(16, 4), nullable=False, server_default="0")
    )
    via_discount: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default="false")
    )
    cancelled: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default="false"))
