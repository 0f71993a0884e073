"""Reads of the privacy context: the request log (staff's list, a customer's own), an
archive behind its download link, the shop's retention limits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from loyalnest.contexts.privacy import archive, commands, links, rules
from loyalnest.contexts.privacy.models import EXPORT_CONTENT
from loyalnest.contexts.privacy.repository import exports, requests, settings
from loyalnest.contexts.privacy.repository.requests import RequestRow
from loyalnest.platform.crypto import get_keyring
from loyalnest.platform.db import read_session
from loyalnest.platform.timeutil import utcnow

MAX_PAGE = 100


@dataclass(frozen=True, slots=True)
class ExportDTO:
    download_url: str
    expires_at: datetime
    bytes: int


@dataclass(frozen=True, slots=True)
class PrivacyRequestDTO:
    id: int
    type: str
    source: str
    status: str
    shopify_customer_id: int | None
    received_at: datetime
    due_at: datetime
    overdue: bool
    confirmed_at: datetime | None
    started_at: datetime | None
    completed_at: datetime | None
    retention_expires_at: datetime | None
    attempts: int
    last_error: str | None
    outcome: str | None
    result: dict[str, Any]
    # the archive of a completed data request, while it is kept
    export: ExportDTO | None


@dataclass(frozen=True, slots=True)
class PrivacyRequestPage:
    items: tuple[PrivacyRequestDTO, ...]
    has_next: bool


@dataclass(frozen=True, slots=True)
class ExportDownload:
    request_id: int
    merchant_id: int
    filename: str
    content: bytes


def _dto(row: RequestRow, export: tuple[datetime, int] | None, now: datetime) -> PrivacyRequestDTO:
    outcome = row.result.get("outcome")
    return PrivacyRequestDTO(
        id=row.id,
        type=row.type,
        source=row.source,
        status=row.status,
        shopify_customer_id=row.customer_ref,
        received_at=row.received_at,
        due_at=row.due_at,
        overdue=rules.overdue(row.status, row.due_at, now),
        confirmed_at=row.confirmed_at,
        started_at=row.started_at,
        completed_at=row.completed_at,
        retention_expires_at=row.retention_expires_at,
        attempts=row.attempts,
        last_error=row.last_error,
        outcome=None if outcome is None else str(outcome),
        result=row.result,
        export=None
        if export is None or export[0] <= now
        else ExportDTO(links.download_url(row.merchant_id, row.id, export[0]), export[0], export[1]),
    )


def describe(row: RequestRow) -> PrivacyRequestDTO:
    """A request just written (in the caller's transaction), without its archive."""
    return _dto(row, None, utcnow())


async def _with_exports(merchant_id: int, rows: Sequence[RequestRow]) -> list[PrivacyRequestDTO]:
    now = utcnow()
    async with read_session() as session:
        stored = await exports.expiries(
            session, merchant_id, [r.id for r in rows if r.type == rules.DATA_REQUEST]
        )
    return [_dto(row, stored.get(row.id), now) for row in rows]


async def list_requests(
    merchant_id: int,
    *,
    status: str | None = None,
    type: str | None = None,
    shopify_customer_id: int | None = None,
    first: int = 20,
    after: int | None = None,
) -> PrivacyRequestPage:
    """The shop's requests, newest first (a customer's own, with ``shopify_customer_id``)."""
    async with read_session() as session:
        rows, has_next = await requests.list_page(
            session,
            merchant_id,
            status=status,
            type=type,
            customer_ref=shopify_customer_id,
            first=min(first, MAX_PAGE),
            after=after,
        )
    return PrivacyRequestPage(tuple(await _with_exports(merchant_id, rows)), has_next)


async def count_requests(merchant_id: int, *, status: str | None = None, type: str | None = None) -> int:
    async with read_session() as session:
        return await requests.count(session, merchant_id, status=status, type=type)


async def get_request(merchant_id: int, request_id: int) -> PrivacyRequestDTO | None:
    async with read_session() as session:
        row = await requests.get(session, merchant_id, request_id)
    return None if row is None else (await _with_exports(merchant_id, [row]))[0]


async def link_request(token: str) -> str:
    """What a confirmation link would confirm (the request's type), read without
    changing anything: the page a GET shows (``commands.LinkRefused`` as a POST would)."""
    async with read_session() as session:
        request = await commands.request_of_link(session, token, now=utcnow())
    return request.type


async def export_download(token: str) -> ExportDownload | None:
    """The archive a download link names, decrypted; None for a forged or expired link,
    or an archive that is gone (the route answers 404 to all alike)."""
    now = utcnow()
    claim = links.read_download(token, now=now)
    if claim is None:
        return None
    merchant_id, request_id = claim
    async with read_session() as session:
        stored = await exports.get(session, merchant_id, request_id)
        request = await requests.get(session, merchant_id, request_id)
    if stored is None or request is None or stored.expires_at <= now:
        return None
    content = get_keyring().decrypt_bytes(stored.content_enc, context=EXPORT_CONTENT)
    return ExportDownload(request_id, merchant_id, archive.filename(request.shop_domain, request_id), content)


async def retention_settings(merchant_id: int) -> dict[str, int]:
    """Every retention limit of the shop (the defaults where it set none)."""
    async with read_session() as session:
        stored = await settings.get(session, merchant_id)
    return stored or {limit.name: limit.default for limit in rules.RETENTION}


async def shop_redacted(shop_domain: str) -> bool:
    async with read_session() as session:
        return await requests.shop_redacted(session, shop_domain)
