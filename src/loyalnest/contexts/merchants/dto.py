"""Frozen DTOs the merchants context hands out (re-exported by ``api``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from loyalnest.platform.money import Rounding


@dataclass(frozen=True)
class MerchantDTO:
    id: int
    shop_domain: str
    name: str
    currency: str
    iana_timezone: str
    plan: str
    installed_at: datetime
    active: bool


@dataclass(frozen=True)
class ProgramSettingsDTO:
    merchant_id: int
    points_per_currency_unit: Decimal
    rounding: Rounding
    earn_on_shipping: bool
    earn_on_tax: bool
    updated_at: datetime


@dataclass(frozen=True)
class ProgramSettingsUpdate:
    """Fields left ``None`` keep their current value."""

    points_per_currency_unit: Decimal | None = None
    rounding: str | None = None
    earn_on_shipping: bool | None = None
    earn_on_tax: bool | None = None
