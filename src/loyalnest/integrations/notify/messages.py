"""What the notification senders take and give back: one message per call, the
provider's configuration (secrets in clear: the notifications context decrypts them
just before the call and never keeps them), the result, and the one error type.

Nothing here knows about shops, templates or consent: a sender is told exactly what
to send and where.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

# --- messages -------------------------------------------------------------------------


@dataclass(frozen=True)
class EmailMessage:
    """One email: the rendered subject, HTML and plain-text parts (sent as
    ``multipart/alternative``), and the headers the core adds (``List-Unsubscribe``,
    ``List-Unsubscribe-Post``, ``Content-Language``...), sent as given.

    ``message_id``: a stable id for this message, normally the delivery's idempotency
    key (include the shop: ``f"{merchant_id}:{key}"``, since keys are unique per shop
    only). The ``Message-ID`` header is derived from it, so a re-send of the same
    delivery carries the same Message-ID and receivers that dedupe on it (and our own
    log) see one message. A value already shaped ``<local@domain>`` is used as is.
    ``None``: a fresh random Message-ID."""

    to: str
    from_address: str
    sender_name: str
    reply_to: str | None
    subject: str
    html: str
    text: str
    headers: Mapping[str, str] = field(default_factory=dict)
    message_id_domain: str = "loyalnest.local"
    message_id: str | None = None


@dataclass(frozen=True)
class SmsMessage:
    """One SMS. ``idempotency_key`` goes to providers that dedupe (Postscript's
    event id); Twilio has no such key. ``message_type`` names the notification type for
    providers that run the merchant's own automations on an event (Postscript)."""

    to: str
    text: str
    idempotency_key: str | None = None
    message_type: str | None = None


@dataclass(frozen=True)
class KlaviyoEvent:
    """One event for the shop's Klaviyo account (its flows send the message).
    ``unique_id`` is the delivery's idempotency key: Klaviyo drops a second event with
    the same id for the same profile and metric. At least one of ``email``, ``phone``
    (E.164) or ``external_id`` identifies the profile."""

    metric_name: str
    properties: Mapping[str, Any]
    unique_id: str
    time: datetime
    email: str | None = None
    phone: str | None = None
    external_id: str | None = None
    value: Decimal | None = None


@dataclass(frozen=True)
class SendResult:
    """The provider accepted the message. ``provider_message_id``: SMTP Message-ID,
    Twilio's message SID, Postscript's event id; Klaviyo answers 202 with no id, so
    there it is the ``unique_id`` we sent."""

    provider_message_id: str | None


# --- configurations -----------------------------------------------------------------


@dataclass(frozen=True)
class SmtpConfig:
    """``security``: ``tls`` (implicit TLS, usually port 465), ``starttls`` (required,
    usually 587), ``none`` (plain: local sinks only). Certificates are verified."""

    host: str
    port: int
    security: Literal["starttls", "tls", "none"]
    username: str | None
    password: str | None = field(repr=False)
    from_address: str


@dataclass(frozen=True)
class KlaviyoConfig:
    api_key: str = field(repr=False)
    base_url: str = "https://a.klaviyo.com"
    revision: str = "2024-10-15"


@dataclass(frozen=True)
class SmsConfig:
    """``twilio``: ``account_id`` is the Account SID, ``api_key`` the auth token,
    ``from_number`` the sender (E.164) or a Messaging Service SID (``MG...``).
    ``postscript``: ``api_key`` is the private key (``sk_...``); ``account_id`` and
    ``from_number`` are unused (the shop's Postscript number sends)."""

    style: Literal["twilio", "postscript"]
    base_url: str
    account_id: str | None
    api_key: str = field(repr=False)
    from_number: str | None


# --- errors ---------------------------------------------------------------------------


class ProviderError(Exception):
    """The provider did not take the message (or the configuration check failed).

    ``code`` (stable): ``BOUNCED`` (the server refused the recipient for good: SMTP
    5xx at RCPT), ``AUTH_FAILED`` (bad credentials: SMTP 535, HTTP 401/403),
    ``REJECTED`` (any other permanent refusal: SMTP 5xx, HTTP 4xx), ``INVALID_REQUEST``
    (our message is unusable before sending: no recipient...), ``DEFERRED`` (SMTP
    4xx: greylisting, mailbox busy), ``RATE_LIMITED`` (HTTP 429), ``UNAVAILABLE``
    (HTTP 5xx, SMTP 421), ``TIMEOUT`` (no answer within the attempt's timeout),
    ``CONNECTION`` (refused, reset, DNS), ``TLS`` (handshake or certificate failure:
    a configuration problem, so permanent), ``NOT_SUPPORTED`` (the server lacks
    STARTTLS or AUTH), ``INVALID_RESPONSE``.

    ``permanent``: retrying the same message cannot help (count it failed, or try the
    fallback provider). Otherwise it may succeed later; ``retry_after`` is the
    provider's own wait in seconds when it gave one (HTTP ``Retry-After``).
    ``status``: the SMTP reply code or HTTP status when there was one. ``message``
    never contains a secret."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        permanent: bool,
        retry_after: float | None = None,
        status: int | None = None,
    ):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.permanent = permanent
        self.retry_after = retry_after
        self.status = status

    def __repr__(self) -> str:
        return (
            f"ProviderError(code={self.code!r}, permanent={self.permanent}, "
            f"retry_after={self.retry_after!r}, status={self.status!r}, message={self.message!r})"
        )
