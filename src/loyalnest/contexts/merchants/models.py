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
    Numeric,
    String,
    Text,
    func,
)
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
    )

    merchant_id: int = Field(
        sa_column=Column(BigInteger, ForeignKey("merchants.id", ondelete="CASCADE"), primary_key=True)
    )
    points_per_currency_unit: Decimal = Field(
        default=Decimal("1"), sa_column=Column(Numeric(12, 4), nullable=False, server_default="1")
    )
    rounding: str = Field(default="down", sa_column=Column(String(16), nullable=False, server_default="down"))
    earn_on_shipping: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default="false")
    )
    earn_on_tax: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default="false")
    )
    updated_at: datetime = Field(
        default_factory=utcnow,
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now()),
    )
