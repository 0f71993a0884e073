"""The privacy context's links: an archive's download link (staff's, and the customer's
when they asked themselves) and the link that confirms a customer's own request. Both
carry their own authorisation (``platform.signed_tokens``: the shop and the request,
signed, with an expiry); each has its own key, so neither opens the other's door."""

from __future__ import annotations

from datetime import datetime

from loyalnest.platform import signed_tokens

DOWNLOAD_PATH = "/privacy/exports/"
CONFIRM_PATH = "/privacy/confirm/"
_DOWNLOAD = b"loyalnest.privacy.export-link.v1"
_CONFIRM = b"loyalnest.privacy.confirm-link.v1"


def _base() -> str:
    from loyalnest.settings import get_settings

    return get_settings().public_base_url.rstrip("/")


def download_url(merchant_id: int, request_id: int, expires_at: datetime) -> str:
    token = signed_tokens.sign(signed_tokens.purpose_key(_DOWNLOAD), (merchant_id, request_id), expires_at)
    return f"{_base()}{DOWNLOAD_PATH}{token}"


def confirm_url(merchant_id: int, request_id: int, expires_at: datetime) -> str:
    token = signed_tokens.sign(signed_tokens.purpose_key(_CONFIRM), (merchant_id, request_id), expires_at)
    return f"{_base()}{CONFIRM_PATH}{token}"


def read_download(token: str, *, now: datetime) -> tuple[int, int] | None:
    """(shop, request) of a valid, unexpired download token; None otherwise."""
    return _read(_DOWNLOAD, token, now)


def read_confirm(token: str, *, now: datetime) -> tuple[int, int] | None:
    """(shop, request) of a valid, unexpired confirmation token; None otherwise."""
    return _read(_CONFIRM, token, now)


def _read(purpose: bytes, token: str, now: datetime) -> tuple[int, int] | None:
    claim = signed_tokens.verify(signed_tokens.purpose_keys(purpose), token, arity=2, now=now)
    if claim is None:
        return None
    merchant_id, request_id = claim[0]
    return merchant_id, request_id
