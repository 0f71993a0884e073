"""Importing the staged rows, and taking an import back.

Applying goes through the rows in file order, a chunk per transaction: a row's customer
is the one validation matched, or matched now (a webhook may have brought them since),
or created (waiting for Shopify's id when the file had none); its balance is one ledger
row of kind ``import``, keyed by the file's content and the customer
(``rules.posting_key``): the same file imported again posts nothing twice, and a worker
killed mid-way resumes with the rows not yet applied, posting nothing twice either.

Reverting posts one ``reversal`` per import posting (the ledger's shortfall rule
applies: points spent since are recorded, the balance never goes below zero) and
removes the customers the import created that did nothing else; it runs once.
"""

from __future__ import annotations

import logging
from typing import Any

from loyalnest.contexts.customers import api as customers
from loyalnest.contexts.imports import repository, rules
from loyalnest.contexts.imports.models import ROW_EMAIL, ROW_FIRST_NAME, ROW_LAST_NAME
from loyalnest.contexts.imports.progress import announce
from loyalnest.contexts.imports.repository import ImportRecord, StagedRow
from loyalnest.contexts.imports.validation import ShopBusy
from loyalnest.contexts.points import api as points
from loyalnest.platform.consents import IMPORT, NEWSLETTER, SMS_MARKETING, ConsentsStated
from loyalnest.platform.crypto import decrypt_optional, get_keyring
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import UnitOfWork, unit_of_work

log = logging.getLogger(__name__)


async def _claim(
    merchant_id: int, import_id: int, *, from_statuses: list[str], to_status: str
) -> ImportRecord | None:
    now = utcnow()
    async with unit_of_work() as uow:
        record = await repository.claim(
            uow.session,
            merchant_id,
            import_id,
            from_statuses=from_statuses,
            to_status=to_status,
            now=now,
            stale=now - rules.STALE_AFTER,
        )
        if record is None:
            current = await repository.get(uow.session, merchant_id, import_id)
            if current is not None and current.status in from_statuses:
                raise ShopBusy(f"another import of shop {merchant_id} is running")
    return record


async def apply(merchant_id: int, import_id: int) -> bool:
    """Import the staged rows; False if the import was not ready for it."""
    record = await _claim(merchant_id, import_id, from_statuses=[rules.READY], to_status=rules.IMPORTING)
    if record is None:
        return False
    try:
        counts = await _apply(record)
    except Exception as exc:
        async with unit_of_work() as uow:
            await repository.finish(
                uow.session, merchant_id, import_id, status=rules.FAILED, now=utcnow(), last_error=_said(exc)
            )
        await announce(merchant_id, import_id)
        raise
    async with unit_of_work() as uow:
        await repository.finish(
            uow.session, merchant_id, import_id, status=rules.COMPLETED, now=utcnow(), counts=counts
        )
    await announce(merchant_id, import_id)
    log.info("import applied", extra={"import_id": import_id, "customers_created": counts["created"]})
    return True


def _said(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:500]


async def _key(record: ImportRecord) -> str:
    key = record.counts.get("key")
    if isinstance(key, str):
        return key  # a resumed import keeps the key it started with
    async with unit_of_work() as uow:
        generation = await repository.reverted_before(
            uow.session, record.merchant_id, record.file_sha256 or ""
        )
    return rules.import_key(record.file_sha256 or f"import-{record.id}", generation)


async def _apply(record: ImportRecord) -> dict[str, Any]:
    key = await _key(record)
    counts = {**record.counts, "key": key, "created": 0, "matched": 0, "points_posted": 0}
    for name in ("created", "matched", "points_posted"):
        counts[name] = int(record.counts.get(f"applied_{name}", 0))
    done = record.rows_done if record.status == rules.IMPORTING and record.attempts > 1 else 0
    while True:
        async with unit_of_work() as uow:
            rows = await repository.pending(
                uow.session, record.merchant_id, record.id, limit=rules.CHUNK_ROWS
            )
            if not rows:
                break
            created, matched, posted = await _apply_chunk(uow, record, key, rows)
            counts["created"] += created
            counts["matched"] += matched
            counts["points_posted"] += posted
            done += len(rows)
            await repository.progress(
                uow.session, record.merchant_id, record.id, rows_done=done, now=utcnow()
            )
            await repository.save_counts(
                uow.session,
                record.merchant_id,
                record.id,
                {**counts, **{f"applied_{n}": counts[n] for n in ("created", "matched", "points_posted")}},
            )
        await announce(record.merchant_id, record.id)
    return counts


