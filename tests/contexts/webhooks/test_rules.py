"""Shopify signatures: webhook HMAC and app-proxy signatures."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loyalnest.contexts.webhooks import rules

# The session's Dramatiq worker threads (started by other tests) draw from the global
# `random` while hypothesis generates examples here; hypothesis sees the global state
# move and blames the strategies. Nothing in these strategies uses `random`.
pytestmark = pytest.mark.filterwarnings(
    "ignore:Do not use the `random` module inside strategies:hypothesis.errors.HypothesisDeprecationWarning"
)

SECRET = "current-secret"
PREVIOUS = "previous-secret"


def _reference_hmac(secret: str, body: bytes) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


class TestWebhookHmac:
    def test_matches_shopifys_scheme(self):
        body = b'{"id": 1}'
        assert rules.webhook_hmac(SECRET, body) == _reference_hmac(SECRET, body)

    def test_current_and_previous_secret_accepted(self):
        body = b'{"id": 1}'
        assert rules.verify_webhook_hmac(body, _reference_hmac(SECRET, body), [SECRET, PREVIOUS])
        assert rules.verify_webhook_hmac(body, _reference_hmac(PREVIOUS, body), [SECRET, PREVIOUS])

    def test_other_secret_missing_header_and_empty_secrets_refused(self):
        body = b'{"id": 1}'
        assert not rules.verify_webhook_hmac(body, _reference_hmac("other", body), [SECRET, PREVIOUS])
        assert not rules.verify_webhook_hmac(body, None, [SECRET])
        assert not rules.verify_webhook_hmac(body, "", [SECRET])
        # an empty secret must never verify anything, not even an HMAC made with ""
        assert not rules.verify_webhook_hmac(body, _reference_hmac("", body), ["", None])  # type: ignore[list-item]

    def test_signature_covers_the_raw_bytes(self):
        signed = _reference_hmac(SECRET, b'{"id":1}')
        assert not rules.verify_webhook_hmac(b'{"id": 1}', signed, [SECRET])

    def test_surrounding_whitespace_in_the_header_is_tolerated(self):
        body = b"{}"
        assert rules.verify_webhook_hmac(body, f"  {_reference_hmac(SECRET, body)} ", [SECRET])

    @given(body=st.binary(max_size=256), flip=st.integers(0, 255))
    def test_property_any_changed_byte_fails(self, body, flip):
        signature = _reference_hmac(SECRET, body)
        assert rules.verify_webhook_hmac(body, signature, [SECRET])
        tampered = body + b"x" if not body else bytes([body[0] ^ (flip or 1)]) + body[1:]
        assert not rules.verify_webhook_hmac(tampered, signature, [SECRET])


class TestAppProxySignature:
    def _signed(self, secret: str, params: dict[str, list[str]]) -> dict[str, list[str]]:
        message = "".join(f"{k}={','.join(v)}" for k, v in sorted(params.items()))
        return {
            **params,
            "signature": [hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()],
        }

    def test_documented_scheme_with_repeated_values(self):
        params = {"shop": ["a.myshopify.com"], "ids": ["1", "2"], "timestamp": ["1700000000"]}
        signed = self._signed(SECRET, params)
        assert rules.verify_app_proxy_signature(signed, [SECRET])
        assert rules.verify_app_proxy_signature(self._signed(PREVIOUS, params), [SECRET, PREVIOUS])

    def test_tampered_or_unsigned_refused(self):
        params = {"shop": ["a.myshopify.com"], "logged_in_customer_id": ["5"]}
        signed = self._signed(SECRET, params)
        signed["logged_in_customer_id"] = ["6"]
        assert not rules.verify_app_proxy_signature(signed, [SECRET])
        assert not rules.verify_app_proxy_signature(params, [SECRET])
