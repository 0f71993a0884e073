"""Reads of customer exports: a shop's exports, one export, its download links and
the file behind a valid link (each in a short read session of its own)."""

from __future__ import annotations

from datetime import datetime

from loyalnest.contexts.audit import api as audit
from loyalnest.contexts.imports import export_links as links
from loyalnest.contexts.imports import export_repository as repository
from loyalnest.contexts.imports import export_rules as rules
from loyalnest.contexts.imports import export_storage as storage
from loyalnest.contexts.imports.export_dto import (
    CustomerExportDTO,
    CustomerExportPage,
    ExportDownload,
    to_dto,
)
from loyalnest.platform.db import read_session
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import unit_of_work

MAX_PAGE = 100


async def list_exports(merchant_id: int, *, first: int = 20, after: int | None = None) -> CustomerExportPage:
    """The shop's exports, newest first."""
    async with read_session() as session:
        rows, has_next = await repository.list_page(
            session, merchant_id, first=min(first, MAX_PAGE), after=after
        )
    return CustomerExportPage(tuple(to_dto(r) for r in rows), has_next)


async def count_exports(merchant_id: int) -> int:
    async with read_session() as session:
        return await repository.count(session, merchant_id)


async def get_export(merchant_id: int, export_id: int) -> CustomerExportDTO | None:
    async with read_session() as session:
        row = await repository.get_export(session, merchant_id, export_id)
    return None if row is None else to_dto(row)


def download_url(export: CustomerExportDTO, file: str = rules.CUSTOMERS_FILE) -> str | None:
    """A link to one of the export's files, valid ``LINK_TTL`` (never past the files'
    expiry); None until it is completed, once it expired, or for a history it does not
    have."""
    now = utcnow()
    if not export.downloadable(now) or (file == rules.HISTORY_FILE and not export.include_history):
        return None
    assert export.expires_at is not None
    return links.download_url(
        export.merchant_id, export.id, file, min(export.expires_at, now + rules.LINK_TTL)
    )


def eta(export: CustomerExportDTO, now: datetime) -> datetime | None:
    return rules.eta(export.status, export.rows_done, export.rows_total, export.started_at, now)


async def open_download(token: str) -> ExportDownload | None:
    """The file a link names, opened for reading; None for a forged or expired link,
    or an export that is not completed, expired, or has no such file (the route
    answers 404 to all alike)."""
    now = utcnow()
    claim = links.read(token, now=now)
    if claim is None:
        return None
    merchant_id, export_id, file = claim
    export = await get_export(merchant_id, export_id)
    if export is None or not export.downloadable(now):
        return None
    if file == rules.HISTORY_FILE and not export.include_history:
        return None
    stream = storage.open_file(merchant_id, export_id, file)
    if stream is None:
        return None
    return ExportDownload(
        merchant_id=merchant_id,
        export_id=export_id,
        file=file,
        filename=rules.file_name(export.format, export.id, export.created_at, file),
        chunks=storage.chunks_of(stream),
    )


async def note_download(download: ExportDownload) -> None:
    """A file was downloaded: the audit trail says when and which (a copy of every
    customer's data left the system), not by whom: the link is the only credential."""
    async with unit_of_work() as uow:
        await audit.record(
            uow,
            merchant_id=download.merchant_id,
            actor="download-link",
            action="imports.customer_export.downloaded",
            target_type="CustomerExport",
            target_id=str(download.export_id),
            details={"file": download.file},
        )
