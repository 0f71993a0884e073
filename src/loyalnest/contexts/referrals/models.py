"""Tables of the referrals context.

- ``referral_programs``: a shop's program (one row; absent = defaults, disabled).
- ``referral_codes``: each advocate's stable code and their link discount on Shopify,
  plus hashed facts of the advocate's own orders (for the self-referral checks).
- ``referrals``: one friend referred by one advocate, from claim or attributed order to
  reward (or a side exit), with the fraud checks' reasons.
- ``referral_invites``: invites sent at an advocate's request (the daily cap counts them).
- ``referral_clicks_daily``: link clicks per advocate per day (written by the click flush).
- ``referral_invite_opt_outs``: the addresses (blind indexes of the email and phone, as
  invites index them) of customers who revoked the ``referrals`` consent: no invite goes
  to them (written when privacy publishes ``ConsentChanged``).

Friend emails and friend codes are PII: encrypted, looked up by blind index. Addresses,
IPs and payment fingerprints are never stored, only HMAC hashes under the shop's salt.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

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
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlmodel import Field, SQLModel

from loyalnest.contexts.referrals import rules
from loyalnest.platform.columns import merchant_key_column
from loyalnest.platform.key_rotation import blind_index_column, encrypted_column, one_way_blind_index
from loyalnest.platform.timeutil import utcnow

# AAD of the encrypted columns: a ciphertext moved to another column does not decrypt
FRIEND_EMAIL_CONTEXT = b"referrals.friend_email"
FRIEND_CODE_CONTEXT = b"referrals.friend_code"


def _now_column() -> Any:
    return Field(
        default_factory=utcnow,
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now()),
    )


def _time(nullable: bool = True) -> Any:
    return Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=nullable))


class ReferralProgram(SQLModel, table=True):
    __tablename__ = "referral_programs"
    __table_args__ = (
        CheckConstraint(
            "friend_kind IN ('fixed_amount', 'percentage', 'free_shipping')",
            name="ck_referral_programs_friend_kind",
        ),
        CheckConstraint("advocate_kind IN ('points', 'reward')", name="ck_referral_programs_advocate_kind"),
        CheckConstraint("monthly_cap >= 1", name="ck_referral_programs_cap_positive"),
    )

    merchant_id: int = Field(sa_column=merchant_key_column())
    enabled: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default="false"))
    friend_kind: str = Field(
        default="fixed_amount", sa_column=Column(String(16), nullable=False, server_default="fixed_amount")
    )
    # null for free shipping; a new program offers 10 in the shop's currency
    friend_value: Decimal | None = Field(
        default=Decimal("10.00"), sa_column=Column(Numeric(12, 2), nullable=True, server_default="10.00")
    )
    friend_min_order: Decimal | None = Field(default=None, sa_column=Column(Numeric(12, 2), nullable=True))
    friend_code_validity_days: int = Field(
        default=30, sa_column=Column(Integer, nullable=False, server_default="30")
    )
    advocate_kind: str = Field(
        default="points", sa_column=Column(String(16), nullable=False, server_default="points")
    )
    advocate_points: int = Field(default=500, sa_column=Column(Integer, nullable=False, server_default="500"))
    # a catalog reward (rewards context), referenced by id only
    advocate_reward_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    min_order_subtotal: Decimal = Field(
        default=Decimal("0"), sa_column=Column(Numeric(12, 2), nullable=False, server_default="0")
    )
    confirmation_days: int = Field(default=14, sa_column=Column(Integer, nullable=False, server_default="14"))
    claim_validity_days: int = Field(
        default=30, sa_column=Column(Integer, nullable=False, server_default="30")
    )
    monthly_cap: int = Field(default=20, sa_column=Column(Integer, nullable=False, server_default="20"))
    # [{"count": 3, "points": 500}, ...] sorted by count, counts unique
    milestones: list[Any] = Field(
        default_factory=list, sa_column=Column(JSONB, nullable=False, server_default=text("'[]'::jsonb"))
    )
    tier_multiplier_applies: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default="false")
    )
    velocity_per_week: int = Field(default=10, sa_column=Column(Integer, nullable=False, server_default="10"))
    disposable_domains_blocked: bool = Field(
        default=True, sa_column=Column(Boolean, nullable=False, server_default="true")
    )
    disposable_domains_extra: list[Any] = Field(
        default_factory=list, sa_column=Column(JSONB, nullable=False, server_default=text("'[]'::jsonb"))
    )
    disposable_domains_allowed: list[Any] = Field(
        default_factory=list, sa_column=Column(JSONB, nullable=False, server_default=text("'[]'::jsonb"))
    )
    # {check name: on/off}; a check absent from the map is on
    checks: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSONB, nullable=False, server_default=text("'{}'::jsonb"))
    )
    # random per shop: the key of the visitor-id and IP/address hashes (hex)
    visitor_salt: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = _now_column()
    updated_at: datetime = _now_column()


class ReferralCode(SQLModel, table=True):
    __tablename__ = "referral_codes"
    __table_args__ = (
        UniqueConstraint("merchant_id", "code", name="uq_referral_codes_code"),
        CheckConstraint(
            "link_discount_state IN ('none', 'creating', 'created', 'failed')",
            name="ck_referral_codes_link_discount_state",
        ),
    )

    merchant_id: int = Field(sa_column=merchant_key_column())
    customer_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    # upper case, from the unambiguous alphabet
    code: str = Field(sa_column=Column(String(16), nullable=False))
    link_discount_gid: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    link_discount_state: str = Field(
        default="none", sa_column=Column(String(16), nullable=False, server_default="none")
    )
    # the advocate's own order facts, hashed under the shop's salt (latest seen): what a
    # friend's order is compared with by the self-referral checks
    address_hash: str | None = Field(default=None, sa_column=Column(String(64), nullable=True))
    ip_hash: str | None = Field(default=None, sa_column=Column(String(64), nullable=True))
    payment_hash: str | None = Field(default=None, sa_column=Column(String(64), nullable=True))
    created_at: datetime = _now_column()


class Referral(SQLModel, table=True):
    __tablename__ = "referrals"
    __table_args__ = (
        CheckConstraint(
            "source IN ('claim', 'link_discount', 'friend_code', 'cart_attribute', 'landing_url')",
            name="ck_referrals_source",
        ),
        CheckConstraint(
            "status IN ('claimed', 'pending', 'completed', 'rewarded', 'expired', 'rejected', 'cancelled')",
            name="ck_referrals_status",
        ),
        Index(
            "uq_referrals_friend",
            "merchant_id",
            "friend_customer_id",
            unique=True,
            postgresql_where=text("friend_customer_id IS NOT NULL"),
        ),
        Index(
            "uq_referrals_friend_email",
            "merchant_id",
            "advocate_customer_id",
            "friend_email_bidx",
            unique=True,
            postgresql_where=text("friend_email_bidx IS NOT NULL"),
        ),
        Index(
            "uq_referrals_order",
            "merchant_id",
            "shopify_order_id",
            unique=True,
            postgresql_where=text("shopify_order_id IS NOT NULL"),
        ),
        Index(
            "uq_referrals_friend_code",
            "merchant_id",
            "friend_code_lookup",
            unique=True,
            postgresql_where=text("friend_code_lookup IS NOT NULL"),
        ),
        Index("ix_referrals_confirm_due", "status", "confirm_at"),
        Index("ix_referrals_expiry_due", "status", "expires_at"),
        Index("ix_referrals_advocate", "merchant_id", "advocate_customer_id", "id"),
        Index(
            "ix_referrals_held",
            "merchant_id",
            "id",
            postgresql_where=text("held"),
        ),
    )

    merchant_id: int = Field(sa_column=merchant_key_column())
    id: int | None = Field(default=None, sa_column=Column(BigInteger, Identity(), primary_key=True))
    advocate_customer_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    friend_customer_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    friend_email_bidx: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    friend_email_enc: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    source: str = Field(sa_column=Column(String(16), nullable=False))
    status: str = Field(sa_column=Column(String(16), nullable=False))
    held: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default="false"))
    # [{"check": ..., "verdict": "reject"|"review"|"signal", "detail": ...}], no PII
    reasons: list[Any] = Field(
        default_factory=list, sa_column=Column(JSONB, nullable=False, server_default=text("'[]'::jsonb"))
    )
    friend_code_enc: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # blind index of the friend code, for attribution of the order that uses it
    friend_code_lookup: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    friend_discount_gid: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    friend_code_expires_at: datetime | None = _time()
    shopify_order_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    order_subtotal: Decimal | None = Field(default=None, sa_column=Column(Numeric(12, 2), nullable=True))
    order_refunded: Decimal = Field(
        default=Decimal("0"), sa_column=Column(Numeric(12, 2), nullable=False, server_default="0")
    )
    # the Shopify refunds already added to ``order_refunded``: a refund Shopify delivers
    # again under a new event id (which the inbox does not dedupe) counts once
    refund_ids: list[int] = Field(
        default_factory=list, sa_column=Column(ARRAY(BigInteger), nullable=False, server_default="{}")
    )
    currency: str | None = Field(default=None, sa_column=Column(String(3), nullable=True))
    # hashes (shop salt) of the friend's order facts: household / shared-IP signals
    ip_hash: str | None = Field(default=None, sa_column=Column(String(64), nullable=True))
    address_hash: str | None = Field(default=None, sa_column=Column(String(64), nullable=True))
    claimed_at: datetime | None = _time()
    ordered_at: datetime | None = _time()
    confirm_at: datetime | None = _time()
    completed_at: datetime | None = _time()
    rewarded_at: datetime | None = _time()
    expires_at: datetime | None = _time()
    cancelled_at: datetime | None = _time()
    decided_by: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # points posted to the advocate (None until rewarded, or a catalog reward)
    reward_points: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    created_at: datetime = _now_column()
    updated_at: datetime = _now_column()


class ReferralInvite(SQLModel, table=True):
    __tablename__ = "referral_invites"
    __table_args__ = (
        CheckConstraint("channel IN ('email', 'sms')", name="ck_referral_invites_channel"),
        Index("ix_referral_invites_advocate", "merchant_id", "advocate_customer_id", "created_at"),
    )

    merchant_id: int = Field(sa_column=merchant_key_column())
    id: int | None = Field(default=None, sa_column=Column(BigInteger, Identity(), primary_key=True))
    advocate_customer_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    channel: str = Field(sa_column=Column(String(8), nullable=False))
    recipient_bidx: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = _now_column()


class ReferralInviteOptOut(SQLModel, table=True):
    __tablename__ = "referral_invite_opt_outs"
    __table_args__ = (Index("ix_referral_invite_opt_outs_recipient", "merchant_id", "recipient_bidx"),)

    merchant_id: int = Field(sa_column=merchant_key_column())
    customer_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    # the blind index (kind ``referral_invite``) of their canonical email or phone
    recipient_bidx: str = Field(sa_column=Column(Text, primary_key=True))
    created_at: datetime = _now_column()


class ReferralClicksDaily(SQLModel, table=True):
    __tablename__ = "referral_clicks_daily"

    merchant_id: int = Field(sa_column=merchant_key_column())
    advocate_customer_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    day: date = Field(sa_column=Column(Date, primary_key=True))
    clicks: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    unique_visitors: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))


# For ``loyalnest rotate-keys``: the friends' emails and codes.
FRIEND_EMAIL_COLUMN = encrypted_column(
    "referrals", ("merchant_id", "id"), "friend_email_enc", FRIEND_EMAIL_CONTEXT
)
FRIEND_CODE_COLUMN = encrypted_column(
    "referrals", ("merchant_id", "id"), "friend_code_enc", FRIEND_CODE_CONTEXT
)

# For ``loyalnest rotate-keys --blind-index``: the friend's email and code are indexed as
# the claim writes them, recomputed from their ciphertexts. An invite keeps only its
# recipient's index (the address is never stored), so no rotation can recompute it.
blind_index_column(
    FRIEND_EMAIL_COLUMN, "friend_email_bidx", lambda keyring, email, _row: rules.email_index(keyring, email)
)
blind_index_column(
    FRIEND_CODE_COLUMN,
    "friend_code_lookup",
    lambda keyring, code, _row: rules.friend_code_index(keyring, code),
)
one_way_blind_index(
    "referral_invite_opt_outs",
    ("merchant_id", "customer_id", "recipient_bidx"),
    "recipient_bidx",
    note="checked under every configured blind key before an invite is sent; keep the old blind"
    " key configured while opt-outs written before the rotation must hold (the customer's"
    " addresses are not kept here to re-index them)",
)
one_way_blind_index(
    "referral_invites",
    ("merchant_id", "id"),
    "recipient_bidx",
    note="read by erasure only, to delete the invites a customer received; keep the old blind"
    " key configured while erasure must find invites sent before the rotation",
)
