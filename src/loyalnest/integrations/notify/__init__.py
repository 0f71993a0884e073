"""Notification providers, as one leaf integration: email over SMTP, events to
Klaviyo's Events API, SMS through a Twilio-style or Postscript-style HTTP API.

Each sender makes ONE attempt within its timeout (5 s by default; ``send_emails``:
one attempt per message of a batch over a shared connection) and raises
``ProviderError`` (``permanent`` or transient, with the provider's ``retry_after``);
``with_retries`` is the retry loop (3 attempts, full jitter). Callers::

    from loyalnest.integrations import notify

    result = await notify.with_retries(lambda: notify.send_email(config, message))

Modules: ``messages`` (messages, configs, ``SendResult``, ``ProviderError``), ``smtp``,
``klaviyo``, ``sms``, ``retry`` (``with_retries`` and the classification),
``transport`` (the HTTP pool and timeouts). Fakes of all three providers for tests and
``make run``: ``loyalnest.devtools.provider_fakes``.
"""

from loyalnest.integrations.notify.klaviyo import check_klaviyo, event_body, send_klaviyo_event
from loyalnest.integrations.notify.messages import (
    EmailMessage,
    KlaviyoConfig,
    KlaviyoEvent,
    ProviderError,
    SendResult,
    SmsConfig,
    SmsMessage,
    SmtpConfig,
)
from loyalnest.integrations.notify.retry import http_error, parse_retry_after, smtp_reply_error, with_retries
from loyalnest.integrations.notify.sms import check_sms, send_sms
from loyalnest.integrations.notify.smtp import build_mime, check_smtp, message_id_for, send_email, send_emails
from loyalnest.integrations.notify.transport import close_http_clients

__all__ = [
    "EmailMessage",
    "KlaviyoConfig",
    "KlaviyoEvent",
    "ProviderError",
    "SendResult",
    "SmsConfig",
    "SmsMessage",
    "SmtpConfig",
    "build_mime",
    "check_klaviyo",
    "check_sms",
    "check_smtp",
    "close_http_clients",
    "event_body",
    "http_error",
    "message_id_for",
    "parse_retry_after",
    "send_email",
    "send_emails",
    "send_klaviyo_event",
    "send_sms",
    "smtp_reply_error",
    "with_retries",
]
