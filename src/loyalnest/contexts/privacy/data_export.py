"""Answering a data request (``customers/data_request``, or the customer's own): every
row about the customer in every table (``repository.customer_rows`` walks the catalog),
made readable (``archive``), zipped, encrypted and kept until the shop's export limit;
staff are told it is ready (and the customer, when they asked themselves), with a
signed link that works until the archive expires.

A customer we never saw (or one erased already) gets an archive all the same: it holds
the request itself and otherwise nothing, which is the answer. Idempotent: the request
is claimed once; a rerun after a crash rebuilds the same archive.
"""

from __future__ import annotations

import logging
import zlib
from datetime import datetime, timedelta
from typing import Any

from cryptography.exceptions import InvalidTag

from loyalnest.contexts.audit import api as audit
from loyalnest.contexts.customers import api as customers
from loyalnest.contexts.notifications import api as notifications
from loyalnest.contexts.privacy import archive, links, rules
from loyalnest.contexts.privacy.models import EXPORT_CONTENT
from loyalnest.contexts.privacy.repository import customer_rows, exports, requests, settings
from loyalnest.platform.crypto import KeyringError, get_keyring
from loyalnest.platform.db import read_session
from loyalnest.platform.key_rotation import encrypted_columns
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import unit_of_work

log = logging.getLogger(__name__)

STALE_AFTER = timedelta(minutes=30)


def _opener() -> archive.Opener:
    keyring = get_keyring()
    contexts = {(c.table, c.column): c.context for c in encrypted_columns()}

    def open_value(table: str, column: str, token: str) -> str | None:
        context = contexts.get((table, column))
        if context is None:
            return "(encrypted)"
        try:
            raw = keyring.decrypt_bytes(token, context=context)
        except (KeyringError, InvalidTag, ValueError):
            return "(unreadable: its key is no longer configured)"
        for candidate in (raw, _inflated(raw)):
            if candidate is None:
                continue
            try:
                return candidate.decode()
            except UnicodeDecodeError:
                continue
        return f"(binary, {len(raw)} bytes)"

    return open_value


def _inflated(raw: bytes) -> bytes | None:
    try:
        return zlib.decompress(raw)
    except zlib.error:
        return None


async def collect(merchant_id: int, customer_id: int | None, shopify_id: int | None) -> list[archive.Table]:
    """Every table's rows about the customer, readable (an empty table for each table
    that holds none: the archive shows where nothing is held, too)."""
    open_value = _opener()
    tables: list[archive.Table] = []
    async with read_session() as session:
        for selection in await customer_rows.selections(session):
            columns, rows = await customer_rows.read(
                session,
                selection,
                merchant_id=merchant_id,
                customer_id=customer_id or 0,
                shopify_id=shopify_id,
            )
            if customer_id is None and selection.table != requests.LOG_TABLE:
                rows = []  # nobody of ours: only the requests naming the Shopify id
            tables.append(archive.table(selection.table, columns, rows, open_value))
    return tables


async def export_customer_data(request_id: int) -> bool:
    """Carry out a data_request; False if it was done (or is being done)."""
    now = utcnow()
    async with unit_of_work() as uow:
        request = await requests.claim(uow.session, request_id, now=now, stale=now - STALE_AFTER)
    if request is None:
        return False
    try:
        result = await _export(request, now)
    except Exception as exc:
        async with unit_of_work() as uow:
            await requests.fail(uow.session, request_id, error=f"{type(exc).__name__}: {exc}")
        raise
    log.info(
        "customer data exported",
        extra={"request_id": request_id, "rows": result["rows"], "bytes": result["bytes"]},
    )
    return True


async def _export(request: requests.RequestRow, now: datetime) -> dict[str, Any]:
    merchant_id = request.merchant_id
    customer = (
        None
        if request.customer_ref is None
        else await customers.get_by_shopify_id(merchant_id, request.customer_ref)
    )
    async with read_session() as session:
        limits = await settings.get(session, merchant_id) or {}
    export_days = limits.get("export_days", rules.EXPORT_DAYS)
    artefact_days = limits.get("artefact_days", rules.ARTEFACT_DAYS)
    tables = await collect(merchant_id, None if customer is None else customer.id, request.customer_ref)
    rows = sum(len(t.rows) for t in tables)
    meta: dict[str, Any] = (
        {"customer": {"id": customer.id, "shopify_customer_id": customer.shopify_customer_id}}
        if customer is not None
        else {"customer": None, "note": "LoyalNest holds nothing about this customer."}
    )
    content = archive.build(
        shop=request.shop_domain, request_id=request.id, generated_at=now, meta=meta, tables=tables
    )
    expires_at = now + timedelta(days=export_days)
    result: dict[str, Any] = {
        "outcome": "exported" if customer is not None else "unknown customer: nothing held",
        "tables": len(tables),
        "rows": rows,
        "bytes": len(content),
    }
    async with unit_of_work() as uow:
        await exports.save(
            uow.session,
            merchant_id=merchant_id,
            request_id=request.id,
            content_enc=get_keyring().encrypt_bytes(content, context=EXPORT_CONTENT),
            size=len(content),
            tables=len(tables),
            rows=rows,
            now=now,
            expires_at=expires_at,
        )
        await requests.complete(
            uow.session, request.id, now=utcnow(), result=result, artefact_days=artefact_days
        )
        url = links.download_url(merchant_id, request.id, expires_at)
        outgoing = [
            notifications.Outgoing(
                type="privacy_data_request_ready",
                cause=f"request:{request.id}",
                customer_id=None,
                variables={
                    "request_number": request.id,
                    "shopify_customer_id": "" if request.customer_ref is None else str(request.customer_ref),
                    "source": request.source,
                    "expires_at": expires_at,
                },
                sealed={"download_url": url},
            )
        ]
        if request.source == rules.STOREFRONT and customer is not None:
            outgoing.append(
                notifications.Outgoing(
                    type="privacy_export_ready",
                    cause=f"request:{request.id}",
                    customer_id=customer.id,
                    variables={"expires_at": expires_at},
                    sealed={"download_url": url},
                )
            )
        await notifications.queue_messages(uow, merchant_id, outgoing)
    return result


async def note_download(merchant_id: int, request_id: int) -> None:
    """An archive was downloaded: the audit trail says when (a copy of someone's data
    left the system), not by whom: the link is the only credential."""
    async with unit_of_work() as uow:
        await audit.record(
            uow,
            merchant_id=merchant_id,
            actor="download-link",
            action="privacy.export_downloaded",
            target_type="PrivacyRequest",
            target_id=str(request_id),
            details={},
        )
