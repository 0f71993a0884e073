"""Pure rules of the notifications context (no I/O): which channels a type goes out on,
idempotency keys, quiet hours, how a cause's facts are stored in a delivery row and
read back for the template, which channel an address given for a non-customer suits,
and how a recipient is shown masked."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, Literal
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError

from loyalnest.contexts.notifications import locales, registry
from loyalnest.contexts.notifications.registry import Money
from loyalnest.platform.errors import NotFound, ValidationFailed

ROLES = ("primary", "fallback")
KINDS_BY_CHANNEL: dict[str, tuple[str, ...]] = {"email": ("smtp", "klaviyo"), "sms": ("sms",)}
_COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_KEY_LENGTH = 255
# a phone as SMS providers take it: an optional +, then 7 to 15 digits (E.164 allows 15);
# spaces, dots, dashes and brackets people type are dropped first
_PHONE_NOISE = re.compile(r"[\s().\-]")
_PHONE = re.compile(r"^\+?[0-9]{7,15}$")

AddressKind = Literal["email", "phone"]
# the kind of address each channel delivers to
ADDRESS_KIND: dict[str, AddressKind] = {"email": "email", "sms": "phone"}


def message_type(type_name: str, *, field: str = "type") -> registry.MessageType:
    try:
        return registry.get(type_name)
    except KeyError:
        raise NotFound(f"unknown message type {type_name!r}", field=field) from None


def check_channel(mt: registry.MessageType, channel: str, *, field: str = "channel") -> str:
    if channel not in mt.channels:
        raise ValidationFailed(f"{mt.name} is not sent by {channel!r}", field=field)
    return channel


def check_locale(tag: str, *, field: str = "locale") -> str:
    """A BCP 47 tag Babel knows (shipped or not: a merchant may write Catalan), normalized."""
    normalized = locales.normalize(tag)
    if normalized is None:
        raise ValidationFailed(f"unknown locale {tag!r}", field=field)
    try:
        Locale.parse(normalized, sep="-")
    except (UnknownLocaleError, ValueError):
        raise ValidationFailed(f"unknown locale {tag!r}", field=field) from None
    return normalized


def check_color(value: str, *, field: str = "primaryColor") -> str:
    if not _COLOR.match(value):
        raise ValidationFailed("a color is written #RRGGBB", field=field)
    return value.upper()


def check_email(value: str, *, field: str) -> str:
    value = value.strip()
    if len(value) > 320 or not _EMAIL.match(value):
        raise ValidationFailed(f"{value!r} is not an email address", field=field)
    return value


def address_kind(value: str) -> tuple[AddressKind, str] | None:
    """What an address given for someone who is not a customer is, normalized: an email
    (trimmed) or a phone (digits and a leading +); None when it is neither."""
    value = value.strip()
    if "@" in value:
        return ("email", value) if len(value) <= 320 and _EMAIL.match(value) else None
    digits = _PHONE_NOISE.sub("", value)
    return ("phone", digits) if _PHONE.match(digits) else None


def recipient_mismatch(channel: str, found: tuple[AddressKind, str] | None) -> str | None:
    """Why a guest's address cannot take ``channel`` (the delivery row's reason), or None
    when it can: an invite typed as an email is never texted, and the reverse."""
    if found is None:
        return "invalid_recipient"
    if found[0] != ADDRESS_KIND[channel]:
        return f"recipient_mismatch: {found[0]} address for {channel}"
    return None


def default_channels(mt: registry.MessageType) -> tuple[str, ...]:
    """A shop that never chose: email for the types on by default (SMS needs a provider
    and the merchant's decision, so it is never on by default)."""
    return ("email",) if mt.enabled_by_default and "email" in mt.channels else ()


def enabled_channels(enabled: Mapping[str, Any], mt: registry.MessageType) -> tuple[str, ...]:
    if not mt.can_opt_out:
        # an answer the law requires (a privacy request's confirmation link, its copy of
        # the data): neither the customer nor the shop can switch it off, or a widget
        # request could never be confirmed
        return mt.channels
    chosen = enabled.get(mt.name)
    if chosen is None:
        return default_channels(mt)
    return tuple(c for c in mt.channels if c in chosen)


def idempotency_key(type_name: str, cause: str, channel: str) -> str:
    """``<type>:<cause>:<channel>``: one message per type, cause and channel, ever."""
    key = f"{type_name}:{cause}:{channel}"
    if len(key) > MAX_KEY_LENGTH:
        raise ValueError("idempotency key too long")
    return key


# --- quiet hours ---------------------------------------------------------------------------


def in_quiet_hours(local: time, start: time, end: time) -> bool:
    if start == end:
        return False
    if start < end:
        return start <= local < end
    return local >= start or local < end  # over midnight (21:00-08:00)


def quiet_until(now: datetime, timezone: str, start: time, end: time) -> datetime | None:
    """None when ``now`` is outside the shop's quiet hours; else the moment they end (UTC)."""
    zone = ZoneInfo(timezone)
    local = now.astimezone(zone)
    if not in_quiet_hours(local.time().replace(tzinfo=None), start, end):
        return None
    day = local.date()
    if local.time().replace(tzinfo=None) >= end:
        day = day + timedelta(days=1)
    release = datetime.combine(day, end, tzinfo=zone)
    return release.astimezone(now.tzinfo)


# --- a cause's facts in the row --------------------------------------------------------------


def encode_variables(values: Mapping[str, Any]) -> dict[str, Any]:
    """JSON-safe form of template variables (money, dates, decimals)."""
    out: dict[str, Any] = {}
    for name, value in values.items():
        if isinstance(value, Money):
            out[name] = {"amount": str(value.amount), "currency": value.currency}
        elif isinstance(value, datetime | date):
            out[name] = value.isoformat()
        elif isinstance(value, Decimal):
            out[name] = str(value)
        elif isinstance(value, tuple):
            out[name] = list(value)
        else:
            out[name] = value
    return out


def decode_variables(mt: registry.MessageType, stored: Mapping[str, Any]) -> dict[str, Any]:
    """The stored facts back as the types the templates expect (by the registry)."""
    out: dict[str, Any] = {}
    for name, value in stored.items():
        variable = mt.variable(name)
        if variable is None or value is None:
            out[name] = value
        elif variable.type == "money" and isinstance(value, dict):
            out[name] = Money(Decimal(value["amount"]), value["currency"])
        elif variable.type == "datetime" and isinstance(value, str):
            out[name] = datetime.fromisoformat(value)
        elif variable.type == "date" and isinstance(value, str):
            out[name] = date.fromisoformat(value)
        else:
            out[name] = value
    return out


def mask(recipient: str | None) -> str | None:
    """Enough to recognise an address in the log, not to read it."""
    if not recipient:
        return None
    if "@" in recipient:
        local, _, domain = recipient.partition("@")
        return f"{local[:1]}***@{domain}"
    return recipient[:3] + "*" * max(len(recipient) - 5, 3) + recipient[-2:]


def default_locale(chosen: str | None, shop_locale: str | None) -> str:
    """The locale a shop's messages fall back to: the one it chose, else its language in
    Shopify where templates ship in it (``fr-CA`` -> ``fr``), else en. A French shop
    that never chose one writes to its customers in French."""
    return chosen or locales.shipped(shop_locale) or locales.FALLBACK
