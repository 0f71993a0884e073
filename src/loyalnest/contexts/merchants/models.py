"""Merchant: the tenant root. (Its purchase rule is the earning context's table, its
expiry policy the points context's.)

The merchant referral program lives here too, because it is about shops, not about a
shop's customers:

- ``merchants.referral_code``: the code a shop gives another merchant (8 characters,
  unique across every shop, made at install, never changed);
- ``merchant_referrals``: one row per shop installed with another shop's code; the
  referring shop (``merchant_id``) owns the row, the referred shop appears once;
- ``merchant_credits``: the append-only ledger of months of LoyalNest credited to a
  shop (one month per referral that stayed installed 30 days), for billing to apply.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlmodel import Field, SQLModel

from loyalnest.platform.columns import merchant_key_column
from loyalnest.platform.key_rotation import encrypted_column
from loyalnest.platform.timeutil import utcnow


class Merchant(SQLModel, table=True):
    __tablename__ = "merchants"
    # merchant referral codes are unique across every shop: a code alone names its shop
    __table_args__ = (UniqueConstraint("referral_code", name="uq_merchants_referral_code"),)

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
    # the shop's merchant referral code (rules.REFERRAL_CODE_ALPHABET), upper case
    referral_code: str = Field(sa_column=Column(String(8), nullable=False))
    # the shop's contact email from shop/update, AES-GCM ciphertext (SHOP_EMAIL_CONTEXT):
    # where staff alerts go when the shop set no staff email
    email_enc: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # the shop's language in Shopify (shop/update's primary_locale, a BCP 47 tag): what
    # messages speak until the shop picks a default locale of its own
    primary_locale: str | None = Field(default=None, sa_column=Column(String(35), nullable=True))
    # the updated_at of the newest shop/update applied (a late delivery undoes nothing)
    shop_updated_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )


def _moment() -> Any:
    """A nullable timestamp column (a fresh Column per use)."""
    return Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=True))


class MerchantReferral(SQLModel, table=True):
    """A shop (``referred_merchant_id``) installed with the code of another
    (``merchant_id``, the referring shop, whose staff see the row). ``pending`` until
    the referred shop has stayed installed for ``rules.QUALIFYING_DAYS``, then
    ``qualified`` (and credited in the same transaction), or ``cancelled`` when it
    uninstalled before."""

    __tablename__ = "merchant_referrals"
    __table_args__ = (
        # A shop is referred once, whoever referred it: the one place a referral key does
        # not lead with merchant_id, because the rule is about the referred shop across
        # every referring shop (a reinstall with another code must not count again).
        UniqueConstraint("referred_merchant_id", name="uq_merchant_referrals_referred"),
        CheckConstraint(
            "status IN ('pending', 'qualified', 'cancelled')", name="ck_merchant_referrals_status"
        ),
        CheckConstraint("merchant_id <> referred_merchant_id", name="ck_merchant_referrals_not_self"),
        # the daily sweep reads the pending ones, oldest first
        Index(
            "ix_merchant_referrals_pending",
            "created_at",
            postgresql_where=text("status = 'pending'"),
        ),
    )

    merchant_id: int = Field(sa_column=merchant_key_column())
    id: int | None = Field(default=None, sa_column=Column(BigInteger, Identity(), primary_key=True))
    referred_merchant_id: int = Field(
        sa_column=Column(BigInteger, ForeignKey("merchants.id", ondelete="CASCADE"), nullable=False)
    )
    status: str = Field(
        default="pending", sa_column=Column(String(16), nullable=False, server_default="pending")
    )
    # when the referred shop was installed with the code (the 30 days count from here)
    created_at: datetime = Field(
        default_factory=utcnow,
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now()),
    )
    # the moment the referred shop had been installed for the qualifying days
    qualified_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    # when the credit row was written (the sweep after qualified_at)
    credited_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    cancelled_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )


class MerchantCredit(SQLModel, table=True):
    """Months of LoyalNest credited to a shop. Append-only (a trigger refuses updates):
    billing, when it exists, applies credits by appending its own rows (negative
    months), never by changing these; the balance is the sum."""

    __tablename__ = "merchant_credits"
    __table_args__ = (
        UniqueConstraint("merchant_id", "idempotency_key", name="uq_merchant_credits_idempotency_key"),
        CheckConstraint("months <> 0", name="ck_merchant_credits_months_not_zero"),
        # billing adds its kinds (and widens this check) with its own migration
        CheckConstraint("kind IN ('referral')", name="ck_merchant_credits_kind"),
    )

    merchant_id: int = Field(sa_column=merchant_key_column())
    id: int | None = Field(default=None, sa_column=Column(BigInteger, Identity(), primary_key=True))
    months: int = Field(sa_column=Column(Integer, nullable=False))
    kind: str = Field(sa_column=Column(String(16), nullable=False))
    # what earned it, e.g. "merchant_referral:42"
    source_ref: str = Field(sa_column=Column(Text, nullable=False))
    idempotency_key: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(
        default_factory=utcnow,
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now()),
    )


# The shop's Admin API access token is stored encrypted under this AAD.
ACCESS_TOKEN_CONTEXT = b"merchants.access_token"
# For ``loyalnest rotate-keys``.
encrypted_column("merchants", ("id",), "access_token_enc", ACCESS_TOKEN_CONTEXT)
# The shop's contact email (shop/update).
SHOP_EMAIL_CONTEXT = b"merchants.email"
encrypted_column("merchants", ("id",), "email_enc", SHOP_EMAIL_CONTEXT)
