"""An export's download links: ``/imports/exports/<token>``, the token signed for this
purpose only (``platform.signed_tokens``) and holding the shop, the export, which file
(0: customers, 1: history) and an expiry. A link works for ``LINK_TTL`` at most, and
never past its export's files; what it names is checked against the export's row when
it is used."""

from __future__ import annotations

from datetime import datetime

from loyalnest.contexts.imports import export_rules as rules
from loyalnest.platform import signed_tokens

DOWNLOAD_PATH = "/imports/exports/"
_PURPOSE = b"loyalnest.imports.customer-export-link.v1"


def download_url(merchant_id: int, export_id: int, file: str, expires_at: datetime) -> str:
    from loyalnest.settings import get_settings

    token = signed_tokens.sign(
        signed_tokens.purpose_key(_PURPOSE), (merchant_id, export_id, rules.FILES.index(file)), expires_at
    )
    return f"{get_settings().public_base_url.rstrip('/')}{DOWNLOAD_PATH}{token}"


def read(token: str, *, now: datetime) -> tuple[int, int, str] | None:
    """(merchant id, export id, file) of a well-formed, unexpired link of ours."""
    claim = signed_tokens.verify(signed_tokens.purpose_keys(_PURPOSE), token, arity=3, now=now)
    if claim is None:
        return None
    merchant_id, export_id, index = claim[0]
    if not 0 <= index < len(rules.FILES):
        return None
    return merchant_id, export_id, rules.FILES[index]
