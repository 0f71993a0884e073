"""referrals

Customer referrals: each shop's program, each advocate's stable code and link discount,
the referrals themselves (claim or attributed order to reward, with the fraud checks'
reasons), invites sent, and link clicks per advocate per day.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 18:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _merchant() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column("merchant_id", sa.BigInteger(), nullable=False)


def _merchant_fk() -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["merchant_id"], ["merchants.id"], ondelete="CASCADE")


def _now(name: str) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False)


def _jsonb(name: str, default: str) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(
        name,
        postgresql.JSONB(astext_type=sa.Text()),
        server_default=sa.text(f"'{default}'::jsonb"),
        nullable=False,
    )


def upgrade() -> None:
    op.create_table(
        "referral_programs",
        _merchant(),
        sa.Column("enabled", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("friend_kind", sa.String(length=16), server_default="fixed_amount", nullable=False),
        sa.Column("friend_value", sa.Numeric(precision=12, scale=2), server_default="10.00", nullable=True),
        sa.Column("friend_min_order", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("friend_code_validity_days", sa.Integer(), server_default="30", nullable=False),
        sa.Column("advocate_kind", sa.String(length=16), server_default="points", nullable=False),
        sa.Column("advocate_points", sa.Integer(), server_default="500", nullable=False),
        sa.Column("advocate_reward_id", sa.BigInteger(), nullable=True),
        sa.Column(
            "min_order_subtotal", sa.Numeric(precision=12, scale=2), server_default="0", nullable=False
        ),
        sa.Column("confirmation_days", sa.Integer(), server_default="14", nullable=False),
        sa.Column("claim_validity_days", sa.Integer(), server_default="30", nullable=False),
        sa.Column("monthly_cap", sa.Integer(), server_default="20", nullable=False),
        _jsonb("milestones", "[]"),
        sa.Column("tier_multiplier_applies", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("velocity_per_week", sa.Integer(), server_default="10", nullable=False),
        sa.Column("disposable_domains_blocked", sa.Boolean(), server_default="true", nullable=False),
        _jsonb("disposable_domains_extra", "[]"),
        _jsonb("disposable_domains_allowed", "[]"),
        _jsonb("checks", "{}"),
        sa.Column("visitor_salt", sa.Text(), nullable=False),
        _now("created_at"),
        _now("updated_at"),
        sa.CheckConstraint(
            "friend_kind IN ('fixed_amount', 'percentage', 'free_shipping')",
            name="ck_referral_programs_friend_kind",
        ),
        sa.CheckConstraint(
            "advocate_kind IN ('points', 'reward')", name="ck_referral_programs_advocate_kind"
        ),
        sa.CheckConstraint("monthly_cap >= 1", name="ck_referral_programs_cap_positive"),
        _merchant_fk(),
        sa.PrimaryKeyConstraint("merchant_id"),
    )
    op.create_table(
        "referral_codes",
        _merchant(),
        sa.Column("customer_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("link_discount_gid", sa.Text(), nullable=True),
        sa.Column("link_discount_state", sa.String(length=16), server_default="none", nullable=False),
        sa.Column("address_hash", sa.String(length=64), nullable=True),
        sa.Column("ip_hash", sa.String(length=64), nullable=True),
        sa.Column("payment_hash", sa.String(length=64), nullable=True),
        _now("created_at"),
        sa.CheckConstraint(
            "link_discount_state IN ('none', 'creating', 'created', 'failed')",
            name="ck_referral_codes_link_discount_state",
        ),
        _merchant_fk(),
        sa.PrimaryKeyConstraint("merchant_id", "customer_id"),
        sa.UniqueConstraint("merchant_id", "code", name="uq_referral_codes_code"),
    )
    op.create_table(
        "referrals",
        _merchant(),
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("advocate_customer_id", sa.BigInteger(), nullable=False),
        sa.Column("friend_customer_id", sa.BigInteger(), nullable=True),
        sa.Column("friend_email_bidx", sa.Text(), nullable=True),
        sa.Column("friend_email_enc", sa.Text(), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("held", sa.Boolean(), server_default="false", nullable=False),
        _jsonb("reasons", "[]"),
        sa.Column("friend_code_enc", sa.Text(), nullable=True),
        sa.Column("friend_code_lookup", sa.Text(), nullable=True),
        sa.Column("friend_discount_gid", sa.Text(), nullable=True),
        sa.Column("friend_code_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("shopify_order_id", sa.BigInteger(), nullable=True),
        sa.Column("order_subtotal", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("order_refunded", sa.Numeric(precision=12, scale=2), server_default="0", nullable=False),
        sa.Column("refund_ids", postgresql.ARRAY(sa.BigInteger()), server_default="{}", nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("ip_hash", sa.String(length=64), nullable=True),
        sa.Column("address_hash", sa.String(length=64), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ordered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("confirm_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("rewarded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.Text(), nullable=True),
        sa.Column("reward_points", sa.Integer(), nullable=True),
        _now("created_at"),
        _now("updated_at"),
        sa.CheckConstraint(
            "source IN ('claim', 'link_discount', 'friend_code', 'cart_attribute', 'landing_url')",
            name="ck_referrals_source",
        ),
        sa.CheckConstraint(
            "status IN ('claimed', 'pending', 'completed', 'rewarded', 'expired', 'rejected', 'cancelled')",
            name="ck_referrals_status",
        ),
        _merchant_fk(),
        sa.PrimaryKeyConstraint("merchant_id", "id"),
    )
    op.create_index(
        "uq_referrals_friend",
        "referrals",
        ["merchant_id", "friend_customer_id"],
        unique=True,
        postgresql_where=sa.text("friend_customer_id IS NOT NULL"),
    )
    op.create_index(
        "uq_referrals_friend_email",
        "referrals",
        ["merchant_id", "advocate_customer_id", "friend_email_bidx"],
        unique=True,
        postgresql_where=sa.text("friend_email_bidx IS NOT NULL"),
    )
    op.create_index(
        "uq_referrals_order",
        "referrals",
        ["merchant_id", "shopify_order_id"],
        unique=True,
        postgresql_where=sa.text("shopify_order_id IS NOT NULL"),
    )
    op.create_index(
        "uq_referrals_friend_code",
        "referrals",
        ["merchant_id", "friend_code_lookup"],
        unique=True,
        postgresql_where=sa.text("friend_code_lookup IS NOT NULL"),
    )
    op.create_index("ix_referrals_confirm_due", "referrals", ["status", "confirm_at"])
    op.create_index("ix_referrals_expiry_due", "referrals", ["status", "expires_at"])
    op.create_index("ix_referrals_advocate", "referrals", ["merchant_id", "advocate_customer_id", "id"])
    op.create_index("ix_referrals_held", "referrals", ["merchant_id", "id"], postgresql_where=sa.text("held"))
    op.create_table(
        "referral_invites",
        _merchant(),
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("advocate_customer_id", sa.BigInteger(), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("recipient_bidx", sa.Text(), nullable=False),
        _now("created_at"),
        sa.CheckConstraint("channel IN ('email', 'sms')", name="ck_referral_invites_channel"),
        _merchant_fk(),
        sa.PrimaryKeyConstraint("merchant_id", "id"),
    )
    op.create_index(
        "ix_referral_invites_advocate",
        "referral_invites",
        ["merchant_id", "advocate_customer_id", "created_at"],
    )
    op.create_table(
        "referral_clicks_daily",
        _merchant(),
        sa.Column("advocate_customer_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("clicks", sa.Integer(), server_default="0", nullable=False),
        sa.Column("unique_visitors", sa.Integer(), server_default="0", nullable=False),
        _merchant_fk(),
        sa.PrimaryKeyConstraint("merchant_id", "advocate_customer_id", "day"),
    )


def downgrade() -> None:
    op.drop_table("referral_clicks_daily")
    op.drop_index("ix_referral_invites_advocate", table_name="referral_invites")
    op.drop_table("referral_invites")
    for name in (
        "ix_referrals_held",
        "ix_referrals_advocate",
        "ix_referrals_expiry_due",
        "ix_referrals_confirm_due",
        "uq_referrals_friend_code",
        "uq_referrals_order",
        "uq_referrals_friend_email",
        "uq_referrals_friend",
    ):
        op.drop_index(name, table_name="referrals")
    op.drop_table("referrals")
    op.drop_table("referral_codes")
    op.drop_table("referral_programs")
