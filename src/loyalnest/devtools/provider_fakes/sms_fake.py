"""``SmsFake``: an SMS provider on loopback speaking both API styles LoyalNest sends
through.

- Twilio: ``POST /2010-04-01/Accounts/{sid}/Messages.json``, form-encoded ``To``,
  ``From`` (or ``MessagingServiceSid``) and ``Body``, HTTP basic auth ``sid:token``
  with the same SID as the path (401 code 20003 otherwise); 400 code 21604/21603/
  21602 for a missing To/From/Body, 21211 for a To that is not E.164; 201 with the
  message resource (``sid`` ``SM...``, ``status`` ``queued``). ``GET
  /2010-04-01/Accounts/{sid}.json`` answers the account (``check_sms``).
- Postscript: ``POST /api/v2/events`` with ``Authorization: Bearer <key>`` and a
  JSON body ``{type, phone | email | subscriber_id, properties, unique_id?}``
  (401 / 400 otherwise); 201 with the event ``id``; a repeated ``unique_id`` is
  accepted and dropped.

Switches shared by both styles (one per request, in order): ``fail_next(n,
status=503)``, ``throttle_next(n, retry_after=1)``, ``delay_next(n, seconds=...)``;
``stop()`` for "down". Every accepted message is in ``messages``.
"""

from __future__ import annotations

import base64
import re
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from loyalnest.devtools.provider_fakes._server import LoopbackHttpFake, json_response

DEV_TWILIO_SID = "AC" + "0" * 32
DEV_TWILIO_TOKEN = "loyalnest-dev-token"
DEV_POSTSCRIPT_KEY = "sk_loyalnest_dev"
_E164 = re.compile(r"^\+[1-9]\d{6,14}$")


@dataclass(frozen=True)
class RecordedSms:
    style: str  # "twilio" | "postscript"
    to: str
    body: str  # Twilio's Body; Postscript's properties.text
    sender: str | None = None  # Twilio's From / MessagingServiceSid
    account: str | None = None  # Twilio's Account SID
    event_type: str | None = None  # Postscript's type
    properties: dict[str, Any] = field(default_factory=dict)
    unique_id: str | None = None
    id: str = ""


@dataclass(frozen=True)
class RecordedCall:
    method: str
    path: str
    status: int


def _twilio_error(status: int, code: int, message: str) -> dict[str, Any]:
    return {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }


