"""Segment exports: a staff member asks for one (``request_segment_export``, in the
mutation's unit of work, which enqueues the actor), and the actor writes it
(``run_segment_export``).

Membership comes from the segments concern's ``customers_in_segment`` (a keyset walk
by customer id). The run is a flow, not a single command: it spans one short transaction per batch of
``EXPORT_BATCH`` customers so its progress (rows done / total) is visible and pushed
live while it runs, and it reads other contexts (customers for the decrypted email and
names, points for the balance, tiers for the tier) through their ``api``. The CSV is
kept compressed in memory while it grows and stored once, encrypted
(``platform.crypto``), when complete; nothing of it is logged."""

from __future__ import annotations

import base64
import logging
import zlib
from datetime import timedelta

from loyalnest.contexts.analytics.dto.products import SegmentExportDTO
from loyalnest.contexts.analytics.models.products import EXPORT_CONTENT
from loyalnest.contexts.analytics.queries.segments import customers_in_segment
from loyalnest.contexts.analytics.repository import exports as repository
from loyalnest.contexts.analytics.rules.products import (
    EXPORT_BATCH,
    csv_rows,
    custom_segment_id,
    customer_gid,
)
from loyalnest.contexts.analytics.rules.rfm_segments import SEGMENTS
from loyalnest.contexts.audit import api as audit
from loyalnest.contexts.customers import api as customers
from loyalnest.contexts.points import api as points
from loyalnest.contexts.tiers import api as tiers
from loyalnest.platform.crypto import get_keyring
from loyalnest.platform.db import read_session
from loyalnest.platform.errors import NotFound, ValidationFailed
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import UnitOfWork, unit_of_work

log = logging.getLogger(__name__)

RUN_SEGMENT_EXPORT_ACTOR = "analytics.run_segment_export"
PURGE_EXPORTS_ACTOR = "analytics.purge_expired_exports"
EXPORTS_QUEUE = "analytics"


def export_channel(merchant_id: int, export_id: int) -> str:
    """Pub/sub channel nudged after every step of an export (segmentExportProgress)."""
    return f"analytics.export:{merchant_id}:{export_id}"


async def validate_segment(uow: UnitOfWork, merchant_id: int, segment: str) -> None:
    """A built-in slug or ``custom:<id>`` of one of the shop's custom segments."""
    if segment in SEGMENTS:
        return
    custom_id = custom_segment_id(segment)
    if custom_id is None:
        raise ValidationFailed("not a segment: use a built-in segment or custom:<id>", field="segment")
    if not await repository.custom_segment_exists(uow.session, merchant_id, custom_id):
        raise NotFound("custom segment not found", field="segment")


async def request_segment_export(
    uow: UnitOfWork, merchant_id: int, segment: str, *, actor: str, requested_by: str | None
) -> SegmentExportDTO:
    """Queue an export of ``segment``'s customers; the actor starts after commit.
    Audited: an export takes customers' personal data out of the app."""
    await validate_segment(uow, merchant_id, segment)
    export = await repository.insert_export(uow.session, merchant_id, segment, requested_by)
    await audit.record(
        uow,
        merchant_id=merchant_id,
        actor=actor,
        action="analytics.segment_exported",
        target_type="SegmentExport",
        target_id=str(export.id),
        details={"segment": segment},
    )
    uow.enqueue(
        RUN_SEGMENT_EXPORT_ACTOR, queue_name=EXPORTS_QUEUE, merchant_id=merchant_id, export_id=export.id
    )
    return export


async def _tier_names(merchant_id: int, customer_ids: list[int]) -> dict[int, str]:
    standings = await tiers.get_customer_tiers(merchant_id, customer_ids)
    tier_ids = {s.tier_id for s in standings.values() if s.tier_id is not None}
    ladder = await tiers.get_tiers(merchant_id, sorted(tier_ids))
    names: dict[int, str] = {}
    for tier_id, tier in ladder.items():
        by_locale = dict(tier.names)
        names[tier_id] = by_locale.get(tier.default_locale) or next(iter(by_locale.values()), "")
    return {c: names.get(s.tier_id, "") for c, s in standings.items() if s.tier_id is not None}


