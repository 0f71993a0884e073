"""Receiving an import's file, outside any transaction (a file of 2 GB takes a while):
from a GraphQL request (``importCustomers``, up to 50 MB) or at an upload link (a PUT,
up to 2 GB), streamed to disk encrypted, then handed to validation."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

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


@dataclass(frozen=True)
class SentFile:
    """A file sent with a request: its name and its bytes as they arrive."""

    name: str | None
    chunks: AsyncIterator[bytes]


async def import_inline(
    *,
    merchant_id: int,
    source: str,
    mapping: dict[str, str],
    file_name: str | None,
    chunks: AsyncIterator[bytes],
    dry_run: bool,
    actor: str,
    history: SentFile | None = None,
    create_tiers: bool = False,
) -> ImportRecord:
    """An import of a file sent with the request (and, optionally, of the customers'
    points history beside it): created, its files saved, validated next (then
    imported, unless a dry run)."""
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
            create_tiers=create_tiers,
        )
    history_sha256 = None
    if history is not None:
        try:
            size, history_sha256 = await storage.save(
                merchant_id, record.id, history.chunks, limit=rules.MAX_INLINE_BYTES, part=storage.HISTORY
            )
        except storage.TooLarge as exc:
            raise UploadRefused(str(exc), status=413) from None
        async with unit_of_work() as uow:
            await repository.history_received(
                uow.session,
                merchant_id,
                record.id,
                file_name=history.name,
                file_bytes=size,
                sha256=history_sha256,
            )
    try:
        return await _received(
            record.merchant_id, record.id, chunks, limit=rules.MAX_INLINE_BYTES, history_sha256=history_sha256
        )
    except UploadRefused:
        storage.remove(merchant_id, record.id)  # no link leads back to it: its history goes too
        raise


async def upload(
    token: str, chunks: AsyncIterator[bytes], *, declared_bytes: int | None, file_name: str | None = None
) -> ImportRecord:
    """A file PUT at an upload link: the customer file's, or the points history's
    (``createImportUpload(withHistory: true)``; it goes first, since the customer file
    starts validation). Refused before a byte is read: a forged or expired link, one
    used already, a declared size over 2 GB, a customer file whose history has not come."""
    now = utcnow()
    claim, part = links.read_upload(token, now=now), storage.CUSTOMERS
    if claim is None:
        claim, part = links.read_history_upload(token, now=now), storage.HISTORY
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
    if part == storage.HISTORY:
        if record.history_sha256 is not None:
            raise UploadRefused("this upload link was used already", status=409)
        return await _history_received(merchant_id, import_id, chunks, file_name)
    if record.expects_history and record.history_sha256 is None:
        raise UploadRefused("send the points history to its link first", status=409)
    return await _received(
        merchant_id,
        import_id,
        chunks,
        limit=rules.MAX_UPLOAD_BYTES,
        history_sha256=record.history_sha256,
    )


async def _history_received(
    merchant_id: int, import_id: int, chunks: AsyncIterator[bytes], file_name: str | None
) -> ImportRecord:
    try:
        received = await storage.receive(
            merchant_id, import_id, chunks, limit=rules.MAX_UPLOAD_BYTES, part=storage.HISTORY
        )
    except storage.TooLarge as exc:
        raise UploadRefused(str(exc), status=413) from None
    async with unit_of_work() as uow:
        # the link is claimed first, then the file put in place: a second upload racing on
        # the same link loses the claim and leaves the winner's file alone
        if not await repository.history_received(
            uow.session,
            merchant_id,
            import_id,
            file_name=file_name or "points-history.csv",
            file_bytes=received.size,
            sha256=received.sha256,
        ):
            storage.discard(received)
            raise UploadRefused("this upload link was used already", status=409)
        storage.keep(received, merchant_id, import_id, storage.HISTORY)
        record = await repository.get(uow.session, merchant_id, import_id)
    assert record is not None
    return record


async def _received(
    merchant_id: int,
    import_id: int,
    chunks: AsyncIterator[bytes],
    *,
    limit: int,
    history_sha256: str | None = None,
) -> ImportRecord:
    try:
        received = await storage.receive(merchant_id, import_id, chunks, limit=limit)
    except storage.TooLarge as exc:
        raise UploadRefused(str(exc), status=413) from None
    sha256 = received.sha256
    if history_sha256 is not None:
        # what the import's postings are keyed by: both files (another history of the
        # same customers is another import)
        sha256 = hashlib.sha256(f"{sha256}:{history_sha256}".encode()).hexdigest()
    async with unit_of_work() as uow:
        # claimed, then put in place before the commit lets validation read it; a loser
        # of a race on the link drops its own file only
        if not await commands.file_received(
            uow, merchant_id=merchant_id, import_id=import_id, file_bytes=received.size, sha256=sha256
        ):
            storage.discard(received)
            raise DomainError("the import was not waiting for a file", code="NOT_READY")
        storage.keep(received, merchant_id, import_id)
        record = await repository.get(uow.session, merchant_id, import_id)
    assert record is not None
    return record
