"""Writing a customer export, across many short transactions: the shop's customers
read in keyset pages of ``BATCH_SIZE`` (oldest first), each page's facts read from the
contexts that own them (customers, points, earning, tiers, referrals, privacy, through
their ``api``), written to the encrypted files as CSV, and the progress committed
(with a heartbeat) and announced. Memory holds one page, never the shop.

Idempotent: a run takes the export (``claim``) under a new attempt and writes files of
its own; it completes only while it is still the export's attempt, publishing its files
under the export's one name in the transaction that marks it completed. A message
delivered twice finds the export taken (it retries later, in case the worker holding it
died) or done; a run whose worker died is taken over once its heartbeat is stale, and
starts over from the first customer. Also the hourly sweep of expired files."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from loyalnest.contexts.customers import api as customers
from loyalnest.contexts.earning import api as earning
from loyalnest.contexts.imports import export_repository as repository
from loyalnest.contexts.imports import export_rules as rules
from loyalnest.contexts.imports import export_storage as storage
from loyalnest.contexts.imports.export_commands import ABANDONED
from loyalnest.contexts.imports.export_dto import CustomerExportDTO, to_dto
from loyalnest.contexts.imports.export_repository import ExportRow
from loyalnest.contexts.points import api as points
from loyalnest.contexts.privacy import api as privacy
from loyalnest.contexts.referrals import api as referrals
from loyalnest.contexts.tiers import api as tiers
from loyalnest.platform.consents import NEWSLETTER, SMS_MARKETING
from loyalnest.platform.db import read_session
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import unit_of_work

log = logging.getLogger(__name__)


class ExportBusy(RuntimeError):
    """The export is running under a worker that is alive (or died less than
    ``STALE_AFTER`` ago): the actor retries later, and takes it over if it died."""


class _Superseded(Exception):
    """This attempt is no longer the export's (taken over, or ended by an erasure)."""


async def run_export(
    merchant_id: int,
    export_id: int,
    *,
    batch_size: int = rules.BATCH_SIZE,
    history_page: int = rules.HISTORY_PAGE,
) -> CustomerExportDTO | None:
    """Write the export ``export_id``, ``batch_size`` customers (and ``history_page``
    ledger entries) per read. One that has ended is left as it is; None when the shop
    has no such export."""
    now = utcnow()
    async with unit_of_work() as uow:
        claimed = await repository.claim(
            uow.session, merchant_id, export_id, now=now, stale=now - rules.STALE_AFTER
        )
        current = claimed or await repository.get_export(uow.session, merchant_id, export_id)
        if claimed is not None:
            uow.publish(rules.progress_channel(merchant_id, export_id), {"status": rules.RUNNING})
    if current is None:
        return None
    if claimed is None:
        if current.status in (rules.QUEUED, rules.RUNNING):
            raise ExportBusy(f"export {export_id} of shop {merchant_id} is being written")
        return to_dto(current)
    writer: storage.ExportWriter | None = None
    try:
        writer = storage.ExportWriter(
            merchant_id, export_id, claimed.attempts, history=claimed.include_history
        )
        await _write(claimed, writer, batch_size=batch_size, history_page=history_page)
    except _Superseded:
        if writer is not None:
            writer.abort()
        log.info("customer export superseded", extra={"merchant_id": merchant_id, "export_id": export_id})
    except Exception as exc:
        if writer is not None:
            writer.abort()
        # the type only: a message may quote a value
        log.error(
            "customer export failed",
            extra={"merchant_id": merchant_id, "export_id": export_id, "error": type(exc).__name__},
        )
        async with unit_of_work() as uow:
            await repository.fail(
                uow.session,
                merchant_id,
                export_id,
                attempt=claimed.attempts,
                now=utcnow(),
                last_error=f"the export could not be written ({type(exc).__name__}): export again",
            )
            uow.publish(rules.progress_channel(merchant_id, export_id), {"status": rules.FAILED})
    async with read_session() as session:
        final = await repository.get_export(session, merchant_id, export_id)
    return None if final is None else to_dto(final)


class _Progress:
    def __init__(self) -> None:
        self.rows_done = 0
        self.customers = 0
        self.history_rows = 0


