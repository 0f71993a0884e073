"""What analytics keeps of customers' consents (written by ``handlers.consents`` when
privacy publishes ``ConsentChanged``). ``rfm_tracking`` revoked is a row of
``analytics_rfm_exclusions`` (``models.rfm``); ``profiling`` revoked is a row here:
the customer sees no nudge and gets no nudge email, while their RFM scores (the shop's
statistics) stay."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Column, DateTime, func
from sqlmodel import Field, SQLModel

from loyalnest.platform.columns import merchant_key_column
from loyalnest.platform.timeutil import utcnow


def _key() -> Any:
    return Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))


class ProfilingExclusion(SQLModel, table=True):
    __tablename__ = "analytics_profiling_exclusions"

    merchant_id: int = Field(sa_column=merchant_key_column())
    customer_id: int = _key()
    created_at: datetime = Field(
        default_factory=utcnow,
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now()),
    )
