"""Tables of analytics' custom segments.

- ``analytics_custom_segments``: a shop's own segments, each a rule in the small rule
  language (``rules.segments``) kept as written and as its parsed tree (jsonb), so the
  refresh never re-parses and a stored rule is always one the parser accepted.
- ``analytics_custom_segment_members``: who is in each segment now, materialised by
  ``commands.segments.refresh_custom_segment_members``; a customer may be in several
  segments, hence the index by customer (Customer.customSegments).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Column, DateTime, ForeignKeyConstraint, Identity, Index, Text, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from loyalnest.platform.columns import merchant_key_column
from loyalnest.platform.timeutil import utcnow


def _now_column() -> Any:
    return Field(
        default_factory=utcnow,
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now()),
    )


class CustomSegment(SQLModel, table=True):
    __tablename__ = "analytics_custom_segments"

    merchant_id: int = Field(sa_column=merchant_key_column())
    id: int | None = Field(default=None, sa_column=Column(BigInteger, Identity(), primary_key=True))
    name: str = Field(sa_column=Column(Text, nullable=False))
    description: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # the rule as the merchant wrote it, and its parsed tree (rules.segments.to_json)
    rule: str = Field(sa_column=Column(Text, nullable=False))
    parsed_rule: dict[str, Any] = Field(sa_column=Column(JSONB, nullable=False))
    # when the members were last materialised (None: not yet, the refresh is queued)
    refreshed_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    created_at: datetime = _now_column()
    updated_at: datetime = _now_column()


class CustomSegmentMember(SQLModel, table=True):
    __tablename__ = "analytics_custom_segment_members"
    __table_args__ = (
        ForeignKeyConstraint(
            ["merchant_id", "segment_id"],
            ["analytics_custom_segments.merchant_id", "analytics_custom_segments.id"],
            ondelete="CASCADE",
            name="fk_analytics_custom_segment_members_segment",
        ),
        Index("ix_analytics_custom_segment_members_customer", "merchant_id", "customer_id"),
    )

    merchant_id: int = Field(sa_column=merchant_key_column())
    segment_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    customer_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
