"""Receiving an import's file, outside any transaction (a file of 2 GB takes a while):
from a GraphQL request (``importCustomers``, up to 50 MB) or at an upload link (a PUT,
up to 2 GB), streamed to disk encrypted, then handed to validation."""

from __future__ import annotations

from collections.abc import AsyncIterator

from loyalnest.contexts.imports import commands, links, repository, rules, storage
from loyalnest.contexts.imports.repository import ImportRecord
from loyalnest.platform.errors import DomainError
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import unit_of_work


class UploadRefused(Exception):
    """An upload link that takes no file (``status``: the HTTP answer)."""

    def __init__(self, message: str, *, status: int):
        super().__init__(message)
        self.message = message
        self.status = status


async def import_inline(
    *,
    merchant_id: int,
    source: str,
    mapping: dict[str, str],
    file_name: str | None,
    chunks: AsyncIterator[bytes],
    dry_run: bool,
    actor: str,
) -> ImportRecord:
    """An import of a file sent with the request: created, its file saved, validated
    next (then imported, unless a dry run)."""
    commands.check_source(source, mapping)
    async with unit_of_work() as uow:
        record, _ = await commands.create_upload(
            uow,
            merchant_id=merchant_id,
            source=source,
            mapping=mapping,
            file_name=file_name,
            dry_run=dry_run,
            actor=actor,
        )
    return await _received(record.merchant_id, record.id, chunks, limit=rules.MAX_INLINE_BYTES)


async def upload(token: str, chunks: AsyncIterator[bytes], *, declared_bytes: int | None) -> ImportRecord:
    """A file PUT at an upload link. Refused before a byte is read: a forged or
    expired link, one used already, a declared size over 2 GB."""
    claim = links.read_upload(token, now=utcnow())
    if claim is None:
        raise UploadRefused("this upload link is not valid or has expired", status=404)
    merchant_id, import_id = claim
    async with unit_of_work() as uow:
        record = await repository.get(uow.session, merchant_id, import_id)
    if record is None:
        raise UploadRefused("this upload link is not valid or has expired", status=404)
    if record.status != rules.AWAITING_UPLOAD:
        raise UploadRefused("this upload link was used already", status=409)
    if declared_bytes is not None and declared_bytes > rules.MAX_UPLOAD_BYTES:
        raise UploadRefused("the file is larger than 2 GB: split it", status=413)
    return await _received(merchant_id, import_id, chunks, limit=rules.MAX_UPLOAD_BYTES)


async def _received(
    merchant_id: int, import_id: int, chunks: AsyncIterator[bytes], *, limit: int
) -> ImportRecord:
    try:
        size, sha256 = await storage.save(merchant_id, import_id, chunks, limit=limit)
    except storage.TooLarge as exc:
        raise UploadRefused(str(exc), status=413) from None
    async with unit_of_work() as uow:
        if not await commands.file_received(
            uow, merchant_id=merchant_id, import_id=import_id, file_bytes=size, sha256=sha256
        ):
            storage.remove(merchant_id, import_id)
            raise DomainError("the import was not waiting for a file", code="NOT_READY")
        record = await repository.get(uow.session, merchant_id, import_id)
    assert record is not None
    return record
