"""The privacy request log: one row per duty (a shop's data to delete, a customer's
data to export or erase), from whoever asked, with its deadline; a data request's
archive; a shop's own retention limits.

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

from loyalnest.platform.columns import merchant_key_column
from loyalnest.platform.key_rotation import encrypted_column
from loyalnest.platform.timeutil import utcnow

# the states a request is still open in (an unconfirmed customer request that was
# never confirmed ends ``expired``)
OPEN = "status NOT IN ('completed', 'expired')"


class PrivacyRequest(SQLModel, table=True):
    __tablename__ = "privacy_requests"
    __table_args__ = (
        CheckConstraint(
            "type IN ('shop_redact', 'customer_redact', 'data_request')", name="ck_privacy_requests_type"
        ),
        CheckConstraint(
            "source IN ('webhook', 'system', 'storefront', 'staff')", name="ck_privacy_requests_source"
        ),
        CheckConstraint(
            "status IN ('unconfirmed', 'pending', 'processing', 'completed', 'failed', 'expired')",
            name="ck_privacy_requests_status",
        ),
        # one open deletion per shop: a repeated shop/redact (or our own deadline
        # after it) finds the request under way; once completed, the shop is gone (or,
        # installed again, kept: a later uninstall asks anew)
        Index(
            "uq_privacy_requests_open_shop_redact",
            "merchant_id",
            unique=True,
            postgresql_where=text(f"type = 'shop_redact' AND {OPEN}"),
        ),
        # one open erasure and one open data request per customer: Shopify's repeats
        # and a customer asking twice find the one under way
        Index(
            "uq_privacy_requests_open_customer",
            "merchant_id",
            "type",
            "customer_ref",
            unique=True,
            postgresql_where=text(f"type IN ('customer_redact', 'data_request') AND {OPEN}"),
        ),
        # Shopify's id of a data request: however often it is delivered, one export
        Index(
            "uq_privacy_requests_external_ref",
            "merchant_id",
            "external_ref",
            unique=True,
            postgresql_where=text("external_ref IS NOT NULL"),
        ),
        Index("ix_privacy_requests_open", "due_at", postgresql_where=text(OPEN)),
        Index("ix_privacy_requests_shop_domain", "shop_domain"),
        # the admin's list, newest first
        Index("ix_privacy_requests_shop", "merchant_id", "id"),
    )

    id: int | None = Field(default=None, sa_column=Column(BigInteger, Identity(), primary_key=True))
    # the shop's id while it existed (no foreign key: the row outlives the shop)
    merchant_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    shop_domain: str = Field(sa_column=Column(String(255), nullable=False))
    type: str = Field(sa_column=Column(String(32), nullable=False))
    source: str = Field(sa_column=Column(String(16), nullable=False))
    # what asked: "inbox:<id>" for a webhook, "uninstalled:<date>" for our own fallback,
    # "staff:<user id>" for staff
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
    # Shopify's id of a data request (``data_request.id``)
    external_ref: str | None = Field(default=None, sa_column=Column(String(255), nullable=True))
    # when the customer followed the emailed link of their own request
    confirmed_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    # when staff were told the request is past its deadline
    alerted_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    attempts: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    last_error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # what was done: {"rows": {table: count}, "redis_keys": n, "outcome": ...}
    result: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSONB, nullable=False, server_default="{}")
    )


EXPORT_CONTENT = b"privacy_exports.content"


class PrivacyExport(SQLModel, table=True):
    """A data request's archive (a zip of JSON and CSVs), encrypted with the platform
    keyring, until ``expires_at`` (the shop's export retention); the row goes then."""

    __tablename__ = "privacy_exports"
    __table_args__ = (Index("ix_privacy_exports_expires_at", "expires_at"),)

    merchant_id: int = Field(sa_column=merchant_key_column())
    request_id: int = Field(sa_column=Column(BigInteger, primary_key=True))
    content_enc: str = Field(sa_column=Column(Text, nullable=False))
    bytes: int = Field(sa_column=Column(Integer, nullable=False))
    tables: int = Field(sa_column=Column(Integer, nullable=False))
    rows: int = Field(sa_column=Column(Integer, nullable=False))
    created_at: datetime = Field(
        default_factory=utcnow,
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now()),
    )
    expires_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


encrypted_column("privacy_exports", ("merchant_id", "request_id"), "content_enc", EXPORT_CONTENT)


class RetentionSettings(SQLModel, table=True):
    """A shop's own retention limits, in days (``rules.RETENTION``: defaults and bounds);
    a shop without a row keeps the defaults."""

    __tablename__ = "privacy_retention_settings"

    merchant_id: int = Field(sa_column=merchant_key_column())
    inbox_days: int = Field(sa_column=Column(Integer, nullable=False))
    delivery_log_days: int = Field(sa_column=Column(Integer, nullable=False))
    export_days: int = Field(sa_column=Column(Integer, nullable=False))
    artefact_days: int = Field(sa_column=Column(Integer, nullable=False))
    audit_days: int = Field(sa_column=Column(Integer, nullable=False))
    updated_at: datetime = Field(
        default_factory=utcnow,
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now()),
    )


# the consents history (its own module: ``privacy.consents``)
from loyalnest.contexts.privacy.consents.models import ConsentRecord  # noqa: E402, F401