async def _apply_chunk(
    uow: UnitOfWork, record: ImportRecord, key: str, rows: list[StagedRow]
) -> tuple[int, int, int]:
    keyring = get_keyring()
    merchant_id = record.merchant_id
    unmatched = [r for r in rows if r.customer_id is None]
    people = [
        customers.ImportedCustomer(
            shopify_customer_id=r.shopify_customer_id,
            email=decrypt_optional(keyring, r.email_enc, context=ROW_EMAIL),
            first_name=decrypt_optional(keyring, r.first_name_enc, context=ROW_FIRST_NAME),
            last_name=decrypt_optional(keyring, r.last_name_enc, context=ROW_LAST_NAME),
        )
        for r in unmatched
    ]
    found = await customers.match_for_import(uow, merchant_id, people) if people else []
    still_new = [(r, p) for r, p, f in zip(unmatched, people, found, strict=True) if f is None]
    new_ids = await customers.create_imported(uow, merchant_id, [p for _, p in still_new])
    resolved: dict[int, tuple[int, bool]] = {
        r.line: (r.customer_id, False) for r in rows if r.customer_id is not None
    }
    resolved.update({r.line: (f, False) for r, f in zip(unmatched, found, strict=True) if f is not None})
    resolved.update({r.line: (cid, True) for (r, _), cid in zip(still_new, new_ids, strict=True)})
    postings: dict[str, points.Posting] = {}
    for row in rows:
        customer_id, _ = resolved[row.line]
        if row.points > 0:
            posting_key = rules.posting_key(key, customer_id)
            postings.setdefault(
                posting_key,
                points.Posting(
                    customer_id=customer_id,
                    delta=row.points,
                    kind="import",
                    source="import",
                    idempotency_key=posting_key,
                    source_ref=f"import:{record.id}",
                    reason=f"Imported from {record.source.title()}",
                    actor=record.requested_by,
                ),
            )
    await _record_consents(uow, record, rows, resolved)
    taken = await points.existing_entries(uow, merchant_id, list(postings))
    fresh = [p for k, p in postings.items() if k not in taken]
    await points.post_many(uow, merchant_id, fresh)
    await repository.mark_applied(
        uow.session,
        merchant_id,
        record.id,
        [(line, cid, created) for line, (cid, created) in resolved.items()],
    )
    return len(new_ids), len(rows) - len(new_ids), sum(p.delta for p in fresh)


async def _record_consents(
    uow: UnitOfWork, record: ImportRecord, rows: list[StagedRow], resolved: dict[int, tuple[int, bool]]
) -> None:
    """The marketing consents the file states, for privacy to record with source
    ``import`` (``platform.consents.ConsentsStated``, handled in this transaction)."""
    stated = []
    for row in rows:
        choices = tuple(
            (kind, value)
            for kind, value in (
                (NEWSLETTER, row.accepts_email_marketing),
                (SMS_MARKETING, row.accepts_sms_marketing),
            )
            if value is not None
        )
        if choices:
            stated.append(
                ConsentsStated(
                    merchant_id=record.merchant_id,
                    customer_id=resolved[row.line][0],
                    choices=choices,
                    source=IMPORT,
                    actor=record.requested_by or "import",
                )
            )
    if stated:
        await uow.publish_events(stated)


async def revert(merchant_id: int, import_id: int) -> bool:
    """Take back what the import did; False if it was not in a state to."""
    record = await _claim(
        merchant_id, import_id, from_statuses=[rules.COMPLETED, rules.FAILED], to_status=rules.REVERTING
    )
    if record is None:
        return False
    key = record.counts.get("key")
    reversed_points = removed = 0
    after = 0
    try:
        while isinstance(key, str):
            async with unit_of_work() as uow:
                rows = await repository.applied_after(
                    uow.session, merchant_id, import_id, after=after, limit=rules.CHUNK_ROWS
                )
                if not rows:
                    break
                taken, gone = await _revert_chunk(uow, merchant_id, key, rows)
                reversed_points += taken
                removed += gone
                after = rows[-1].line
            await announce(merchant_id, import_id)
        async with unit_of_work() as uow:
            await repository.clear_staged(uow.session, merchant_id, import_id)
            await repository.finish(
                uow.session,
                merchant_id,
                import_id,
                status=rules.REVERTED,
                now=utcnow(),
                counts={**record.counts, "reversed_points": reversed_points, "removed": removed},
            )
    except Exception as exc:
        async with unit_of_work() as uow:
            await repository.finish(
                uow.session, merchant_id, import_id, status=rules.FAILED, now=utcnow(), last_error=_said(exc)
            )
        raise
    await announce(merchant_id, import_id)
    log.info("import reverted", extra={"import_id": import_id, "points": reversed_points, "removed": removed})
    return True


async def _revert_chunk(
    uow: UnitOfWork, merchant_id: int, key: str, rows: list[StagedRow]
) -> tuple[int, int]:
    customer_ids = sorted({r.customer_id for r in rows if r.customer_id is not None})
    posting_keys = {rules.posting_key(key, c): c for c in customer_ids}
    reversal_keys = {rules.reversal_key(key, c): c for c in customer_ids}
    existing = await points.existing_entries(uow, merchant_id, [*posting_keys, *reversal_keys])
    reversals = [
        points.Posting(
            customer_id=customer_id,
            delta=-existing[posting].delta,
            kind="reversal",
            source="import",
            idempotency_key=rules.reversal_key(key, customer_id),
            reason="Import reverted",
            allow_shortfall=True,
            take_first_from=posting,
        )
        for posting, customer_id in posting_keys.items()
        if posting in existing and rules.reversal_key(key, customer_id) not in existing
    ]
    await points.post_many(uow, merchant_id, reversals)
    created = sorted({r.customer_id for r in rows if r.created_customer and r.customer_id is not None})
    busy = await points.customers_with_entries_besides(
        uow, merchant_id, created, [f"import:{key}:", f"import-revert:{key}:"]
    )
    removable = [c for c in created if c not in busy]
    removed = await customers.delete_imported(uow, merchant_id, removable)
    return sum(-p.delta for p in reversals), removed
