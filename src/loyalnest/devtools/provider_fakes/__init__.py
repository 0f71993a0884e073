"""Fakes of the notification providers: real servers on loopback, each started in a
background thread (``start()``/``stop()`` or ``with``), with an ephemeral port
(``port``, ``base_url``), the calls they received, and switches to fail on command.

- ``SmtpSink``: SMTP (aiosmtpd); ``reject``, ``fail_next``, ``delay_next``, AUTH,
  ``.eml`` files; ``start_dev_sink(directory)`` for ``make run``.
- ``KlaviyoFake``: Klaviyo's Events API (``POST /api/events``, ``GET /api/accounts/``).
- ``SmsFake``: Twilio-style and Postscript-style SMS APIs.

Never imported by the product (import-linter), only by tests, benches and the CLI.
"""

from loyalnest.devtools.provider_fakes.klaviyo_fake import DEV_KLAVIYO_KEY, KlaviyoFake, RecordedEvent
from loyalnest.devtools.provider_fakes.sms_fake import (
    DEV_POSTSCRIPT_KEY,
    DEV_TWILIO_SID,
    DEV_TWILIO_TOKEN,
    RecordedSms,
    SmsFake,
)
from loyalnest.devtools.provider_fakes.smtp_sink import ReceivedMessage, SmtpSink, start_dev_sink

__all__ = [
    "DEV_KLAVIYO_KEY",
    "DEV_POSTSCRIPT_KEY",
    "DEV_TWILIO_SID",
    "DEV_TWILIO_TOKEN",
    "KlaviyoFake",
    "ReceivedMessage",
    "RecordedEvent",
    "RecordedSms",
    "SmsFake",
    "SmtpSink",
    "start_dev_sink",
]
