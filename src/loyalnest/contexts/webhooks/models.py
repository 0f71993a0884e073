"""Webhook inbox: every accepted Shopify webhook, stored before we answer 200.

The table keeps its historical name (``shopify_webhook_inbox``): the webhooks context
took it over from the former shopify context unchanged.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlmodel import Field, SQLModel

from loyalnest.platform.key_rotation import encrypted_column
from loyalnest.platform.timeutil import utcnow

# AAD of the payload column: a ciphertext moved elsewhere does not decrypt
PAYLOAD_CONTEXT = b"shopify_webhook_inbox.payload"


class WebhookInbox(SQLModel, table=True):
    __tablename__ = "shopify_webhook_inbox"
    __table_args__ = (
        UniqueConstraint("merchant_id", "event_id", name="uq_shopify_webhook_inbox_event"),
        # the relay's scan: only rows still waiting, oldest first
        Index(
            "ix_shopify_webhook_inbox_pending",
            "received_at",
            postgresql_where=text("processed_at IS NULL"),
        ),
    )

    merchant_id: int = Field(
        sa_column=Column(BigInteger, ForeignKey("merchants.id", ondelete="CASCADE"), primary_key=True)
    )
    id: int | None = Field(default=None, sa_column=Column(BigInteger, Identity(), primary_key=True))
    event_id: str = Field(sa_column=Column(String(255), nullable=False))
    topic: str = Field(sa_column=Column(String(100), nullable=False))
    # The raw body, AES-GCM encrypted (it carries customer PII); cleared once processed.
    payload_enc: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    received_at: datetime = Field(
        default_factory=utcnow,
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now()),
    )
    processed_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    # "processed", "ignored" (topic we do not act on), "failed" (payload we cannot read),
    # "deferred" (compliance topic kept, encrypted, for the privacy handler to come)
    outcome: str | None = Field(default=None, sa_column=Column(String(32), nullable=True))
    attempts: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    # When the relay last re-sent this row, and how often: a row is re-sent at most once
    # per staleness window, and given up (outcome "failed") after too many tries.
    relayed_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    relays: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    last_error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


# For ``loyalnest rotate-keys``: inbox payloads waiting to be processed (cleared after).
encrypted_column("shopify_webhook_inbox", ("merchant_id", "id"), "payload_enc", PAYLOAD_CONTEXT)
