"""Headers every HTTP response carries, as the outermost ASGI middleware (outside
Starlette's error handler, so a 500 carries them too).

- ``X-Content-Type-Options: nosniff``: a browser never guesses a type other than the
  one declared (a JSON error echoing input cannot be sniffed into HTML).
- ``Content-Security-Policy: frame-ancestors ...``: only Shopify admin (and a shop's own
  admin domain) may frame our pages, as Shopify requires of embedded apps. A page with
  a policy of its own (GraphiQL's, which allows scripts only from the app) keeps it,
  with this rule added.
- ``Cache-Control: no-store``: GraphQL answers carry customers' PII and reward discount
  codes; no browser or proxy cache may keep them. Applied to every response that does
  not choose its own caching (static assets may), so no route can forget it.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

FRAME_ANCESTORS = "frame-ancestors https://*.myshopify.com https://admin.shopify.com"


_NOSNIFF = (b"x-content-type-options", b"nosniff")
_CSP = b"content-security-policy"
_FRAME_ANCESTORS = FRAME_ANCESTORS.encode()
_NO_STORE = (b"cache-control", b"no-store")


def _with_security_headers(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    # Raw header pairs rather than MutableHeaders: this runs on every response, the
    # webhook route's thousands a second included.
    out: list[tuple[bytes, bytes]] = []
    has_policy = has_cache_control = False
    for name, value in headers:
        lowered = name.lower()
        if lowered == b"x-content-type-options":
            continue
        if lowered == _CSP:
            has_policy = True
            # a route with a policy of its own (a page with scripts) keeps it, framed
            # by the same rule
            if b"frame-ancestors" not in value:
                value = value.rstrip(b"; ") + b"; " + _FRAME_ANCESTORS
        elif lowered == b"cache-control":
            has_cache_control = True
        out.append((name, value))
    out.append(_NOSNIFF)
    if not has_policy:
        out.append((_CSP, _FRAME_ANCESTORS))
    if not has_cache_control:
        out.append(_NO_STORE)
    return out


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = _with_security_headers(message.get("headers", []))
            await send(message)

        await self.app(scope, receive, send_with_headers)
