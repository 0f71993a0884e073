"""Tables of the tiers context.

- ``tiers``: a shop's ladder (at most 10 live tiers, ranked 1 = lowest). A deleted tier
  keeps its row (``deleted_at``, no rank) so the history still names it; nobody holds a
  deleted tier once the background re-tier has run, and it earns nothing meanwhile.
- ``tier_settings``: the shop's qualifying metric, period and retention policy.
- ``customer_tiers``: where each customer stands (tier, metric, manual override,
  retention date).
- ``tier_metric_entries``: what each customer did and when (points earned, spend, orders),
  appended by the handlers of earning's events; the metric of any window is a sum over it.
- ``tier_history``: every change of tier.
- ``tier_retier_runs``: the background re-tier of a whole shop, with its progress.
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

from loyalnest.platform.columns import merchant_key_column
from loyalnest.platform.timeutil import utcnow


def _created() -> Any:
    return Field(
        default_factory=utcnow,
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now()),
    )


class Tier(SQLModel, table=True):
    __tablename__ = "tiers"
    __table_args__ = (
        # ranks move when a tier is inserted below others: checked at commit
        UniqueConstraint("merchant_id", "rank", name="uq_tiers_rank", deferrable=True, initially="DEFERRED"),
        CheckConstraint("threshold > 0", name="ck_tiers_threshold_positive"),
        CheckConstraint("multiplier >= 1 AND multiplier <= 10", name="ck_tiers_multiplier_range"),
        CheckConstraint("entry_bonus_points >= 0", name="ck_tiers_entry_bonus_not_negative"),
        CheckConstraint("(deleted_at IS NULL) = (rank IS NOT NULL)", name="ck_tiers_rank_iff_live"),
    )

    merchant_id: int = Field(sa_column=merchant_key_column())
    id: int | None = Field(default=None, sa_column=Column(BigInteger, Identity(), primary_key=True))
    # 1 = the lowest tier; null once deleted
    rank: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    # in the shop's metric: points, shop currency, or orders
    threshold: Decimal = Field(sa_column=Column(Numeric(16, 4), nullable=False))
    multiplier: Decimal = Field(sa_column=Column(Numeric(4, 2), nullable=False, server_default="1.00"))
    # the earning triggers the multiplier applies to: ["order"], ["order", "review"], ...
    multiplied_triggers: list[str] = Field(
        sa_column=Column(JSONB, nullable=False, server_default=text("'[\"order\"]'::jsonb"))
    )
    entry_bonus_points: int = Field(
        default=0, sa_column=Column(BigInteger, nullable=False, server_default="0")
    )
    # a catalog reward (rewards context) issued as a code on entry; referenced by id only
    entry_reward_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    default_locale: str = Field(sa_column=Column(String(35), nullable=False))
    # {locale: name}; holds the default locale's name
    names: dict[str, Any] = Field(sa_column=Column(JSONB, nullable=False))
    # {locale: free text}
    perks: dict[str, Any] = Field(sa_column=Column(JSONB, nullable=False, server_default=text("'{}'::jsonb")))
    deleted_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    created_at: datetime = _created()
    updated_at: datetime = _created()


class TierSettings(SQLModel, table=True):
    __tablename__ = "tier_settings"
    __table_args__ = (
        CheckConstraint("metric IN ('points', 'money', 'orders')", name="ck_tier_settings_metric"),
        CheckConstraint(
            "period IN ('lifetime', 'calendar_year', 'rolling_12_months')", name="ck_tier_settings_period"
        ),
        CheckConstraint(
            "retention IN ('never', 'immediate', 'end_of_next_period')", name="ck_tier_settings_retention"
        ),
    )

    merchant_id: int = Field(sa_column=merchant_key_column())
    metric: str = Field(
        default="points", sa_column=Column(String(16), nullable=False, server_default="points")
    )
    period: str = Field(
        default="lifetime", sa_column=Column(String(24), nullable=False, server_default="lifetime")
    )
    retention: str = Field(
        default="never", sa_column=Column(String(24), nullable=False, server_default="never")
    )
    updated_at: datetime = _created()


class CustomerTier(SQLModel, table=True):
    __tablename__ = "customer_tiers"
    __table_args__ = (
        ForeignKeyConstraint(
            ["merchant_id", "tier_id"], ["tiers.merchant_id", "tiers.id"], name="fk_customer_tiers_tier"
        ),
        ForeignKeyConstraint(
            ["merchant_id", "manual_tier_id"],
            ["tiers.merchant_id", "tiers.id"],
            name="fk_customer_tiers_manual_tier",
        ),
        Index("ix_customer_tiers_tier", "merchant_id", "tier_id"),
        # the daily pass looks for dates that passed
        Index(
            "ix_customer_tiers_retain_until",
            "retain_until",
            postgresql_where=text("retain_until IS NOT NULL"),
        ),
        Index(
            "ix_customer_tiers_manual_until",
            "manual_until",
            postgresql_where=text("manual_until IS NOT NULL"),
        ),
    )

    merchant_id: int = Field(sa_column=merchant_key_column())
    # customers.id of the same merchant; referenced by id only
    customer_id: int = Field(sa_column=Column(BigInteger, primary_key=True))
    # the tier held (the manual one while it lasts); null: none
    tier_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    # the metric over the shop's period, at the last evaluation
    metric_value: Decimal = Field(
        default=Decimal(0), sa_column=Column(Numeric(16, 4), nullable=False, server_default="0")
    )
    # the tier the metric itself supported at the last evaluation (what progress is about)
    earned_tier_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    # the last time the metric supported the tier held (retention counts from it)
    qualified_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    # end_of_next_period: the tier held above what the metric supports lasts until then
    retain_until: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    manual_tier_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    manual_until: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    manual_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    evaluated_at: datetime = _created()


class TierMetricEntry(SQLModel, table=True):
    __tablename__ = "tier_metric_entries"
    __table_args__ = (Index("ix_tier_metric_entries_customer", "merchant_id", "customer_id", "occurred_at"),)

    merchant_id: int = Field(sa_column=merchant_key_column())
    id: int | None = Field(default=None, sa_column=Column(BigInteger, Identity(), primary_key=True))
    customer_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    # the period it counts in (an order's placement; an earning's time)
    occurred_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    points: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, server_default="0"))
    amount: Decimal = Field(
        default=Decimal(0), sa_column=Column(Numeric(16, 4), nullable=False, server_default="0")
    )
    orders: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))


class TierHistory(SQLModel, table=True):
    __tablename__ = "tier_history"
    __table_args__ = (
        CheckConstraint(
            "reason IN ('qualified', 'retention_expired', 'refund', 'manual', 'import')",
            name="ck_tier_history_reason",
        ),
        Index("ix_tier_history_customer", "merchant_id", "customer_id", "id"),
    )

    merchant_id: int = Field(sa_column=merchant_key_column())
    id: int | None = Field(default=None, sa_column=Column(BigInteger, Identity(), primary_key=True))
    customer_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    from_tier_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    to_tier_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    reason: str = Field(sa_column=Column(String(24), nullable=False))
    # staff's note for a manual change ("staff:<user>" in actor)
    note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    actor: str | None = Field(default=None, sa_column=Column(String(255), nullable=True))
    at: datetime = _created()


class TierRetierRun(SQLModel, table=True):
    """A whole-shop re-tier (after the ladder or the settings changed): queued, running,
    done. ``total``/``done`` count customers; the dashboard shows them."""

    __tablename__ = "tier_retier_runs"
    __table_args__ = (
        CheckConstraint("status IN ('queued', 'running', 'done')", name="ck_tier_retier_runs_status"),
    )

    merchant_id: int = Field(sa_column=merchant_key_column())
    id: int | None = Field(default=None, sa_column=Column(BigInteger, Identity(), primary_key=True))
    status: str = Field(
        default="queued", sa_column=Column(String(16), nullable=False, server_default="queued")
    )
    # what asked for it: "tier.created", "tier.deleted", "settings.updated", ...
    cause: str = Field(sa_column=Column(String(64), nullable=False))
    total: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    done: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    changed: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    requested_at: datetime = _created()
    started_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    finished_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )


class TierEntryAward(SQLModel, table=True):
    """A tier's entry reward given to a customer for a period: once. Inserting the row
    decides (``ON CONFLICT DO NOTHING``), so the bonus posting and the reward code follow
    only a new row, whatever path got there first (a webhook, the re-tier, a retry)."""

    __tablename__ = "tier_entry_awards"

    merchant_id: int = Field(sa_column=merchant_key_column())
    customer_id: int = Field(sa_column=Column(BigInteger, primary_key=True))
    tier_id: int = Field(sa_column=Column(BigInteger, primary_key=True))
    # "lifetime", or the calendar year in the shop's timezone ("2026")
    period_key: str = Field(sa_column=Column(String(16), primary_key=True))
    bonus_points: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, server_default="0"))
    reward_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    awarded_at: datetime = _created()
