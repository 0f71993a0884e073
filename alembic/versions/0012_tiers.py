"""VIP tiers

The tiers context: a shop's ladder (``tiers``) and settings (``tier_settings``), where
each customer stands (``customer_tiers``), the metric's source (``tier_metric_entries``,
appended as customers earn, spend and get refunds), the history of changes
(``tier_history``), entry rewards given (``tier_entry_awards``, once per customer, tier
and period) and whole-shop re-tiers with their progress (``tier_retier_runs``).

A tier's entry reward may be a catalog reward issued as a code without spending points:
such a redemption has ``points_spent`` 0, so its check allows 0.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _merchant_fk() -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["merchant_id"], ["merchants.id"], ondelete="CASCADE")


def _now() -> sa.TextClause:
    return sa.text("now()")


def upgrade() -> None:
    op.create_table(
        "tiers",
        sa.Column("merchant_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=True),
        sa.Column("threshold", sa.Numeric(16, 4), nullable=False),
        sa.Column("multiplier", sa.Numeric(4, 2), server_default="1.00", nullable=False),
        sa.Column(
            "multiplied_triggers",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'[\"order\"]'::jsonb"),
            nullable=False,
        ),
        sa.Column("entry_bonus_points", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("entry_reward_id", sa.BigInteger(), nullable=True),
        sa.Column("default_locale", sa.String(length=35), nullable=False),
        sa.Column("names", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column(
            "perks",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=_now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=_now(), nullable=False),
        sa.CheckConstraint("threshold > 0", name="ck_tiers_threshold_positive"),
        sa.CheckConstraint("multiplier >= 1 AND multiplier <= 10", name="ck_tiers_multiplier_range"),
        sa.CheckConstraint("entry_bonus_points >= 0", name="ck_tiers_entry_bonus_not_negative"),
        sa.CheckConstraint("(deleted_at IS NULL) = (rank IS NOT NULL)", name="ck_tiers_rank_iff_live"),
        _merchant_fk(),
        sa.PrimaryKeyConstraint("merchant_id", "id"),
        sa.UniqueConstraint(
            "merchant_id", "rank", name="uq_tiers_rank", deferrable=True, initially="DEFERRED"
        ),
    )
    op.create_table(
        "tier_settings",
        sa.Column("merchant_id", sa.BigInteger(), nullable=False),
        sa.Column("metric", sa.String(length=16), server_default="points", nullable=False),
        sa.Column("period", sa.String(length=24), server_default="lifetime", nullable=False),
        sa.Column("retention", sa.String(length=24), server_default="never", nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=_now(), nullable=False),
        sa.CheckConstraint("metric IN ('points', 'money', 'orders')", name="ck_tier_settings_metric"),
        sa.CheckConstraint(
            "period IN ('lifetime', 'calendar_year', 'rolling_12_months')", name="ck_tier_settings_period"
        ),
        sa.CheckConstraint(
            "retention IN ('never', 'immediate', 'end_of_next_period')", name="ck_tier_settings_retention"
        ),
        _merchant_fk(),
        sa.PrimaryKeyConstraint("merchant_id"),
    )
    op.create_table(
        "customer_tiers",
        sa.Column("merchant_id", sa.BigInteger(), nullable=False),
        sa.Column("customer_id", sa.BigInteger(), nullable=False),
        sa.Column("tier_id", sa.BigInteger(), nullable=True),
        sa.Column("metric_value", sa.Numeric(16, 4), server_default="0", nullable=False),
        sa.Column("earned_tier_id", sa.BigInteger(), nullable=True),
        sa.Column("qualified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("retain_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("manual_tier_id", sa.BigInteger(), nullable=True),
        sa.Column("manual_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("manual_reason", sa.Text(), nullable=True),
        sa.Column("evaluated_at", sa.DateTime(timezone=True), server_default=_now(), nullable=False),
        _merchant_fk(),
        sa.ForeignKeyConstraint(
            ["merchant_id", "tier_id"], ["tiers.merchant_id", "tiers.id"], name="fk_customer_tiers_tier"
        ),
        sa.ForeignKeyConstraint(
            ["merchant_id", "manual_tier_id"],
            ["tiers.merchant_id", "tiers.id"],
            name="fk_customer_tiers_manual_tier",
        ),
        sa.PrimaryKeyConstraint("merchant_id", "customer_id"),
    )
    op.create_index("ix_customer_tiers_tier", "customer_tiers", ["merchant_id", "tier_id"])
    op.create_index(
        "ix_customer_tiers_retain_until",
        "customer_tiers",
        ["retain_until"],
        postgresql_where=sa.text("retain_until IS NOT NULL"),
    )
    op.create_index(
        "ix_customer_tiers_manual_until",
        "customer_tiers",
        ["manual_until"],
        postgresql_where=sa.text("manual_until IS NOT NULL"),
    )
    op.create_table(
        "tier_metric_entries",
        sa.Column("merchant_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("customer_id", sa.BigInteger(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("points", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("amount", sa.Numeric(16, 4), server_default="0", nullable=False),
        sa.Column("orders", sa.Integer(), server_default="0", nullable=False),
        _merchant_fk(),
        sa.PrimaryKeyConstraint("merchant_id", "id"),
    )
    op.create_index(
        "ix_tier_metric_entries_customer",
        "tier_metric_entries",
        ["merchant_id", "customer_id", "occurred_at"],
    )
    op.create_table(
        "tier_history",
        sa.Column("merchant_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("customer_id", sa.BigInteger(), nullable=False),
        sa.Column("from_tier_id", sa.BigInteger(), nullable=True),
        sa.Column("to_tier_id", sa.BigInteger(), nullable=True),
        sa.Column("reason", sa.String(length=24), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("actor", sa.String(length=255), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), server_default=_now(), nullable=False),
        sa.CheckConstraint(
            "reason IN ('qualified', 'retention_expired', 'refund', 'manual', 'import')",
            name="ck_tier_history_reason",
        ),
        _merchant_fk(),
        sa.PrimaryKeyConstraint("merchant_id", "id"),
    )
    op.create_index("ix_tier_history_customer", "tier_history", ["merchant_id", "customer_id", "id"])
    op.create_table(
        "tier_retier_runs",
        sa.Column("merchant_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("status", sa.String(length=16), server_default="queued", nullable=False),
        sa.Column("cause", sa.String(length=64), nullable=False),
        sa.Column("total", sa.Integer(), server_default="0", nullable=False),
        sa.Column("done", sa.Integer(), server_default="0", nullable=False),
        sa.Column("changed", sa.Integer(), server_default="0", nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), server_default=_now(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('queued', 'running', 'done')", name="ck_tier_retier_runs_status"),
        _merchant_fk(),
        sa.PrimaryKeyConstraint("merchant_id", "id"),
    )
    op.create_table(
        "tier_entry_awards",
        sa.Column("merchant_id", sa.BigInteger(), nullable=False),
        sa.Column("customer_id", sa.BigInteger(), nullable=False),
        sa.Column("tier_id", sa.BigInteger(), nullable=False),
        sa.Column("period_key", sa.String(length=16), nullable=False),
        sa.Column("bonus_points", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("reward_id", sa.BigInteger(), nullable=True),
        sa.Column("awarded_at", sa.DateTime(timezone=True), server_default=_now(), nullable=False),
        _merchant_fk(),
        sa.PrimaryKeyConstraint("merchant_id", "customer_id", "tier_id", "period_key"),
    )
    # The history a shop had before tiers existed counts toward them: points earned (and
    # taken back) from the ledger, spend and orders from the orders earning knows. Every
    # customer with history gets a standing, so the first re-tier evaluates them.
    op.execute(
        """
        INSERT INTO tier_metric_entries (merchant_id, customer_id, occurred_at, points)
        SELECT merchant_id, customer_id, created_at, delta FROM points_ledger
        WHERE kind IN ('earn', 'campaign', 'reversal') AND delta <> 0
        """
    )
    op.execute(
        """
        INSERT INTO tier_metric_entries (merchant_id, customer_id, occurred_at, amount, orders)
        SELECT merchant_id, customer_id, placed_at, spend_amount - spend_refunded, 1 FROM order_points
        WHERE spend_amount IS NOT NULL AND customer_id IS NOT NULL AND NOT cancelled
        """
    )
    op.execute(
        """
        INSERT INTO customer_tiers (merchant_id, customer_id)
        SELECT DISTINCT merchant_id, customer_id FROM tier_metric_entries
        ON CONFLICT DO NOTHING
        """
    )
    # a reward granted on tier entry is a redemption that spent no points
    op.drop_constraint("ck_reward_redemptions_points_positive", "reward_redemptions", type_="check")
    op.create_check_constraint(
        "ck_reward_redemptions_points_not_negative", "reward_redemptions", "points_spent >= 0"
    )


def downgrade() -> None:
    op.execute("DELETE FROM reward_redemptions WHERE points_spent = 0")
    op.drop_constraint("ck_reward_redemptions_points_not_negative", "reward_redemptions", type_="check")
    op.create_check_constraint(
        "ck_reward_redemptions_points_positive", "reward_redemptions", "points_spent > 0"
    )
    op.drop_table("tier_entry_awards")
    op.drop_table("tier_retier_runs")
    op.drop_index("ix_tier_history_customer", table_name="tier_history")
    op.drop_table("tier_history")
    op.drop_index("ix_tier_metric_entries_customer", table_name="tier_metric_entries")
    op.drop_table("tier_metric_entries")
    op.drop_index("ix_customer_tiers_manual_until", table_name="customer_tiers")
    op.drop_index("ix_customer_tiers_retain_until", table_name="customer_tiers")
    op.drop_index("ix_customer_tiers_tier", table_name="customer_tiers")
    op.drop_table("customer_tiers")
    op.drop_table("tier_settings")
    op.drop_table("tiers")
