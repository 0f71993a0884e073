"""Frozen DTOs of the notifications context (re-exported by ``api``), with the
rendering module's ``Draft``, ``Branding``, ``TemplateError`` and ``TemplateInvalid``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any

from loyalnest.contexts.notifications.rendering import Branding, Draft, TemplateError, TemplateInvalid

__all__ = [
    "Branding",
    "DeliveryDTO",
    "DeliveryPage",
    "Draft",
    "NotificationSettingsDTO",
    "PreferenceChange",
    "PreferenceDTO",
    "PreviewDTO",
    "ProviderCheckDTO",
    "ProviderDTO",
    "ProviderInput",
    "SettingsUpdate",
    "TemplateError",
    "TemplateInvalid",
    "TemplateSlotDTO",
    "TestSendDTO",
    "UnsubscribeResult",
]


@dataclass(frozen=True)
class TemplateSlotDTO:
    type: str
    channel: str
    locale: str
    # "default" (shipped) or "override" (the merchant's own)
    source: str
    subject: str | None
    html: str | None
    text: str | None
    # None for a shipped default
    updated_at: datetime | None


@dataclass(frozen=True)
class ProviderDTO:
    channel: str
    role: str
    kind: str
    # the non-secret settings (host, port, from address, base URL...)
    settings: dict[str, Any]
    has_secret: bool
    updated_at: datetime


@dataclass(frozen=True)
class NotificationSettingsDTO:
    # {type: channels it goes out on}, every type of the registry
    enabled: dict[str, tuple[str, ...]]
    default_locale: str
    staff_email: str | None
    branding: Branding
    quiet_start: time
    quiet_end: time
    providers: tuple[ProviderDTO, ...]
    # None: the shop never changed anything (defaults)
    updated_at: datetime | None
    # where staff alerts go: staff_email, else the shop's contact email (shop/update)
    staff_alerts_to: str | None = None


@dataclass(frozen=True)
class SettingsUpdate:
    """Fields left None keep their value. ``enabled`` replaces the channels of the types
    it names (others keep theirs); an empty tuple turns a type off. ``footer`` and
    ``points_name`` replace the whole mapping; ``clear`` names optional fields to set
    to null ("default_locale", "staff_email", "sender_name", "reply_to", "logo_url")."""

    enabled: dict[str, tuple[str, ...]] | None = None
    default_locale: str | None = None
    staff_email: str | None = None
    sender_name: str | None = None
    reply_to: str | None = None
    logo_url: str | None = None
    primary_color: str | None = None
    footer: dict[str, str] | None = None
    points_name: dict[str, dict[str, str]] | None = None
    quiet_start: time | None = None
    quiet_end: time | None = None
    clear: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProviderInput:
    channel: str
    role: str
    kind: str
    settings: dict[str, Any]
    # None: keep the stored secret
    secret: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class DeliveryDTO:
    id: int
    type: str
    channel: str
    customer_id: int | None
    status: str
    reason: str | None
    provider: str | None
    attempts: int
    provider_message_id: str | None
    # "a***@example.com" / "+33******12"; None until the recipient is known
    recipient_masked: str | None
    locale: str | None
    created_at: datetime
    sent_at: datetime | None


@dataclass(frozen=True)
class DeliveryPage:
    items: list[DeliveryDTO]
    has_next: bool


@dataclass(frozen=True)
class PreferenceDTO:
    type: str
    channel: str
    # "transactional" or "marketing"
    category: str
    subscribed: bool


@dataclass(frozen=True)
class PreferenceChange:
    type: str
    channel: str
    subscribed: bool


@dataclass(frozen=True)
class PreviewDTO:
    subject: str | None
    html: str | None
    text: str | None
    errors: tuple[TemplateError, ...]
    render_ms: float


@dataclass(frozen=True)
class ProviderCheckDTO:
    ok: bool
    message: str


@dataclass(frozen=True)
class TestSendDTO:
    # "sent" or "failed"
    status: str
    message: str
    delivery_id: int | None


@dataclass(frozen=True)
class UnsubscribeResult:
    ok: bool
    # "unsubscribed", "already_unsubscribed", "invalid" (forged, malformed), "replayed"
    # (issued before the customer subscribed again)
    outcome: str
    type: str | None = None
    channel: str | None = None
    merchant_id: int | None = None