async def _batch_rows(merchant_id: int, customer_ids: list[int]) -> list[list[object]]:
    profiles = await customers.get_customers(merchant_id, customer_ids)
    accounts = await points.get_accounts(merchant_id, customer_ids)
    tier_names = await _tier_names(merchant_id, customer_ids)
    async with read_session() as session:
        scores = await repository.scores_of(session, merchant_id, customer_ids)
    rows: list[list[object]] = []
    for customer_id in customer_ids:
        profile = profiles.get(customer_id)
        if profile is None:  # redacted since it was scored
            continue
        score = scores.get(customer_id)
        account = accounts.get(customer_id)
        rows.append(
            [
                customer_gid(profile.shopify_customer_id),
                profile.email,
                profile.first_name,
                profile.last_name,
                account.balance if account is not None else 0,
                tier_names.get(customer_id),
                score and score.r,
                score and score.f,
                score and score.m,
                score.segment if score is not None else "other",
                score.last_order_at.isoformat() if score and score.last_order_at else None,
            ]
        )
    return rows


async def run_segment_export(merchant_id: int, export_id: int, *, ttl_hours: int) -> SegmentExportDTO | None:
    """Write the export (idempotent: a completed or failed one is left alone; one whose
    worker died restarts from row 0). The export as it ends; None if it is not there."""
    async with read_session() as session:
        found = (await repository.get_exports(session, merchant_id, [export_id])).get(export_id)
        if found is None or found.status in ("completed", "failed"):
            return found
        custom_id = custom_segment_id(found.segment)
        total = await repository.count_members(
            session,
            merchant_id,
            segment=None if custom_id is not None else found.segment,
            custom_id=custom_id,
        )
    async with unit_of_work() as uow:
        started = await repository.start_export(uow.session, merchant_id, export_id, total)
        uow.publish(export_channel(merchant_id, export_id), {"rows_done": 0})
    if started is None:
        return None
    try:
        return await _write(merchant_id, started, ttl_hours=ttl_hours)
    except Exception:
        log.exception("segment export failed", extra={"merchant_id": merchant_id, "export_id": export_id})
        async with unit_of_work() as uow:
            await repository.fail_export(
                uow.session, merchant_id, export_id, "the export could not be written"
            )
            uow.publish(export_channel(merchant_id, export_id), {"status": "failed"})
        return None


async def _write(merchant_id: int, export: SegmentExportDTO, *, ttl_hours: int) -> SegmentExportDTO | None:
    compressor = zlib.compressobj(level=6)
    chunks = [compressor.compress(csv_rows((), header=True).encode())]
    done = 0
    after: int | None = None
    while True:
        batch = await customers_in_segment(merchant_id, export.segment, after, EXPORT_BATCH)
        if not batch:
            break
        after = batch[-1]
        rows = await _batch_rows(merchant_id, batch)
        chunks.append(compressor.compress(csv_rows(rows).encode()))
        done += len(rows)
        async with unit_of_work() as uow:
            await repository.set_progress(uow.session, merchant_id, export.id, done)
            uow.publish(export_channel(merchant_id, export.id), {"rows_done": done})
        if len(batch) < EXPORT_BATCH:
            break
    chunks.append(compressor.flush())
    # base64 text under the keyring: rotate-keys re-encrypts it like any other column
    sealed = get_keyring().encrypt(base64.b64encode(b"".join(chunks)).decode(), context=EXPORT_CONTENT)
    now = utcnow()
    async with unit_of_work() as uow:
        await repository.complete_export(
            uow.session,
            merchant_id,
            export.id,
            rows_done=done,
            content_enc=sealed,
            completed_at=now,
            expires_at=now + timedelta(hours=ttl_hours),
        )
        uow.publish(export_channel(merchant_id, export.id), {"status": "completed"})
    async with read_session() as session:
        return (await repository.get_exports(session, merchant_id, [export.id])).get(export.id)


async def purge_expired_exports(uow: UnitOfWork) -> int:
    """Drop the content of every expired export (its links already stopped working)."""
    return await repository.purge_expired(uow.session, utcnow())