async def _write(
    export: ExportRow, writer: storage.ExportWriter, *, batch_size: int, history_page: int
) -> None:
    merchant_id = export.merchant_id
    total = await customers.count_customers(merchant_id)
    progress = _Progress()
    await _commit_progress(export, progress, rows_total=total)
    writer.write(rules.CUSTOMERS_FILE, rules.csv_bytes([rules.header(export.format)]))
    if export.include_history:
        writer.write(rules.HISTORY_FILE, rules.csv_bytes([rules.HISTORY_COLUMNS]))
    tier_names: dict[int, str] = {}
    after_id: int | None = None
    while True:
        page = await customers.list_customers(merchant_id, after_id=after_id, first=batch_size)
        if not page.items:
            break
        after_id = page.items[-1].id
        batch = await _customers(merchant_id, page.items, tier_names)
        writer.write(
            rules.CUSTOMERS_FILE,
            rules.csv_bytes(rules.customer_cells(export.format, c) for _, c in batch),
        )
        progress.customers += len(batch)
        if export.include_history and batch:
            progress.history_rows += await _write_history(merchant_id, batch, writer, page_size=history_page)
        progress.rows_done += len(page.items)
        await _commit_progress(export, progress)
        if not page.has_next_page:
            break
    writer.close()
    await _complete(export, writer, progress)


async def _commit_progress(export: ExportRow, progress: _Progress, *, rows_total: int | None = None) -> None:
    async with unit_of_work() as uow:
        ours = await repository.progress(
            uow.session,
            export.merchant_id,
            export.id,
            attempt=export.attempts,
            now=utcnow(),
            rows_done=progress.rows_done,
            customers=progress.customers,
            history_rows=progress.history_rows,
            rows_total=rows_total,
        )
        uow.publish(rules.progress_channel(export.merchant_id, export.id), {"rows_done": progress.rows_done})
    if not ours:
        raise _Superseded()


async def _complete(export: ExportRow, writer: storage.ExportWriter, progress: _Progress) -> None:
    now = utcnow()
    async with unit_of_work() as uow:
        current = await repository.lock_export(uow.session, export.merchant_id, export.id)
        if current is None or current.status != rules.RUNNING or current.attempts != export.attempts:
            raise _Superseded()
        # under the row's lock: no other attempt completes in between
        writer.publish()
        await repository.complete(
            uow.session,
            export.merchant_id,
            export.id,
            attempt=export.attempts,
            now=now,
            expires_at=now + rules.FILE_TTL,
            rows_done=progress.rows_done,
            customers=progress.customers,
            history_rows=progress.history_rows,
            file_bytes=writer.size(rules.CUSTOMERS_FILE) or 0,
            history_bytes=writer.size(rules.HISTORY_FILE),
        )
        uow.publish(rules.progress_channel(export.merchant_id, export.id), {"status": rules.COMPLETED})
    log.info(
        "customer export completed",
        extra={
            "merchant_id": export.merchant_id,
            "export_id": export.id,
            "customers": progress.customers,
            "history_rows": progress.history_rows,
        },
    )


async def _tier_names(merchant_id: int, tier_ids: set[int], known: dict[int, str]) -> dict[int, str]:
    missing = sorted(tier_ids - known.keys())
    if missing:
        for tier_id, tier in (await tiers.get_tiers(merchant_id, missing)).items():
            known[tier_id] = tier.name()
    return known


