"""The consents history: one row per change of one consent of one customer,
append-only (see the package's docstring). ``merchant_id`` leads the key (tenancy);
the customer is named by our id only, no personal data."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, CheckConstraint, Column, DateTime, Identity, Index, String, func
from sqlmodel import Field, SQLModel

from loyalnest.platform.columns import merchant_key_column
from loyalnest.platform.timeutil import utcnow


class ConsentRecord(SQLModel, table=True):
    __tablename__ = "privacy_consents"
    __table_args__ = (
        CheckConstraint(
            "type IN ('newsletter', 'sms_marketing', 'rfm_tracking', 'referrals', 'profiling')",
            name="ck_privacy_consents_type",
        ),
        CheckConstraint(
            "source IN ('shopify', 'storefront', 'staff', 'import')", name="ck_privacy_consents_source"
        ),
        # the latest row of each type (current state), and a customer's history newest first
        Index("ix_privacy_consents_customer", "merchant_id", "customer_id", "type", "id"),
    )

    merchant_id: int = Field(sa_column=merchant_key_column())
    id: int | None = Field(default=None, sa_column=Column(BigInteger, Identity(), primary_key=True))
    customer_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    type: str = Field(sa_column=Column(String(32), nullable=False))
    granted: bool = Field(sa_column=Column(Boolean, nullable=False))
    source: str = Field(sa_column=Column(String(16), nullable=False))
    # who recorded it, as the audit trail names actors ("shopify", "customer:<id>", staff)
    actor: str = Field(sa_column=Column(String(255), nullable=False))
    # when the choice was made (Shopify's consent_updated_at; else when it was recorded)
    occurred_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    recorded_at: datetime = Field(
        default_factory=utcnow,
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now()),
    )
