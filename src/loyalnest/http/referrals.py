"""``GET /proxy/r/{code}``: a customer's referral link, ``https://<shop>/apps/<proxy
subpath>/r/<CODE>``, as Shopify's app proxy forwards it (signed, like /proxy/graphql).

- A request Shopify did not sign (tampered, stale, or re-cut parameters): 400, nothing
  counted.
- A code that is not one of the signing shop's (unknown, another shop's) or whose
  program is off: 404 with a short page, nothing counted.
- Otherwise the click is counted (Redis only: referrals.record_click) and the visitor
  is sent on, 302, to the shop with the advocate's link discount applied
  (``/discount/REF-<CODE>?redirect=/?ref=<CODE>``), or to ``/?ref=<CODE>`` until that
  discount exists. Over the per-visitor rate the visitor is still redirected; the click
  is just not counted.

Hot path: the signature check, two in-process cache hits (the shop and the link), one
Redis call; no PostgreSQL once warm, no ORM. The 302 is ``no-store`` (every click must
reach us to be counted, and a cached redirect would be a stale one when the program is
switched off).
"""

from __future__ import annotations

import logging
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Receive, Scope, Send

from loyalnest.contexts.referrals import api as referrals
from loyalnest.http.auth import AuthError, client_address, verify_app_proxy_request

log = logging.getLogger(__name__)

PATH_PREFIX = "/proxy/r/"

_NOT_FOUND_PAGE = b"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Referral link not found</title></head>
<body style="font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222">
<h1 style="font-size:1.4rem">This referral link does not work</h1>
<p>The link is not valid, or the shop's referral program has ended. You can still visit the shop.</p>
</body></html>
"""  # noqa: E501
_NO_STORE = (b"cache-control", b"no-store")
# the shop still learns where its visitors came from (the page that shared the link),
# as it would without the redirect
_REFERRER_POLICY = (b"referrer-policy", b"strict-origin-when-cross-origin")
_NOT_FOUND_HEADERS = [
    (b"content-type", b"text/html; charset=utf-8"),
    (b"content-length", str(len(_NOT_FOUND_PAGE)).encode()),
    _NO_STORE,
]
_TEXT = [(b"content-type", b"text/plain; charset=utf-8"), _NO_STORE]
_EMPTY = (b"content-length", b"0")
_FORWARDED_FOR = b"x-forwarded-for"
_USER_AGENT = b"user-agent"


class ReferralLinkRoute:
    """The route as a plain ASGI app, like the webhook route: no Request or Response
    objects on a path that runs for every click of every shared link."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        settings = scope["app"].state.settings
        params: dict[str, list[str]] = {}
        # as Starlette parses a query string (latin-1 bytes, then percent-decoding)
        for key, value in parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True):
            params.setdefault(key, []).append(value)
        try:
            verify_app_proxy_request(params, settings, allow_extra=True)
        except AuthError as exc:
            await _answer(
                send, 400, [(b"content-type", b"text/plain; charset=utf-8"), _NO_STORE], exc.message.encode()
            )
            return
        shop_domain = params["shop"][0]  # verified: present, signed, a host name
        target = await referrals.resolve_link(shop_domain, scope["path_params"]["code"])
        if target is None or not target.enabled:
            await _answer(send, 404, _NOT_FOUND_HEADERS, _NOT_FOUND_PAGE)
            return
        forwarded_for = user_agent = None
        for name, value in scope["headers"]:
            if name == _FORWARDED_FOR:
                forwarded_for = value.decode("latin-1")
            elif name == _USER_AGENT:
                user_agent = value.decode("latin-1")[:512]
        peer = scope.get("client")
        outcome = await referrals.record_click(
            target,
            client_ip=client_address(forwarded_for, peer[0] if peer else None),
            user_agent=user_agent or "",
        )
        headers = [(b"location", outcome.location.encode("latin-1")), _NO_STORE, _REFERRER_POLICY, _EMPTY]
        await _answer(send, 302, headers, b"")


async def _answer(send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})


referral_link = ReferralLinkRoute()


class ReferralLinksFirst:
    """GETs of a referral link go straight to the route, ahead of Starlette's router and
    middleware (as Shopify webhooks do, http/webhooks.py): on a path that runs for every
    click of every shared link they were about a sixth of the API's CPU per redirect
    (``bench referrals``). Anything else, including other methods on the path (405) and
    paths with more segments (404), goes through ``app``. Stands in for Starlette's error
    middleware: an unexpected error is logged and answered 500."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            path: str = scope["path"]
            root: str = scope.get("root_path", "")
            if root and path.startswith(root):
                path = path[len(root) :]
            if path.startswith(PATH_PREFIX):
                code = path[len(PATH_PREFIX) :]
                if code and "/" not in code:
                    scope["path_params"] = {"code": code}
                    try:
                        await referral_link(scope, receive, send)
                    except Exception:
                        log.exception("referral link failed")
                        await _answer(send, 500, _TEXT, b"internal server error")
                    return
        await self.app(scope, receive, send)


def serve_referral_links_first(app: ASGIApp) -> ASGIApp:
    """``app`` with referral links served ahead of it (app.py)."""
    return ReferralLinksFirst(app)
