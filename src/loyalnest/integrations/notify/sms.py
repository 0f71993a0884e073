"""SMS through an HTTP provider, in one of two API styles.

- ``twilio``: ``POST {base}/2010-04-01/Accounts/{sid}/Messages.json``, form-encoded
  ``To``/``From``/``Body`` (``MessagingServiceSid`` instead of ``From`` when the
  sender is an ``MG...`` service), HTTP basic auth ``sid:token``; 201 with the
  message ``sid``. Errors: ``{"code", "message", "status"}``. Twilio has no request
  idempotency key: a re-send after a lost answer sends again.
- ``postscript``: ``POST {base}/api/v2/events`` with ``Authorization: Bearer sk_...``
  and a JSON body ``{type, phone, properties, unique_id}``: a custom event the shop's
  Postscript automations turn into the SMS (the rendered text is in
  ``properties.text``). The event id field name is not verified against Postscript's
  documentation; the event ``type`` is ``loyalnest_<message type>``.
"""

from __future__ import annotations

from typing import Any

import orjson

from loyalnest.integrations.notify.messages import ProviderError, SendResult, SmsConfig, SmsMessage
from loyalnest.integrations.notify.retry import http_error
from loyalnest.integrations.notify.transport import request

POSTSCRIPT_EVENT_PREFIX = "loyalnest_"


def _detail(content: bytes) -> str | None:
    """The provider's own words: Twilio's ``code``/``message``, Postscript's
    ``error``/``errors``/``message``."""
    try:
        payload = orjson.loads(content)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(payload, dict):
        return None
    message = payload.get("message") or payload.get("error") or payload.get("detail")
    errors = payload.get("errors")
    if not message and isinstance(errors, list) and errors:
        first = errors[0]
        message = first.get("message") or first.get("detail") if isinstance(first, dict) else first
    code = payload.get("code")
    if message and code:
        return f"{message} (code {code})"
    return str(message) if message else None


def _twilio(config: SmsConfig) -> tuple[str, tuple[str, str]]:
    if not config.account_id:
        raise ProviderError("INVALID_REQUEST", "Twilio needs the Account SID", permanent=True)
    base = config.base_url.rstrip("/") + f"/2010-04-01/Accounts/{config.account_id}"
    return base, (config.account_id, config.api_key)


def _provider(config: SmsConfig) -> str:
    return "Twilio" if config.style == "twilio" else "Postscript"


async def send_sms(config: SmsConfig, message: SmsMessage, *, timeout: float = 5.0) -> SendResult:
    """Send one SMS; ``ProviderError`` classified as for every provider (429 with
    ``Retry-After``, 408 and 5xx transient; 401/403 and other 4xx permanent)."""
    if not message.to.strip():
        raise ProviderError("INVALID_REQUEST", "the SMS has no recipient number", permanent=True)
    provider = _provider(config)
    if config.style == "twilio":
        base, auth = _twilio(config)
        form = {"To": message.to, "Body": message.text}
        if not config.from_number:
            raise ProviderError("INVALID_REQUEST", "Twilio needs a sender number", permanent=True)
        if config.from_number.startswith("MG"):
            form["MessagingServiceSid"] = config.from_number
        else:
            form["From"] = config.from_number
        response = await request(
            provider,
            "POST",
            base + "/Messages.json",
            timeout=timeout,
            headers={"Accept": "application/json"},
            data=form,
            auth=auth,
        )
        id_field = "sid"
    else:
        body: dict[str, Any] = {
            "type": POSTSCRIPT_EVENT_PREFIX + (message.message_type or "notification"),
            "phone": message.to,
            "properties": {"text": message.text},
        }
        if message.message_type:
            body["properties"]["message_type"] = message.message_type
        if message.idempotency_key:
            body["unique_id"] = message.idempotency_key
        response = await request(
            provider,
            "POST",
            config.base_url.rstrip("/") + "/api/v2/events",
            timeout=timeout,
            headers={
                "Authorization": f"Bearer {config.api_key}",
                "Content-Type": "application/json",
                "Accept": "application/json",
            },
            content=orjson.dumps(body),
        )
        id_field = "id"
    if 200 <= response.status_code < 300:
        try:
            payload = orjson.loads(response.content) if response.content else {}
        except orjson.JSONDecodeError:
            payload = {}
        found = payload.get(id_field) if isinstance(payload, dict) else None
        if found is None and config.style == "postscript":
            found = message.idempotency_key
        return SendResult(provider_message_id=str(found) if found is not None else None)
    raise http_error(
        provider, response.status_code, headers=response.headers, detail=_detail(response.content)
    )


async def check_sms(config: SmsConfig, *, timeout: float = 5.0) -> None:
    """What ``testProvider`` runs. Twilio: fetch the account (``GET
    /2010-04-01/Accounts/{sid}.json``). Postscript: an empty event, which a real key
    gets refused as invalid (400/422: the key was accepted) and a bad key as 401/403;
    nothing is created. Raises ``ProviderError``."""
    provider = _provider(config)
    if config.style == "twilio":
        base, auth = _twilio(config)
        response = await request(
            provider,
            "GET",
            base + ".json",
            timeout=timeout,
            headers={"Accept": "application/json"},
            auth=auth,
        )
        if 200 <= response.status_code < 300:
            return
    else:
        response = await request(
            provider,
            "POST",
            config.base_url.rstrip("/") + "/api/v2/events",
            timeout=timeout,
            headers={
                "Authorization": f"Bearer {config.api_key}",
                "Content-Type": "application/json",
                "Accept": "application/json",
            },
            content=b"{}",
        )
        if response.status_code in (400, 422):
            return
        if 200 <= response.status_code < 300:
            return
    raise http_error(
        provider, response.status_code, headers=response.headers, detail=_detail(response.content)
    )
