"""The reward catalog and redemptions (one single-use Shopify discount code each).

A redemption keeps a copy of the reward's terms as they were when it was redeemed
(kind, value, minimum, variant, title), so the history reads the same after the
merchant edits or archives the reward, and a retried Shopify call asks for exactly the
code the customer paid for.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKeyConstraint,
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
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from loyalnest.contexts.rewards import rules
from loyalnest.platform.columns import merchant_key_column
from loyalnest.platform.key_rotation import blind_index_column, encrypted_column
from loyalnest.platform.timeutil import utcnow

# AAD of the code column: a ciphertext moved elsewhere does not decrypt
CODE_CONTEXT = b"reward_redemptions.code"


class Reward(SQLModel, table=True):
    __tablename__ = "rewards"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('fixed_amount', 'percentage', 'free_shipping', 'free_product')", name="ck_rewards_kind"
        ),
        CheckConstraint("points_cost > 0", name="ck_rewards_points_cost_positive"),
        CheckConstraint("value IS NULL OR value > 0", name="ck_rewards_value_positive"),
        CheckConstraint("kind <> 'percentage' OR value <= 100", name="ck_rewards_percentage_at_most_100"),
        CheckConstraint(
            "minimum_order_amount IS NULL OR minimum_order_amount > 0", name="ck_rewards_minimum_positive"
        ),
        CheckConstraint(
            "usage_limit_per_customer IS NULL OR usage_limit_per_customer > 0",
            name="ck_rewards_usage_limit_positive",
        ),
        CheckConstraint("code_validity_days > 0", name="ck_rewards_code_validity_positive"),
        CheckConstraint(
            "starts_at IS NULL OR ends_at IS NULL OR starts_at < ends_at", name="ck_rewards_window_order"
        ),
    )

    merchant_id: int = Field(sa_column=merchant_key_column())
    id: int | None = Field(default=None, sa_column=Column(BigInteger, Identity(), primary_key=True))
    # fixed_amount, percentage, free_shipping, free_product
    kind: str = Field(sa_column=Column(String(32), nullable=False))
    points_cost: int = Field(sa_column=Column(BigInteger, nullable=False))
    # fixed_amount: an amount in the shop's currency; percentage: 0-100; else null
    value: Decimal | None = Field(default=None, sa_column=Column(Numeric(16, 4), nullable=True))
    # free_product: the Shopify product variant (gid://shopify/ProductVariant/...)
    variant_gid: str | None = Field(default=None, sa_column=Column(String(255), nullable=True))
    minimum_order_amount: Decimal | None = Field(
        default=None, sa_column=Column(Numeric(16, 4), nullable=True)
    )
    usage_limit_per_customer: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    starts_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=True))
    ends_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=True))
    # how long an issued code lives
    code_validity_days: int = Field(
        default=30, sa_column=Column(Integer, nullable=False, server_default="30")
    )
    default_locale: str = Field(sa_column=Column(String(35), nullable=False))
    # {locale: title}; holds the default locale's title
    titles: dict[str, Any] = Field(sa_column=Column(JSONB, nullable=False))
    archived_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    created_at: datetime = Field(
        default_factory=utcnow,
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now()),
    )
    updated_at: datetime = Field(
        default_factory=utcnow,
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now()),
    )


class Redemption(SQLModel, table=True):
    """One redemption: points spent, one discount code.

    ``pending`` (points spent, code not confirmed by Shopify yet) -> ``issued`` (the
    code exists) -> ``fulfilled`` (an order used it) or ``expired`` (never used; points
    given back). ``pending`` -> ``failed`` when Shopify refused (points given back)."""

    __tablename__ = "reward_redemptions"
    __table_args__ = (
        ForeignKeyConstraint(
            ["merchant_id", "reward_id"],
            ["rewards.merchant_id", "rewards.id"],
            name="fk_reward_redemptions_reward",
            ondelete="CASCADE",
        ),
        UniqueConstraint("merchant_id", "code_bidx", name="uq_reward_redemptions_code_bidx"),
        CheckConstraint(
            "status IN ('pending', 'issued', 'fulfilled', 'expired', 'failed')",
            name="ck_reward_redemptions_status",
        ),
        # 0: a reward granted without spending points (a tier's entry reward)
        CheckConstraint("points_spent >= 0", name="ck_reward_redemptions_points_not_negative"),
        Index("ix_reward_redemptions_customer", "merchant_id", "customer_id", "id"),
        # the settle and expiry actors scan every shop for rows in these two states only
        Index(
            "ix_reward_redemptions_pending",
            "created_at",
            postgresql_where=text("status = 'pending'"),
        ),
        Index(
            "ix_reward_redemptions_issued_expiry",
            "expires_at",
            postgresql_where=text("status = 'issued'"),
        ),
    )

    merchant_id: int = Field(sa_column=merchant_key_column())
    id: int | None = Field(default=None, sa_column=Column(BigInteger, Identity(), primary_key=True))
    # customers.id of the same merchant; referenced by id only (no cross-context FK)
    customer_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    reward_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    status: str = Field(sa_column=Column(String(16), nullable=False))
    points_spent: int = Field(sa_column=Column(BigInteger, nullable=False))
    # the reward's terms when redeemed
    kind: str = Field(sa_column=Column(String(32), nullable=False))
    value: Decimal | None = Field(default=None, sa_column=Column(Numeric(16, 4), nullable=True))
    minimum_order_amount: Decimal | None = Field(
        default=None, sa_column=Column(Numeric(16, 4), nullable=True)
    )
    variant_gid: str | None = Field(default=None, sa_column=Column(String(255), nullable=True))
    title: str = Field(sa_column=Column(String(255), nullable=False))
    # the discount code: AES-GCM ciphertext, and its blind index (orders name the code)
    code_enc: str = Field(sa_column=Column(Text, nullable=False))
    code_bidx: str = Field(sa_column=Column(String(64), nullable=False))
    discount_gid: str | None = Field(default=None, sa_column=Column(String(255), nullable=True))
    expires_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    # who redeemed: "customer:<id>" or "staff:<user>"
    actor: str = Field(sa_column=Column(String(255), nullable=False))
    failure_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # Shopify calls made to create the code (the first, and the settle actor's)
    attempts: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    shopify_order_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    issued_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=True))
    used_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=True))
    # set when the points came back (failed, or expired unused)
    returned_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    created_at: datetime = Field(
        default_factory=utcnow,
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now()),
    )
    updated_at: datetime = Field(
        default_factory=utcnow,
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now()),
    )


# For ``loyalnest rotate-keys``: the discount codes.
REDEMPTION_CODE_COLUMN = encrypted_column(
    "reward_redemptions", ("merchant_id", "id"), "code_enc", CODE_CONTEXT
)
# For ``loyalnest rotate-keys --blind-index``: the codes' index, recomputed from the code
# (an erased code's index is the marker 'erased:<id>', not an index: left alone).
blind_index_column(
    REDEMPTION_CODE_COLUMN,
    "code_bidx",
    lambda keyring, code, _row: rules.code_index(keyring, code),
    marker="code_bidx LIKE 'erased:%'",
)
