"""Frozen DTOs the merchants context hands out (re-exported by ``api``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple


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
    # the shop's contact email, sealed (``merchants.api.shop_email`` opens it)
    email_enc: str | None = field(default=None, repr=False)
    # the shop's language in Shopify (shop/update), a BCP 47 tag; None until one came
    primary_locale: str | None = None


class AdminCredentials(NamedTuple):
    """What the Shopify Admin client needs to call a shop. The token is plaintext: keep
    it in memory only (the repr hides it, so a log line or traceback cannot leak it)."""

    shop_domain: str
    plan: str
    access_token: str

    def __repr__(self) -> str:
        return (
            f"AdminCredentials(shop_domain={self.shop_domain!r}, plan={self.plan!r}, access_token=<redacted>)"
        )


# --- merchant referral program ----------------------------------------------------------


@dataclass(frozen=True)
class MerchantReferralProgramDTO:
    """A shop's side of the merchant referral program: its code and the link to share."""

    merchant_id: int
    code: str
    link: str


@dataclass(frozen=True)
class MerchantReferralDTO:
    """A shop installed with another shop's code. ``status``: pending, qualified or
    cancelled."""

    id: int
    referrer_merchant_id: int
    referrer_shop_domain: str
    referred_merchant_id: int
    referred_shop_domain: str
    status: str
    created_at: datetime
    qualified_at: datetime | None
    credited_at: datetime | None
    cancelled_at: datetime | None


@dataclass(frozen=True)
class MerchantReferralPage:
    items: list[MerchantReferralDTO]
    has_next_page: bool
    has_previous_page: bool


@dataclass(frozen=True)
class MerchantCreditDTO:
    """A row of the shop's credit ledger: ``months`` of LoyalNest (positive: credited)."""

    id: int
    months: int
    kind: str
    source_ref: str
    created_at: datetime


@dataclass(frozen=True)
class MerchantCreditPage:
    items: list[MerchantCreditDTO]
    has_next_page: bool
    has_previous_page: bool


@dataclass(frozen=True)
class CreditSweepReport:
    """What one pass of ``credit_referrals`` did."""

    qualified: int
    credited: int
    cancelled: int
