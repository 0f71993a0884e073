"""``KlaviyoFake``: Klaviyo's Events API on loopback, checking what the real one
checks.

- ``POST /api/events``: ``Authorization: Klaviyo-API-Key <key>`` with a known key
  (401 ``not_authenticated`` otherwise), a ``revision`` header shaped ``YYYY-MM-DD``
  (400 otherwise), ``Content-Type: application/vnd.api+json`` (or
  ``application/json``; 415 otherwise), and the JSON:API document: ``data.type ==
  "event"``, ``attributes.metric.data`` a ``metric`` with a ``name``,
  ``attributes.profile.data`` a ``profile`` with an email, phone number or external
  id, ``properties`` an object, ``time`` ISO 8601, ``value`` a number, ``unique_id``
  a string (400 with ``errors[]`` and a ``source.pointer``, as Klaviyo answers).
  202 with no body on success; a second event with the same metric, profile and
  ``unique_id`` is accepted (202) and dropped, as Klaviyo does.
- ``GET /api/accounts/``: the account, for ``check_klaviyo``.

Switches (one per request, in order): ``fail_next(n, status=503)``,
``throttle_next(n, retry_after=1)`` (429 ``throttled`` with ``Retry-After``),
``delay_next(n, seconds=...)``. ``stop()`` makes it "down" (connection refused).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from loyalnest.devtools.provider_fakes._server import LoopbackHttpFake, json_response

DEV_KLAVIYO_KEY = "pk_loyalnest_dev"
_REVISION = re.compile(r"^\d{4}-\d{2}-\d{2}(\.pre|\.beta)?$")
_MEDIA = "application/vnd.api+json"


@dataclass(frozen=True)
class RecordedEvent:
    metric: str
    profile: dict[str, str]
    properties: dict[str, Any]
    time: str | None
    value: float | int | None
    unique_id: str | None
    revision: str
    api_key: str


@dataclass(frozen=True)
class RecordedCall:
    method: str
    path: str
    status: int


def _error(status: int, code: str, title: str, detail: str, pointer: str | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "status": status,
        "code": code,
        "title": title,
        "detail": detail,
        "source": {"pointer": pointer} if pointer else {},
        "links": {},
        "meta": {},
    }
    return {"errors": [error]}


class _Invalid(Exception):
    def __init__(self, detail: str, pointer: str):
        super().__init__(detail)
        self.body = _error(400, "invalid", "Invalid input.", detail, pointer)


class KlaviyoFake(LoopbackHttpFake):
    name = "Klaviyo fake"

    def __init__(
        self, *, api_keys: tuple[str, ...] = (DEV_KLAVIYO_KEY,), host: str = "127.0.0.1", port: int = 0
    ):
        super().__init__(host=host, port=port)
        self.api_keys = set(api_keys)
        self.events: list[RecordedEvent] = []
        self.calls: list[RecordedCall] = []
        self.duplicates = 0
        self._seen: set[tuple[str, str, str]] = set()

    def routes(self) -> list[Route]:
        return [
            Route("/api/events", self._events, methods=["POST"]),
            Route("/api/events/", self._events, methods=["POST"]),
            Route("/api/accounts/", self._accounts, methods=["GET"]),
            Route("/api/accounts", self._accounts, methods=["GET"]),
        ]

    def error_body(self, status: int) -> Any:
        if status == 429:
            return _error(429, "throttled", "Request was throttled.", "Request was throttled.")
        if status >= 500:
            return _error(status, "error", "A server error occurred.", "A server error occurred.")
        return _error(status, "invalid", "Invalid input.", f"HTTP {status}")

    # --- inspection ---------------------------------------------------------------------

    def events_for(self, metric: str) -> list[RecordedEvent]:
        with self._lock:
            return [e for e in self.events if e.metric == metric]

    def reset(self) -> None:
        with self._lock:
            self.events.clear()
            self.calls.clear()
            self._seen.clear()
            self.duplicates = 0
            self._new_generation()

    # --- HTTP -----------------------------------------------------------------------------

    def _record(self, request: Request, status: int) -> None:
        with self._lock:
            if not self._stale():
                self.calls.append(RecordedCall(request.method, request.url.path, status))

    def _authenticate(self, request: Request) -> tuple[str | None, Response | None]:
        header = request.headers.get("authorization", "")
        scheme, _, key = header.partition(" ")
        if scheme != "Klaviyo-API-Key" or key.strip() not in self.api_keys:
            return None, json_response(
                _error(
                    401,
                    "not_authenticated",
                    "Authentication credentials were not provided.",
                    "Missing or invalid private key.",
                ),
                401,
                media_type=_MEDIA,
            )
        revision = request.headers.get("revision")
        if not revision or not _REVISION.match(revision):
            return None, json_response(
                _error(
                    400,
                    "invalid",
                    "Invalid input.",
                    "The 'revision' header is required and must be a date (YYYY-MM-DD).",
                    "/headers/revision",
                ),
                400,
                media_type=_MEDIA,
            )
        return key.strip(), None

    async def _accounts(self, request: Request) -> Response:
        answer = await self.take_fault()
        if answer is None:
            _, answer = self._authenticate(request)
        if answer is None:
            answer = json_response(
                {
                    "data": [
                        {
                            "type": "account",
                            "id": "LNFAKE",
                            "attributes": {"contact_information": {"organization_name": "LoyalNest fake"}},
                        }
                    ]
                },
                200,
                media_type=_MEDIA,
            )
        self._record(request, answer.status_code)
        return answer

    async def _events(self, request: Request) -> Response:
        answer = await self.take_fault()
        if answer is None:
            answer = await self._create_event(request)
        self._record(request, answer.status_code)
        return answer

    async def _create_event(self, request: Request) -> Response:
        key, refused = self._authenticate(request)
        if refused is not None:
            return refused
        assert key is not None
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type not in (_MEDIA, "application/json"):
            return json_response(
                _error(
                    415,
                    "unsupported_media_type",
                    "Unsupported media type.",
                    f"'{content_type}' is not supported.",
                ),
                415,
                media_type=_MEDIA,
            )
        try:
            document = orjson.loads(await request.body())
        except orjson.JSONDecodeError:
            return json_response(_error(400, "parse_error", "Malformed request.", "JSON parse error."), 400)
        try:
            fields = _parse_event(document)
        except _Invalid as invalid:
            return json_response(invalid.body, 400, media_type=_MEDIA)
        event = RecordedEvent(**fields, revision=request.headers["revision"], api_key=key)
        identity = "|".join(f"{k}={v}" for k, v in sorted(event.profile.items()))
        with self._lock:
            dedupe_key = (event.metric, identity, event.unique_id or "")
            if self._stale():
                pass  # began before the last reset(): answered, not recorded
            elif event.unique_id is not None and dedupe_key in self._seen:
                self.duplicates += 1
            else:
                self._seen.add(dedupe_key)
                self.events.append(event)
        return Response(b"", status_code=202)


def _parse_event(document: Any) -> dict[str, Any]:
    """The event's fields; ``_Invalid`` (a 400 error document) when malformed."""
    data = document.get("data") if isinstance(document, dict) else None
    if not isinstance(data, dict):
        raise _Invalid("'data' is required and must be an object.", "/data")
    if data.get("type") != "event":
        raise _Invalid("'type' must be 'event'.", "/data/type")
    attributes = data.get("attributes")
    if not isinstance(attributes, dict):
        raise _Invalid("'attributes' is required.", "/data/attributes")
    properties = attributes.get("properties")
    if not isinstance(properties, dict):
        raise _Invalid("'properties' is required and must be an object.", "/data/attributes/properties")
    metric = (
        ((attributes.get("metric") or {}).get("data")) if isinstance(attributes.get("metric"), dict) else None
    )
    if not isinstance(metric, dict) or metric.get("type") != "metric":
        raise _Invalid("'metric' must be a metric resource object.", "/data/attributes/metric/data")
    name = (
        (metric.get("attributes") or {}).get("name") if isinstance(metric.get("attributes"), dict) else None
    )
    if not isinstance(name, str) or not name.strip():
        raise _Invalid("The metric 'name' is required.", "/data/attributes/metric/data/attributes/name")
    profile = (
        (attributes.get("profile") or {}).get("data") if isinstance(attributes.get("profile"), dict) else None
    )
    if not isinstance(profile, dict) or profile.get("type") != "profile":
        raise _Invalid("'profile' must be a profile resource object.", "/data/attributes/profile/data")
    profile_attributes = profile.get("attributes")
    if not isinstance(profile_attributes, dict):
        raise _Invalid("profile 'attributes' are required.", "/data/attributes/profile/data/attributes")
    identity = {
        k: v
        for k, v in profile_attributes.items()
        if k in ("email", "phone_number", "external_id") and isinstance(v, str) and v
    }
    if not identity and not profile.get("id"):
        raise _Invalid(
            "One of 'email', 'phone_number', 'external_id' or the profile id is required.",
            "/data/attributes/profile/data/attributes",
        )
    time_value = attributes.get("time")
    if time_value is not None:
        try:
            datetime.fromisoformat(str(time_value).replace("Z", "+00:00"))
        except ValueError:
            raise _Invalid("'time' must be an ISO 8601 datetime.", "/data/attributes/time") from None
    value = attributes.get("value")
    if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
        raise _Invalid("'value' must be a number.", "/data/attributes/value")
    unique_id = attributes.get("unique_id")
    if unique_id is not None and not isinstance(unique_id, str):
        raise _Invalid("'unique_id' must be a string.", "/data/attributes/unique_id")
    return {
        "metric": name,
        "profile": identity,
        "properties": properties,
        "time": time_value,
        "value": value,
        "unique_id": unique_id,
    }
