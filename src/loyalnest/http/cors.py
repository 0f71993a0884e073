"""CORS for the browsers that call the API from another origin: the dashboard's origin
and Shopify's UI-extension sandbox (https://extensions.shopifycdn.com), both sending a
session token in ``Authorization``.

Exact origins from ``LOYALNEST_CORS_ORIGINS`` (validated in settings), never "*", and
no credentials: the API authenticates by bearer token, never by cookie, so a browser
need not (and may not) send cookies cross-origin. None configured: no CORS headers, and
a preflight is refused like any other OPTIONS request (405).
"""

from __future__ import annotations

from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware

from loyalnest.settings import Settings

ALLOWED_METHODS = ("GET", "POST")
# Content-Type and Accept are safelisted by Starlette anyway; listed for the reader.
ALLOWED_HEADERS = ("Authorization", "Content-Type", "Accept")
# What App Bridge reads to retry with a fresh session token (item 6 of issue 8).
EXPOSED_HEADERS = ("X-Shopify-Retry-Invalid-Session-Request",)
# Chrome caps a cached preflight at 2 hours; each one spared is a round trip.
PREFLIGHT_MAX_AGE_SECONDS = 7200


def cors_middleware(settings: Settings) -> Middleware | None:
    origins = settings.cors_origin_list
    if not origins:
        return None
    return Middleware(
        CORSMiddleware,
        allow_origins=origins,
        allow_methods=ALLOWED_METHODS,
        allow_headers=ALLOWED_HEADERS,
        allow_credentials=False,
        expose_headers=EXPOSED_HEADERS,
        max_age=PREFLIGHT_MAX_AGE_SECONDS,
    )
