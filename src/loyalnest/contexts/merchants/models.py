"""Merchant (the tenant root) and its program settings."""

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
    Integer,
    Numeric,
    String,
    Text,
    func,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Field, SQLModel

from loyalnest.platform.timeutil import utcnow


class Merchant(SQLModel, table=True):
    __tablename__ = "merchants"

    id: int | None = Field(default=None, sa_column=Column(BigInteger, Identity(), primary_key=True))
    shop_domain: str = Field(sa_column=Column(String(255), nullable=False, unique=True))
    name: str = Field(sa_column=Column(String(255), nullable=False))
    currency: str = Field(sa_column=Column(String(3), nullable=False))
    iana_timezone: str = Field(
        default="UTC", sa_column=Column(String(64), nullable=False, server_default="UTC")
    )
    plan: str = Field(default="free", sa_column=Column(String(32), nullable=False, server_default="free"))
    # Admin API access token, AES-GCM ciphertext (platform.crypto).
    access_token_enc: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    installed_at: datetime = Field(
        default_factory=utcnow,
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now()),
    )
    uninstalled_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )


class ProgramSettings(SQLModel, table=True):
    __tablename__ = "program_settings"
    __table_args__ = (
        CheckConstraint("points_per_currency_unit >= 0", name="ck_program_settings_rate"),
        CheckConstraint("rounding IN ('down', 'nearest', 'up')", name="ck_program_settings_rounding"),
        CheckConstraint(
            "expiry_policy IN ('never', 'days_after_earn', 'days_after_activity', 'end_of_month',"
            " 'end_of_year')",
            name="ck_program_settings_expiry_policy",
        ),
        # a day-based policy has its days; the others have none
        CheckConstraint(
            "(expiry_policy IN ('days_after_earn', 'days_after_activity')) = (expiry_days IS NOT NULL)",
            name="ck_program_settings_expiry_days",
        ),
        CheckConstraint(
            "expiry_days IS NULL OR expiry_days > 0", name="ck_program_settings_expiry_days_positive"
        ),
        CheckConstraint("pending_days >= 0", name="ck_program_settings_pending_days"),
        CheckConstraint(
            "min_order_amount IS NULL OR min_order_amount > 0", name="ck_program_settings_min_order_amount"
        ),
    )

    merchant_id: int = Field(
        sa_column=Column(BigInteger, ForeignKey("merchants.id", ondelete="CASCADE"), primary_key=True)
    )
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
    # Expiry of earned points (per lot; see the points context) and the days an order's
    # points wait as pending before they can be spent.
    expiry_policy: str = Field(
        default="never", sa_column=Column(String(32), nullable=False, server_default="never")
    )
    expiry_days: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    pending_days: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    updated_at: datetime = Field(
        default_factory=utcnow,
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now()),
    )
