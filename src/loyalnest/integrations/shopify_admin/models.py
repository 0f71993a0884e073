"""Admin API usage per shop and minute: what the rate-limit dashboard charts and the
80 % alert reads."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import BigInteger, Column, DateTime, ForeignKey, Integer, Numeric
from sqlmodel import Field, SQLModel


class ShopifyApiUsage(SQLModel, table=True):
    __tablename__ = "shopify_api_usage"

    merchant_id: int = Field(
        sa_column=Column(BigInteger, ForeignKey("merchants.id", ondelete="CASCADE"), primary_key=True)
    )
    # start of the minute (UTC) the calls finished in
    minute: datetime = Field(sa_column=Column(DateTime(timezone=True), primary_key=True))
    # HTTP requests sent, retries included
    calls: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    # Shopify's requestedQueryCost (our estimate when Shopify sent none) and actualQueryCost
    requested_cost: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, server_default="0"))
    actual_cost: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, server_default="0"))
    # THROTTLED answers, HTTP 429s, and calls refused because the shop's bucket would
    # have kept them waiting too long
    throttled_count: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    # 5xx, timeouts, connection failures and other errors
    errors: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    # highest bucket use seen, 100 * (1 - currentlyAvailable / maximumAvailable)
    max_utilisation_pct: Decimal = Field(
        default=Decimal("0"), sa_column=Column(Numeric(5, 2), nullable=False, server_default="0")
    )
    # the bucket size Shopify reported (changes with the plan)
    maximum_available: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
