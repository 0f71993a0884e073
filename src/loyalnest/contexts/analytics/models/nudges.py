"""Tables of analytics' nudges.

- ``analytics_nudges``: a shop's nudge definitions: who they are for (a type, or a
  segment), localized title, body and call to action, on/off, the dismissal hide days.
  Archived, never deleted: their results stay readable.
- ``analytics_nudge_variants``: the A/B variants of a nudge with their weights; exactly
  one live variant is the control. A variant removed from the list keeps its row
  (``removed_at``) so events and conversions still name it.
- ``analytics_nudge_events``: views, clicks and dismissals, at most one row per customer,
  nudge, kind and (UTC) day: a storefront that renders the nudge ten times in a day
  counts one view (the primary key is the dedupe).
- ``analytics_nudge_dismissals``: the customer's last dismissal of a nudge (hidden for
  the nudge's ``hide_days`` after it).
- ``analytics_nudge_tier_drops``: customers whose VIP tier dropped, eligible for
  ``tier_dropped`` nudges for ``rules.nudges.TIER_DROP_ELIGIBLE_DAYS``.
- ``analytics_nudge_conversions``: one row per order placed within 7 days of a click,
  for the variant of the latest such click.
- ``analytics_nudge_email_runs``: a ``sendNudgeEmail`` request and its progress.
- ``analytics_nudge_sends``: who was emailed a nudge, one row per customer, nudge and
  30-day window (the key that makes "once per 30 days" hold under retries).
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
    ForeignKeyConstraint,
    Identity,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from loyalnest.platform.columns import merchant_key_column
from loyalnest.platform.timeutil import utcnow


def _now_column() -> Any:
    return Field(
        default_factory=utcnow,
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now()),
    )


def _texts(nullable: bool = False) -> Any:
    if nullable:
        return Field(default=None, sa_column=Column(JSONB, nullable=True))
    return Field(
        default_factory=dict, sa_column=Column(JSONB, nullable=False, server_default=text("'{}'::jsonb"))
    )


def _key(type_: Any = BigInteger) -> Any:
    return Field(sa_column=Column(type_, primary_key=True, autoincrement=False))


class Nudge(SQLModel, table=True):
    __tablename__ = "analytics_nudges"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('at_risk', 'loyal', 'new', 'inactive', 'tier_dropped', 'segment')",
            name="ck_analytics_nudges_kind",
        ),
        CheckConstraint("(kind = 'segment') = (segment IS NOT NULL)", name="ck_analytics_nudges_segment"),
        CheckConstraint("hide_days BETWEEN 0 AND 365", name="ck_analytics_nudges_hide_days"),
    )

    merchant_id: int = Field(sa_column=merchant_key_column())
    id: int | None = Field(default=None, sa_column=Column(BigInteger, Identity(), primary_key=True))
    name: str = Field(sa_column=Column(Text, nullable=False))
    kind: str = Field(sa_column=Column(String(16), nullable=False))
    # kind 'segment': a built-in slug ('champions') or 'custom:<id>'
    segment: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    default_locale: str = Field(sa_column=Column(String(16), nullable=False))
    # {locale: text}; the default locale's entry is always present
    titles: dict[str, Any] = _texts()
    bodies: dict[str, Any] = _texts()
    cta_labels: dict[str, Any] = _texts()
    cta_url: str = Field(sa_column=Column(Text, nullable=False))
    enabled: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default="false"))
    hide_days: int = Field(default=7, sa_column=Column(Integer, nullable=False, server_default="7"))
    archived_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    created_at: datetime = _now_column()
    updated_at: datetime = _now_column()


class NudgeVariant(SQLModel, table=True):
    __tablename__ = "analytics_nudge_variants"
    __table_args__ = (
        ForeignKeyConstraint(
            ["merchant_id", "nudge_id"],
            ["analytics_nudges.merchant_id", "analytics_nudges.id"],
            ondelete="CASCADE",
            name="fk_analytics_nudge_variants_nudge",
        ),
        CheckConstraint("weight BETWEEN 1 AND 10000", name="ck_analytics_nudge_variants_weight"),
        Index("ix_analytics_nudge_variants_nudge", "merchant_id", "nudge_id"),
    )

    merchant_id: int = Field(sa_column=merchant_key_column())
    id: int | None = Field(default=None, sa_column=Column(BigInteger, Identity(), primary_key=True))
    nudge_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    name: str = Field(sa_column=Column(Text, nullable=False))
    weight: int = Field(sa_column=Column(Integer, nullable=False))
    is_control: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default="false"))
    position: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    # per-locale overrides of the nudge's texts; None: the nudge's own
    titles: dict[str, Any] | None = _texts(nullable=True)
    bodies: dict[str, Any] | None = _texts(nullable=True)
    cta_labels: dict[str, Any] | None = _texts(nullable=True)
    removed_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    created_at: datetime = _now_column()


class NudgeEvent(SQLModel, table=True):
    __tablename__ = "analytics_nudge_events"
    __table_args__ = (
        CheckConstraint("kind IN ('view', 'click', 'dismiss')", name="ck_analytics_nudge_events_kind"),
        # the conversion handler's one statement: a batch's customers' clicks of the last 7 days
        Index(
            "ix_analytics_nudge_events_clicks",
            "merchant_id",
            "customer_id",
            "occurred_at",
            postgresql_where=text("kind = 'click'"),
        ),
    )

    merchant_id: int = Field(sa_column=merchant_key_column())
    nudge_id: int = _key()
    customer_id: int = _key()
    kind: str = _key(String(8))
    day: date = _key(Date)
    variant_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    occurred_at: datetime = _now_column()


class NudgeDismissal(SQLModel, table=True):
    __tablename__ = "analytics_nudge_dismissals"

    merchant_id: int = Field(sa_column=merchant_key_column())
    nudge_id: int = _key()
    customer_id: int = _key()
    dismissed_at: datetime = _now_column()


class NudgeTierDrop(SQLModel, table=True):
    __tablename__ = "analytics_nudge_tier_drops"

    merchant_id: int = Field(sa_column=merchant_key_column())
    customer_id: int = _key()
    dropped_at: datetime = _now_column()


class NudgeConversion(SQLModel, table=True):
    __tablename__ = "analytics_nudge_conversions"
    __table_args__ = (
        Index("ix_analytics_nudge_conversions_variant", "merchant_id", "nudge_id", "variant_id"),
    )

    merchant_id: int = Field(sa_column=merchant_key_column())
    shopify_order_id: int = _key()
    nudge_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    variant_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    customer_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    clicked_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    placed_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    # the order's subtotal after discounts, shop currency
    amount: Decimal = Field(sa_column=Column(Numeric(14, 2), nullable=False))


class NudgeEmailRun(SQLModel, table=True):
    __tablename__ = "analytics_nudge_email_runs"
    __table_args__ = (
        CheckConstraint(
            "status IN ('queued', 'running', 'done')", name="ck_analytics_nudge_email_runs_status"
        ),
        Index("ix_analytics_nudge_email_runs_nudge", "merchant_id", "nudge_id", "id"),
    )

    merchant_id: int = Field(sa_column=merchant_key_column())
    id: int | None = Field(default=None, sa_column=Column(BigInteger, Identity(), primary_key=True))
    nudge_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    # the audience: 'type:<kind>' (the nudge's own type), a built-in slug or 'custom:<id>'
    segment: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(
        default="queued", sa_column=Column(String(8), nullable=False, server_default="queued")
    )
    # the last customer id handled (the actor resumes after it)
    cursor: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    # customers looked at / emails queued / left out (no consent, sent within 30 days, excluded)
    seen: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    queued: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    skipped: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    requested_by: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = _now_column()
    finished_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )


class NudgeSend(SQLModel, table=True):
    __tablename__ = "analytics_nudge_sends"

    merchant_id: int = Field(sa_column=merchant_key_column())
    nudge_id: int = _key()
    customer_id: int = _key()
    # days since 1970-01-01 // 30: one send per window by key; the sliding 30 days are
    # checked by the insert itself (no send in the 30 days before)
    window_no: int = _key(Integer)
    run_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    sent_at: datetime = _now_column()
