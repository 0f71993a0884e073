"""Reads of segment exports: their progress, the signed download link, and the
decrypted CSV behind a valid link."""

from __future__ import annotations

import base64
import zlib
from collections.abc import Sequence

from loyalnest.contexts.analytics.dto.products import ExportDownload, SegmentExportDTO
from loyalnest.contexts.analytics.models.products import EXPORT_CONTENT
from loyalnest.contexts.analytics.repository import exports as repository
from loyalnest.contexts.analytics.rules.products import export_filename, sign_download, verify_download
from loyalnest.platform import signed_tokens
from loyalnest.platform.crypto import get_keyring
from loyalnest.platform.db import read_session
from loyalnest.platform.timeutil import utcnow

DOWNLOAD_PATH = "/analytics/exports/"
_PURPOSE = b"loyalnest.analytics.export-link.v1"


def _link_keys() -> list[bytes]:
    """The links' HMAC keys, for this purpose only (``platform.signed_tokens``): the
    current blind key's signs, any configured one's verifies, so a link handed out
    before a blind key rotation keeps working until its export expires."""
    return signed_tokens.purpose_keys(_PURPOSE)


async def get_segment_exports(merchant_id: int, export_ids: Sequence[int]) -> dict[int, SegmentExportDTO]:
    """The shop's exports by id (another shop's ids are simply absent)."""
    if not export_ids:
        return {}
    async with read_session() as session:
        return await repository.get_exports(session, merchant_id, export_ids)


async def get_segment_export(merchant_id: int, export_id: int) -> SegmentExportDTO | None:
    return (await get_segment_exports(merchant_id, [export_id])).get(export_id)


def export_download_url(export: SegmentExportDTO) -> str | None:
    """A signed link to the CSV, valid until the export expires; None until it is
    downloadable (or once it expired)."""
    if export.expires_at is None or not export.downloadable(utcnow()):
        return None
    from loyalnest.settings import get_settings

    token = sign_download(_link_keys()[0], export.merchant_id, export.id, export.expires_at)
    return f"{get_settings().public_base_url.rstrip('/')}{DOWNLOAD_PATH}{token}"


async def export_download(token: str) -> ExportDownload | None:
    """The CSV a link names, decrypted; None for a bad or expired link, or an export
    that is gone or not complete (the route answers 404 to all alike)."""
    now = utcnow()
    claim = verify_download(_link_keys(), token, now=now)
    if claim is None:
        return None
    async with read_session() as session:
        stored = await repository.stored_content(session, claim.merchant_id, claim.export_id)
    if (
        stored is None
        or stored.status != "completed"
        or stored.content_enc is None
        or stored.expires_at is None
        or stored.expires_at <= now
    ):
        return None
    packed = get_keyring().decrypt(stored.content_enc, context=EXPORT_CONTENT)
    content = zlib.decompress(base64.b64decode(packed))
    return ExportDownload(
        export_id=claim.export_id,
        segment=stored.segment,
        filename=export_filename(stored.segment, claim.export_id, stored.created_at),
        content=content,
    )
