"""The imports context's links: a large file's upload link (staff ask for it, then PUT
the file there) and an import's error report. Each carries its own authorisation
(``platform.signed_tokens``: the shop, the import and an expiry, one key per purpose)."""

from __future__ import annotations

from datetime import datetime

from loyalnest.platform import signed_tokens

UPLOAD_PATH = "/imports/uploads/"
REPORT_PATH = "/imports/errors/"
_UPLOAD = b"loyalnest.imports.upload-link.v1"
# the points-history file's own link (the same path: the purpose tells the file)
_HISTORY_UPLOAD = b"loyalnest.imports.history-upload-link.v1"
_REPORT = b"loyalnest.imports.error-report.v1"


def _base() -> str:
    from loyalnest.settings import get_settings

    return get_settings().public_base_url.rstrip("/")


def upload_url(merchant_id: int, import_id: int, expires_at: datetime) -> str:
    token = signed_tokens.sign(signed_tokens.purpose_key(_UPLOAD), (merchant_id, import_id), expires_at)
    return f"{_base()}{UPLOAD_PATH}{token}"


def history_upload_url(merchant_id: int, import_id: int, expires_at: datetime) -> str:
    token = signed_tokens.sign(
        signed_tokens.purpose_key(_HISTORY_UPLOAD), (merchant_id, import_id), expires_at
    )
    return f"{_base()}{UPLOAD_PATH}{token}"


def report_url(merchant_id: int, import_id: int, expires_at: datetime) -> str:
    token = signed_tokens.sign(signed_tokens.purpose_key(_REPORT), (merchant_id, import_id), expires_at)
    return f"{_base()}{REPORT_PATH}{token}"


def read_upload(token: str, *, now: datetime) -> tuple[int, int] | None:
    return _read(_UPLOAD, token, now)


def read_history_upload(token: str, *, now: datetime) -> tuple[int, int] | None:
    return _read(_HISTORY_UPLOAD, token, now)


def read_report(token: str, *, now: datetime) -> tuple[int, int] | None:
    return _read(_REPORT, token, now)


def _read(purpose: bytes, token: str, now: datetime) -> tuple[int, int] | None:
    claim = signed_tokens.verify(signed_tokens.purpose_keys(purpose), token, arity=2, now=now)
    if claim is None:
        return None
    merchant_id, import_id = claim[0]
    return merchant_id, import_id
