"""Reads of the imports context: a shop's imports, one import, an error report behind
its link."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from loyalnest.contexts.imports import links, repository, rules
from loyalnest.contexts.imports.models import ERROR_REPORT
from loyalnest.contexts.imports.repository import ImportRecord
from loyalnest.platform.crypto import get_keyring
from loyalnest.platform.db import read_session
from loyalnest.platform.timeutil import utcnow

MAX_PAGE = 100
REPORT_LINK_TTL = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class ImportPage:
    items: tuple[ImportRecord, ...]
    has_next: bool


async def list_imports(merchant_id: int, *, first: int = 20, after: int | None = None) -> ImportPage:
    async with read_session() as session:
        rows, has_next = await repository.list_page(
            session, merchant_id, first=min(first, MAX_PAGE), after=after
        )
    return ImportPage(tuple(rows), has_next)


async def count_imports(merchant_id: int) -> int:
    async with read_session() as session:
        return await repository.count(session, merchant_id)


async def get_import(merchant_id: int, import_id: int) -> ImportRecord | None:
    async with read_session() as session:
        return await repository.get(session, merchant_id, import_id)


def error_report_url(record: ImportRecord) -> str | None:
    """A link to the import's full error report (valid an hour), when it has one."""
    if not record.has_error_report:
        return None
    return links.report_url(record.merchant_id, record.id, utcnow() + REPORT_LINK_TTL)


def eta(record: ImportRecord, now: datetime) -> datetime | None:
    """When the running import should be done, at the pace it kept so far."""
    if (
        record.status not in (rules.VALIDATING, rules.IMPORTING)
        or not record.rows_total
        or not record.started_at
    ):
        return None
    if record.rows_done <= 0:
        return None
    elapsed = (now - record.started_at).total_seconds()
    left = max(record.rows_total - record.rows_done, 0)
    return now + timedelta(seconds=elapsed / record.rows_done * left)


async def error_report(token: str) -> tuple[str, bytes] | None:
    """(file name, CSV) of the report a link names; None for a bad or expired link."""
    claim = links.read_report(token, now=utcnow())
    if claim is None:
        return None
    merchant_id, import_id = claim
    async with read_session() as session:
        sealed = await repository.error_report(session, merchant_id, import_id)
    if sealed is None:
        return None
    return f"import-{import_id}-errors.csv", get_keyring().decrypt_bytes(sealed, context=ERROR_REPORT)