class SmsFake(LoopbackHttpFake):
    name = "SMS fake"

    def __init__(
        self,
        *,
        twilio_accounts: dict[str, str] | None = None,
        postscript_keys: tuple[str, ...] = (DEV_POSTSCRIPT_KEY,),
        host: str = "127.0.0.1",
        port: int = 0,
    ):
        super().__init__(host=host, port=port)
        self.twilio_accounts = dict(twilio_accounts or {DEV_TWILIO_SID: DEV_TWILIO_TOKEN})
        self.postscript_keys = set(postscript_keys)
        self.messages: list[RecordedSms] = []
        self.calls: list[RecordedCall] = []
        self.duplicates = 0
        self._seen: set[str] = set()

    def routes(self) -> list[Route]:
        return [
            Route("/2010-04-01/Accounts/{sid}/Messages.json", self._twilio_send, methods=["POST"]),
            Route("/2010-04-01/Accounts/{sid}.json", self._twilio_account, methods=["GET"]),
            Route("/api/v2/events", self._postscript_event, methods=["POST"]),
        ]

    def error_body(self, status: int) -> Any:
        if status == 429:
            return _twilio_error(429, 20429, "Too Many Requests")
        return _twilio_error(status, 20500 if status >= 500 else 20001, f"HTTP {status}")

    def reset(self) -> None:
        with self._lock:
            self.messages.clear()
            self.calls.clear()
            self._seen.clear()
            self.duplicates = 0
            self._new_generation()

    def _record(self, request: Request, status: int) -> None:
        with self._lock:
            if not self._stale():
                self.calls.append(RecordedCall(request.method, request.url.path, status))

    # --- Twilio -------------------------------------------------------------------------

    def _twilio_auth(self, request: Request) -> Response | None:
        header = request.headers.get("authorization", "")
        scheme, _, encoded = header.partition(" ")
        try:
            user, _, password = base64.b64decode(encoded).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            user = password = ""
        sid = request.path_params["sid"]
        if scheme.lower() != "basic" or user != sid or self.twilio_accounts.get(sid) != password:
            return json_response(_twilio_error(401, 20003, "Authenticate"), 401)
        return None

    async def _twilio_account(self, request: Request) -> Response:
        answer = await self.take_fault() or self._twilio_auth(request)
        if answer is None:
            sid = request.path_params["sid"]
            answer = json_response({"sid": sid, "status": "active", "friendly_name": "LoyalNest fake"}, 200)
        self._record(request, answer.status_code)
        return answer

    async def _twilio_send(self, request: Request) -> Response:
        answer = await self.take_fault() or self._twilio_auth(request)
        if answer is None:
            answer = await self._twilio_message(request)
        self._record(request, answer.status_code)
        return answer

    async def _twilio_message(self, request: Request) -> Response:
        if (
            request.headers.get("content-type", "").split(";")[0].strip()
            != "application/x-www-form-urlencoded"
        ):
            return json_response(_twilio_error(400, 20001, "Body must be form-encoded"), 400)
        # parsed here: Starlette's form parser needs python-multipart, not a dependency
        form = {k: v[0] for k, v in parse_qs((await request.body()).decode(), keep_blank_values=True).items()}
        to = form.get("To", "")
        sender = form.get("From") or form.get("MessagingServiceSid") or ""
        body = form.get("Body", "")
        if not to:
            return json_response(_twilio_error(400, 21604, "A 'To' phone number is required."), 400)
        if not sender:
            return json_response(_twilio_error(400, 21603, "A 'From' phone number is required."), 400)
        if not body:
            return json_response(_twilio_error(400, 21602, "Message body is required."), 400)
        if not _E164.match(to):
            return json_response(
                _twilio_error(400, 21211, f"The 'To' number {to} is not a valid phone number."), 400
            )
        sid = "SM" + uuid.uuid4().hex
        account = request.path_params["sid"]
        with self._lock:
            if not self._stale():
                self.messages.append(
                    RecordedSms(style="twilio", to=to, body=body, sender=sender, account=account, id=sid)
                )
        return json_response(
            {
                "sid": sid,
                "account_sid": account,
                "to": to,
                "from": sender,
                "body": body,
                "status": "queued",
                "num_segments": "1",
                "direction": "outbound-api",
                "uri": f"/2010-04-01/Accounts/{account}/Messages/{sid}.json",
            },
            201,
        )

    # --- Postscript -----------------------------------------------------------------------

    async def _postscript_event(self, request: Request) -> Response:
        answer = await self.take_fault()
        if answer is None:
            answer = await self._postscript(request)
        self._record(request, answer.status_code)
        return answer

    async def _postscript(self, request: Request) -> Response:
        scheme, _, key = request.headers.get("authorization", "").partition(" ")
        if scheme != "Bearer" or key.strip() not in self.postscript_keys:
            return json_response({"error": "Unauthorized: invalid API key"}, 401)
        try:
            body = orjson.loads(await request.body())
        except orjson.JSONDecodeError:
            return json_response({"error": "Malformed JSON"}, 400)
        if not isinstance(body, dict):
            return json_response({"error": "Body must be an object"}, 400)
        event_type = body.get("type")
        if not isinstance(event_type, str) or not event_type:
            return json_response({"error": "'type' is required"}, 400)
        to = body.get("phone") or body.get("email") or body.get("subscriber_id")
        if not isinstance(to, str) or not to:
            return json_response({"error": "One of 'phone', 'email' or 'subscriber_id' is required"}, 400)
        if "phone" in body and not _E164.match(str(body["phone"])):
            return json_response({"error": "'phone' must be an E.164 number"}, 400)
        properties = body.get("properties") or {}
        if not isinstance(properties, dict):
            return json_response({"error": "'properties' must be an object"}, 400)
        unique_id = body.get("unique_id")
        event_id = "evt_" + uuid.uuid4().hex
        with self._lock:
            if self._stale():
                pass  # began before the last reset(): answered, not recorded
            elif isinstance(unique_id, str) and unique_id in self._seen:
                self.duplicates += 1
            else:
                if isinstance(unique_id, str):
                    self._seen.add(unique_id)
                self.messages.append(
                    RecordedSms(
                        style="postscript",
                        to=to,
                        body=str(properties.get("text", "")),
                        event_type=event_type,
                        properties=properties,
                        unique_id=unique_id if isinstance(unique_id, str) else None,
                        id=event_id,
                    )
                )
        return json_response({"id": event_id, "type": event_type}, 201)
