"""POST /webhooks/reviews/{provider}: a review app (Judge.me, Yotpo) tells us a review
was written; a published product review earns the review rule's points.

The shop is named by the ``shop`` query parameter (or the X-LoyalNest-Shop-Domain
header) and the body is signed with that shop's review-webhook secret (HMAC-SHA256 of
the raw body, base64 or hex, in X-LoyalNest-Hmac-Sha256). Checks run cheapest first and
before anything is written: size (413), a well-formed signature (401), a well-formed
shop domain (400), shop (404 unknown), signature (401), JSON and fields (400). A
reviewer we do not know, an unpublished review, or a rule switched off is a 200 that
awards nothing.

The secret that verifies the signature is the shop's, so the shop must be looked up
first; everything that can be refused without the database is refused before that
lookup, and a lookup of a shop we do not know leaves nothing behind (no cached miss for
a name an unauthenticated caller chose).

Processed inline, unlike Shopify's webhooks: the work is one small transaction (an
email blind-index lookup and at most one ledger posting, no outside calls), about what
storing an inbox row costs, and review traffic is a trickle next to orders. Queueing it
would mean keeping the reviewer's email at rest for a worker. A failure answers 5xx,
the review app retries, and the award's key (customer and product) makes that safe.
"""

from __future__ import annotations

import base64
import binascii
import re

import orjson
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from loyalnest.contexts.earning import api as earning
from loyalnest.contexts.merchants import api as merchants
from loyalnest.http.webhooks import BodyTooLarge, read_capped
from loyalnest.platform.errors import ValidationFailed
from loyalnest.platform.metrics import WEBHOOKS
from loyalnest.settings import Settings

SHOP_HEADER = "x-loyalnest-shop-domain"
_HEX_DIGEST = re.compile(r"[0-9a-fA-F]{64}")


def _is_sha256_signature(header: str) -> bool:
    """Whether the header could be an HMAC-SHA256 at all (base64 or hex, optionally
    "sha256="-prefixed), so garbage is refused before the shop is looked up."""
    given = header.strip()
    if given[:7].lower() == "sha256=":
        given = given[7:]
    if _HEX_DIGEST.fullmatch(given):
        return True
    if len(given) != 44:
        return False
    try:
        return len(base64.b64decode(given, validate=True)) == 32
    except binascii.Error:
        return False


def _answer(status: int, body: dict[str, str], provider: str, outcome: str) -> JSONResponse:
    WEBHOOKS.labels(topic=f"reviews/{provider}", outcome=outcome).inc()
    return JSONResponse(body, status_code=status)


async def review_webhook(request: Request) -> Response:
    settings: Settings = request.app.state.settings
    provider = str(request.path_params.get("provider", ""))
    if provider not in earning.REVIEW_PROVIDERS:
        return _answer(404, {"error": "unknown review provider"}, "unknown", "unknown_provider")
    try:
        body = await read_capped(request, settings.webhook_max_body_bytes)
    except BodyTooLarge:
        return _answer(413, {"error": "body larger than allowed"}, provider, "too_large")
    signature = request.headers.get(earning.REVIEW_SIGNATURE_HEADER)
    if not signature:
        return _answer(
            401, {"error": f"{earning.REVIEW_SIGNATURE_HEADER} header missing"}, provider, "bad_signature"
        )
    if not _is_sha256_signature(signature):
        return _answer(401, {"error": "invalid HMAC signature"}, provider, "bad_signature")
    shop_param = request.query_params.get("shop") or request.headers.get(SHOP_HEADER) or ""
    if not shop_param.strip():
        return _answer(400, {"error": "shop parameter missing"}, provider, "bad_request")
    try:
        shop_domain = merchants.normalise_shop_domain(shop_param[:300])
    except ValidationFailed:
        return _answer(400, {"error": "shop must be a myshopify.com domain"}, provider, "bad_request")
    merchant = await merchants.get_by_domain_cached(shop_domain)
    if merchant is None or not merchant.active:
        return _answer(404, {"error": "unknown shop"}, provider, "unknown_shop")
    if not await earning.verify_review_signature(merchant.id, body, signature):
        return _answer(401, {"error": "invalid HMAC signature"}, provider, "bad_signature")
    try:
        payload = orjson.loads(body)
    except orjson.JSONDecodeError:
        return _answer(400, {"error": "body is not valid JSON"}, provider, "bad_json")
    try:
        facts = earning.parse_review(provider, payload)
    except earning.ReviewPayloadError as exc:
        return _answer(400, {"error": str(exc)}, provider, "bad_request")
    outcome = await earning.award_review(merchant.id, facts)
    return _answer(200, {"status": outcome}, provider, outcome)
