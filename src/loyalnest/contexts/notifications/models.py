"""Tables of the notifications context.

- ``notification_settings``: one row per shop (absent: the registry's defaults): which
  types go out on which channels, the default locale, the staff email, branding, quiet
  hours for SMS.
- ``notification_providers``: a shop's primary and fallback provider per channel, the
  credentials AES-GCM encrypted (``secret_enc``).
- ``notification_templates``: a merchant's own templates (overrides of the shipped
  defaults), one per type x channel x locale.
- ``notification_deliveries``: the delivery log, which is also the outbox of messages:
  a row is written in the transaction of the event that caused it, unique per
  (shop, idempotency key), and the ``notifications.deliver_batch`` actor moves it
  queued -> sending -> sent|failed|skipped (held: an SMS waiting for quiet hours to end).
- ``notification_preferences``: a customer's choice per type and channel (a row only
  once the customer changed something; ``changed_at`` refuses replayed unsubscribe
  links issued before a re-subscribe).
- ``notification_marketing_consents``: a customer's marketing consent per channel as the
  privacy context last published it (``ConsentChanged``: ``newsletter`` is email,
  ``sms_marketing`` is SMS), read with the batch at send time. No row: email follows
  Shopify's marketing state (``customers.accepts_marketing``), SMS has no consent.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    Identity,
    Index,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from loyalnest.platform.columns import merchant_key_column
from loyalnest.platform.key_rotation import encrypted_column
from loyalnest.platform.timeutil import utcnow

STATUSES = ("queued", "held", "sending", "sent", "failed", "skipped")


def _now() -> Any:
    return Field(
        default_factory=utcnow,
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now()),
    )


class NotificationSettings(SQLModel, table=True):
    __tablename__ = "notification_settings"

    merchant_id: int = Field(sa_column=merchant_key_column())
    # {type: [channels]}; a type absent here follows the registry's default
    enabled: dict[str, Any] = Field(
        sa_column=Column(JSONB, nullable=False, server_default=text("'{}'::jsonb"))
    )
    # None: the shop's language in Shopify (merchants' primary_locale) where templates
    # ship in it, else en (``sending.Shop.default_locale``)
    default_locale: str | None = Field(default=None, sa_column=Column(String(35), nullable=True))
    staff_email_enc: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # None: the shop's name
    sender_name: str | None = Field(default=None, sa_column=Column(String(255), nullable=True))
    reply_to: str | None = Field(default=None, sa_column=Column(String(320), nullable=True))
    logo_url: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    primary_color: str = Field(
        default="#1F6FEB", sa_column=Column(String(7), nullable=False, server_default="#1F6FEB")
    )
    # {locale: text}
    footer: dict[str, Any] = Field(
        sa_column=Column(JSONB, nullable=False, server_default=text("'{}'::jsonb"))
    )
    # {locale: {CLDR category: word}}
    points_name: dict[str, Any] = Field(
        sa_column=Column(JSONB, nullable=False, server_default=text("'{}'::jsonb"))
    )
    # shop time (merchants.iana_timezone); no SMS from start to end
    quiet_start: time = Field(
        default=time(21, 0), sa_column=Column(Time, nullable=False, server_default="21:00")
    )
    quiet_end: time = Field(
        default=time(8, 0), sa_column=Column(Time, nullable=False, server_default="08:00")
    )
    updated_at: datetime = _now()


class NotificationProvider(SQLModel, table=True):
    __tablename__ = "notification_providers"
    __table_args__ = (
        UniqueConstraint("merchant_id", "channel", "role", name="uq_notification_providers_slot"),
        CheckConstraint("channel IN ('email', 'sms')", name="ck_notification_providers_channel"),
        CheckConstraint("kind IN ('smtp', 'klaviyo', 'sms')", name="ck_notification_providers_kind"),
        CheckConstraint("role IN ('primary', 'fallback')", name="ck_notification_providers_role"),
    )

    merchant_id: int = Field(sa_column=merchant_key_column())
    id: int | None = Field(default=None, sa_column=Column(BigInteger, Identity(), primary_key=True))
    channel: str = Field(sa_column=Column(String(8), nullable=False))
    kind: str = Field(sa_column=Column(String(16), nullable=False))
    role: str = Field(sa_column=Column(String(16), nullable=False))
    # host, port, security, username, from address, base URL... never the secret
    settings: dict[str, Any] = Field(
        sa_column=Column(JSONB, nullable=False, server_default=text("'{}'::jsonb"))
    )
    secret_enc: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime = _now()
    updated_at: datetime = _now()


class NotificationTemplate(SQLModel, table=True):
    __tablename__ = "notification_templates"
    __table_args__ = (
        UniqueConstraint("merchant_id", "type", "channel", "locale", name="uq_notification_templates_slot"),
    )

    merchant_id: int = Field(sa_column=merchant_key_column())
    id: int | None = Field(default=None, sa_column=Column(BigInteger, Identity(), primary_key=True))
    type: str = Field(sa_column=Column(String(64), nullable=False))
    channel: str = Field(sa_column=Column(String(8), nullable=False))
    locale: str = Field(sa_column=Column(String(35), nullable=False))
    subject: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    html: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    text_body: str | None = Field(default=None, sa_column=Column("text", Text, nullable=True))
    actor: str = Field(sa_column=Column(String(255), nullable=False))
    updated_at: datetime = _now()


class NotificationDelivery(SQLModel, table=True):
    __tablename__ = "notification_deliveries"
    __table_args__ = (
        UniqueConstraint("merchant_id", "idempotency_key", name="uq_notification_deliveries_key"),
        CheckConstraint(
            "status IN ('queued', 'held', 'sending', 'sent', 'failed', 'skipped')",
            name="ck_notification_deliveries_status",
        ),
        # the worker's claim: a shop's rows waiting to go, oldest first
        Index(
            "ix_notification_deliveries_waiting",
            "merchant_id",
            "id",
            postgresql_where=text("status IN ('queued', 'held')"),
        ),
        # the lease sweep: rows stuck in sending (a worker killed mid-batch)
        Index(
            "ix_notification_deliveries_sending",
            "claimed_at",
            postgresql_where=text("status = 'sending'"),
        ),
        # the quiet-hours release: held rows whose time came, across shops
        Index(
            "ix_notification_deliveries_held",
            "not_before",
            postgresql_where=text("status = 'held'"),
        ),
        Index("ix_notification_deliveries_status", "merchant_id", "status", "id"),
        Index("ix_notification_deliveries_customer", "merchant_id", "customer_id", "id"),
    )

    merchant_id: int = Field(sa_column=merchant_key_column())
    id: int | None = Field(default=None, sa_column=Column(BigInteger, Identity(), primary_key=True))
    type: str = Field(sa_column=Column(String(64), nullable=False))
    channel: str = Field(sa_column=Column(String(8), nullable=False))
    # None: a staff message (the shop's staff email) or a test send
    customer_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    # "<type>:<cause>:<channel>", e.g. "reward_issued:123:email": one message per cause
    idempotency_key: str = Field(sa_column=Column(String(255), nullable=False))
    status: str = Field(
        default="queued", sa_column=Column(String(16), nullable=False, server_default="queued")
    )
    # why skipped/failed/held ("no_recipient", "opted_out", "no_consent", "bounced", ...)
    reason: str | None = Field(default=None, sa_column=Column(String(255), nullable=True))
    provider: str | None = Field(default=None, sa_column=Column(String(16), nullable=True))
    attempts: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    provider_message_id: str | None = Field(default=None, sa_column=Column(String(255), nullable=True))
    # the address it went to, once known (email or phone), encrypted
    recipient_enc: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    locale: str | None = Field(default=None, sa_column=Column(String(35), nullable=True))
    # the cause's facts needed to render later; never PII (points, titles, dates)
    variables: dict[str, Any] = Field(
        sa_column=Column(JSONB, nullable=False, server_default=text("'{}'::jsonb"))
    )
    # the cause's sensitive facts (a discount code), a JSON object encrypted
    sealed_enc: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # held until then (quiet hours)
    not_before: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    claimed_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    created_at: datetime = _now()
    sent_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=True))
    updated_at: datetime = _now()


class NotificationPreference(SQLModel, table=True):
    __tablename__ = "notification_preferences"

    merchant_id: int = Field(sa_column=merchant_key_column())
    customer_id: int = Field(sa_column=Column(BigInteger, primary_key=True))
    type: str = Field(sa_column=Column(String(64), primary_key=True))
    channel: str = Field(sa_column=Column(String(8), primary_key=True))
    subscribed: bool = Field(sa_column=Column(Boolean, nullable=False))
    changed_at: datetime = _now()


class NotificationMarketingConsent(SQLModel, table=True):
    __tablename__ = "notification_marketing_consents"
    __table_args__ = (
        CheckConstraint("channel IN ('email', 'sms')", name="ck_notification_marketing_consents_channel"),
    )

    merchant_id: int = Field(sa_column=merchant_key_column())
    customer_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    channel: str = Field(sa_column=Column(String(8), primary_key=True))
    granted: bool = Field(sa_column=Column(Boolean, nullable=False))
    # when the choice was made (a change published out of order never undoes a newer one)
    changed_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


# Encrypted columns under these AADs (for ``rotate-keys``).
STAFF_EMAIL_CONTEXT = b"notification_settings.staff_email"
PROVIDER_SECRET_CONTEXT = b"notification_providers.secret"
RECIPIENT_CONTEXT = b"notification_deliveries.recipient"
SEALED_CONTEXT = b"notification_deliveries.sealed"
encrypted_column("notification_settings", ("merchant_id",), "staff_email_enc", STAFF_EMAIL_CONTEXT)
encrypted_column("notification_providers", ("merchant_id", "id"), "secret_enc", PROVIDER_SECRET_CONTEXT)
encrypted_column("notification_deliveries", ("merchant_id", "id"), "recipient_enc", RECIPIENT_CONTEXT)
encrypted_column("notification_deliveries", ("merchant_id", "id"), "sealed_enc", SEALED_CONTEXT)
