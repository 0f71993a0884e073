"""Pure Shopify protocol rules: signatures. No I/O."""

from __future__ import annotations

import binascii
import hashlib
import hmac
from collections.abc import Iterable, Mapping, Sequence
from functools import cache


def webhook_hmac(secret: str, raw_body: bytes) -> str:
    """Base64 HMAC-SHA256 of the raw body, as Shopify sends in X-Shopify-Hmac-Sha256."""
    return _webhook_hmac_b64(_key(secret), raw_body).decode()


@cache  # the app's one or two secrets
def _key(secret: str) -> bytes:
    return secret.encode()


def _webhook_hmac_b64(key: bytes, raw_body: bytes) -> bytes:
    # hmac.digest is OpenSSL's one-shot HMAC: no HMAC object per call (this runs for
    # every delivery, thousands a second)
    return binascii.b2a_base64(hmac.digest(key, raw_body, "sha256"), newline=False)


def verify_webhook_hmac(raw_body: bytes, header_value: str | None, secrets: Iterable[str]) -> bool:
    """Constant-time check against every accepted secret (current and, during
    rotation, previous). Computed over the raw bytes: re-serialised JSON would differ."""
    if not header_value:
        return False
    presented = header_value.strip().encode()
    return any(hmac.compare_digest(_webhook_hmac_b64(_key(s), raw_body), presented) for s in secrets if s)


def app_proxy_signature(secret: str, params: Mapping[str, Sequence[str]]) -> str:
    """Hex HMAC-SHA256 of the app-proxy query (without ``signature``): parameters sorted
    by name, each as ``name=value`` with repeated values joined by commas, then
    concatenated with no separator (Shopify's documented scheme)."""
    message = "".join(
        f"{name}={','.join(values)}" for name, values in sorted(params.items()) if name != "signature"
    )
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def verify_app_proxy_signature(params: Mapping[str, Sequence[str]], secrets: Iterable[str]) -> bool:
    presented = (params.get("signature") or [""])[0].encode()
    if not presented:
        return False
    return any(hmac.compare_digest(app_proxy_signature(s, params).encode(), presented) for s in secrets if s)
