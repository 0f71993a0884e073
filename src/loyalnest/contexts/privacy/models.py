"""The privacy request log: one row per duty (a shop's data to delete; later a
customer's data to export or erase), from whoever asked, with its deadline.

The log outlives the shop it concerns: it is what proves a shop's data was deleted
after its ``shop/redact``. So ``merchant_id`` is a plain column (no foreign key, and
the shop deletion leaves these rows alone), and nothing in a row is personal data: the
shop's domain names a business, ``result`` holds row counts per table.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    DateTime,
    Identity,
    Index,
    Integer,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from loyalnest.platform.timeutil import utcnow


class PrivacyRequest(SQLModel, table=True):
    __tablename__ = "privacy_requests"
    __table_args__ = (
        CheckConstraint("type IN ('shop_redact', 'customer_redact')", name="ck_privacy_requests_type"),
        CheckConstraint("source IN ('webhook', 'system')", name="ck_privacy_requests_source"),
        CheckConstraint(
            "status IN ('pending', 'processing', 'completed', 'failed')", name="ck_privacy_requests_status"
        ),
        # one open deletion per shop: a repeated shop/redact (or our own deadline
        # after it) finds the request under way; once completed, the shop is gone (or,
        # installed again, kept: a later uninstall asks anew)
        Index(
            "uq_privacy_requests_open_shop_redact",
            "merchant_id",
            unique=True,
            postgresql_where=text("type = 'shop_redact' AND status <> 'completed'"),
        ),
        # one open erasure per customer: Shopify's repeats find the one under way
        Index(
            "uq_privacy_requests_open_customer_redact",
            "merchant_id",
            "customer_ref",
            unique=True,
            postgresql_where=text("type = 'customer_redact' AND status <> 'completed'"),
        ),
        Index("ix_privacy_requests_open", "due_at", postgresql_where=text("status <> 'completed'")),
        Index("ix_privacy_requests_shop_domain", "shop_domain"),
    )

    id: int | None = Field(default=None, sa_column=Column(BigInteger, Identity(), primary_key=True))
    # the shop's id while it existed (no foreign key: the row outlives the shop)
    merchant_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    shop_domain: str = Field(sa_column=Column(String(255), nullable=False))
    type: str = Field(sa_column=Column(String(32), nullable=False))
    source: str = Field(sa_column=Column(String(16), nullable=False))
    # what asked: "inbox:<id>" for a webhook, "uninstalled:<date>" for our own fallback
    source_ref: str | None = Field(default=None, sa_column=Column(String(255), nullable=True))
    # the customer a customer request is about: the id Shopify knows them by (an id,
    # not personal data; it names nobody once the erasure ran)
    customer_ref: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    status: str = Field(
        default="pending", sa_column=Column(String(16), nullable=False, server_default="pending")
    )
    received_at: datetime = Field(
        default_factory=utcnow,
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now()),
    )
    due_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    started_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    completed_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    # when the request's own artefacts may go (its row stays: it is the proof)
    retention_expires_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    attempts: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    last_error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # what was done: {"rows": {table: count}, "redis_keys": n, "outcome": ...}
    result: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSONB, nullable=False, server_default="{}")
    )


# the consents history (its own module: ``privacy.consents``)
from loyalnest.contexts.privacy.consents.models import ConsentRecord  # noqa: E402, F401
