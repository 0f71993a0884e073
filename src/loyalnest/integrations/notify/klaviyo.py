"""Klaviyo's Events API: LoyalNest events land in the shop's Klaviyo account and the
merchant's Klaviyo flows send the messages.

``POST {base}/api/events`` with ``Authorization: Klaviyo-API-Key <private key>``, the
pinned ``revision`` header and a JSON:API body (``data.type = "event"``, the metric by
name, the profile by email / phone / external id). Klaviyo answers 202 with no body.
``unique_id`` is the delivery's idempotency key: Klaviyo keeps one event per profile,
metric and unique id, so a re-send after a worker died between the send and its log
update adds nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import orjson

from loyalnest.integrations.notify.messages import KlaviyoConfig, KlaviyoEvent, ProviderError, SendResult
from loyalnest.integrations.notify.retry import http_error
from loyalnest.integrations.notify.transport import request

_PROVIDER = "Klaviyo"


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        # Klaviyo's properties and value are JSON numbers (flows compare and sum them)
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def _iso(value: datetime | date) -> str:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).isoformat()
    return value.isoformat()


def event_body(event: KlaviyoEvent) -> dict[str, Any]:
    """The JSON:API document for one event."""
    profile: dict[str, str] = {}
    if event.email:
        profile["email"] = event.email
    if event.phone:
        profile["phone_number"] = event.phone
    if event.external_id:
        profile["external_id"] = event.external_id
    if not profile:
        raise ProviderError(
            "INVALID_REQUEST",
            "a Klaviyo event needs an email, a phone number or an external id",
            permanent=True,
        )
    if not event.metric_name.strip():
        raise ProviderError("INVALID_REQUEST", "a Klaviyo event needs a metric name", permanent=True)
    attributes: dict[str, Any] = {
        "properties": dict(event.properties),
        "time": _iso(event.time),
        "unique_id": event.unique_id,
        "metric": {"data": {"type": "metric", "attributes": {"name": event.metric_name}}},
        "profile": {"data": {"type": "profile", "attributes": profile}},
    }
    if event.value is not None:
        attributes["value"] = _json_default(event.value)
    return {"data": {"type": "event", "attributes": attributes}}


def _headers(config: KlaviyoConfig) -> dict[str, str]:
    return {
        "Authorization": f"Klaviyo-API-Key {config.api_key}",
        "revision": config.revision,
        "Accept": "application/vnd.api+json",
        "Content-Type": "application/vnd.api+json",
    }


def _detail(content: bytes) -> str | None:
    """Klaviyo's own words from a JSON:API error document (``errors[].detail``)."""
    try:
        payload = orjson.loads(content)
    except orjson.JSONDecodeError:
        return None
    errors = payload.get("errors") if isinstance(payload, dict) else None
    if not isinstance(errors, list):
        return None
    parts = []
    for error in errors[:3]:
        if isinstance(error, dict):
            text = error.get("detail") or error.get("title") or error.get("code")
            pointer = (
                (error.get("source") or {}).get("pointer") if isinstance(error.get("source"), dict) else None
            )
            if text:
                parts.append(f"{text} ({pointer})" if pointer else str(text))
    return "; ".join(parts) or None


def _url(config: KlaviyoConfig, path: str) -> str:
    return config.base_url.rstrip("/") + path


async def send_klaviyo_event(
    config: KlaviyoConfig, event: KlaviyoEvent, *, timeout: float = 5.0
) -> SendResult:
    """Create one event. 202 is success; 429 (with ``Retry-After``), 408 and 5xx are
    transient, 401/403 and other 4xx permanent (``ProviderError``)."""
    try:
        content = orjson.dumps(event_body(event), default=_json_default)
    except TypeError as exc:
        raise ProviderError(
            "INVALID_REQUEST", f"event properties are not JSON: {exc}", permanent=True
        ) from exc
    response = await request(
        _PROVIDER,
        "POST",
        _url(config, "/api/events"),
        timeout=timeout,
        headers=_headers(config),
        content=content,
    )
    if 200 <= response.status_code < 300:
        return SendResult(provider_message_id=event.unique_id)
    raise http_error(
        _PROVIDER, response.status_code, headers=response.headers, detail=_detail(response.content)
    )


async def check_klaviyo(config: KlaviyoConfig, *, timeout: float = 5.0) -> None:
    """Ask for the account (``GET /api/accounts/``): the cheapest authenticated call.
    A 403 means the key is real but lacks the ``accounts:read`` scope, which sending
    events does not need: accepted. Raises ``ProviderError`` otherwise."""
    response = await request(
        _PROVIDER,
        "GET",
        _url(config, "/api/accounts/"),
        timeout=timeout,
        headers={k: v for k, v in _headers(config).items() if k != "Content-Type"},
    )
    if 200 <= response.status_code < 300 or response.status_code == 403:
        return
    raise http_error(
        _PROVIDER, response.status_code, headers=response.headers, detail=_detail(response.content)
    )