async def _customers(
    merchant_id: int, page: Sequence[customers.CustomerDTO], tier_names: dict[int, str]
) -> list[tuple[int, rules.ExportedCustomer]]:
    """The page's customers as the export writes them, (customer id, customer); those
    with nothing to know them by (erased: no email, no Shopify id) are left out."""
    kept = [c for c in page if c.email is not None or c.shopify_customer_id > 0]
    ids = [c.id for c in kept]
    if not ids:
        return []
    accounts = await points.get_accounts(merchant_id, ids)
    spent = await points.get_points_spent(merchant_id, ids)
    pending = await earning.get_pending_points(merchant_id, ids)
    standings = await tiers.get_customer_tiers(merchant_id, ids)
    names = await _tier_names(
        merchant_id, {s.tier_id for s in standings.values() if s.tier_id is not None}, tier_names
    )
    links = await referrals.get_code_links(merchant_id, ids)
    consents = await privacy.get_consents(merchant_id, ids)
    found: list[tuple[int, rules.ExportedCustomer]] = []
    for customer in kept:
        account = accounts[customer.id]
        standing = standings.get(customer.id)
        tier_id = standing.tier_id if standing is not None else None
        code, link = links.get(customer.id, (None, None))
        states = {c.type: c for c in consents.get(customer.id, [])}
        newsletter, sms = states.get(NEWSLETTER), states.get(SMS_MARKETING)
        found.append(
            (
                customer.id,
                rules.ExportedCustomer(
                    shopify_customer_id=customer.shopify_customer_id
                    if customer.shopify_customer_id > 0
                    else None,
                    email=customer.email,
                    first_name=customer.first_name,
                    last_name=customer.last_name,
                    points_balance=account.balance,
                    points_pending=pending.get(customer.id, 0),
                    # counted as LoyaltyLion counts it: pending points included (an
                    # import takes them out again and holds them as pending)
                    lifetime_points=account.lifetime_earned + pending.get(customer.id, 0),
                    points_spent=spent.get(customer.id, 0),
                    tier_name=None if tier_id is None else names.get(tier_id) or None,
                    birthday=customer.birthday,
                    referral_code=code,
                    referral_url=link,
                    accepts_email_marketing=None
                    if newsletter is None or newsletter.is_default
                    else newsletter.granted,
                    accepts_sms_marketing=None if sms is None or sms.is_default else sms.granted,
                    enrolled_at=customer.created_at,
                ),
            )
        )
    return found


async def _write_history(
    merchant_id: int,
    batch: list[tuple[int, rules.ExportedCustomer]],
    writer: storage.ExportWriter,
    *,
    page_size: int,
) -> int:
    """The batch's ledger entries, customer by customer in posting order, a page at a
    time; returns the rows written (entries of 0 points move nothing and are left out,
    as the importer skips them)."""
    who = dict(batch)
    ids = sorted(who)
    written = 0
    after: tuple[int, int] | None = None
    while True:
        entries = await points.list_history(merchant_id, ids, after=after, limit=page_size)
        rows = []
        for entry in entries:
            if entry.delta == 0:
                continue
            customer = who[entry.customer_id]
            rows.append(
                rules.history_cells(
                    rules.ExportedEntry(
                        email=customer.email,
                        shopify_customer_id=customer.shopify_customer_id,
                        points=entry.delta,
                        occurred_at=entry.created_at,
                        kind=entry.kind,
                        reason=entry.reason,
                        expires_at=entry.lot_expires_at if entry.delta > 0 else None,
                        entry=entry.id,
                        takes_from=entry.takes_from,
                        shortfall=entry.shortfall,
                    )
                )
            )
        if rows:
            writer.write(rules.HISTORY_FILE, rules.csv_bytes(rows))
            written += len(rows)
        if len(entries) < page_size:
            return written
        after = (entries[-1].customer_id, entries[-1].id)


# --- the hourly sweep ------------------------------------------------------------------------


async def purge_expired_exports() -> tuple[int, int]:
    """Completed exports past their expiry become ``expired`` and their files go; a
    running export abandoned by its worker for ``ABANDONED_AFTER`` fails; then every
    file no export keeps (an expired, failed or deleted export's, a dead attempt's
    part, a deleted shop's) goes too. Returns (exports expired, files removed)."""
    now = utcnow()
    async with unit_of_work() as uow:
        await repository.fail_abandoned(
            uow.session, stale=now - rules.ABANDONED_AFTER, now=now, reason=ABANDONED
        )
        expired = await repository.expire_due(uow.session, now=now)
    for merchant_id, export_id in expired:
        storage.remove(merchant_id, export_id)
    removed = 0
    for merchant_id in storage.shops_with_files():
        files = storage.files_of(merchant_id)  # listed before the rows are read (see stray_files)
        async with read_session() as session:
            states = await repository.file_states(session, merchant_id)
        for path in storage.stray_files(files, states):
            path.unlink(missing_ok=True)
            removed += 1
        storage.remove_dir_if_empty(merchant_id)
    return len(expired), removed
