"""Actors of the imports context, each idempotent: an import is claimed by one worker at
a time (``repository.claim``); a second message finds it taken or done, and a worker
that died is taken over once its heartbeat is stale. Work resumes where it stopped:
validation starts over (its staged rows cleared), applying goes on with the rows not
applied, reverting with the postings not reversed."""

from __future__ import annotations

import logging

from loyalnest.contexts.imports import applying, backfill_flows, export_flows, validation
from loyalnest.contexts.imports.backfill_commands import BACKFILL_ACTOR
from loyalnest.contexts.imports.commands import APPLY_ACTOR, IMPORTS_QUEUE, REVERT_ACTOR, VALIDATE_ACTOR
from loyalnest.contexts.imports.export_commands import EXPORT_ACTOR, PURGE_EXPORTS_ACTOR
from loyalnest.platform import jobs

log = logging.getLogger(__name__)

_HOUR_MS = 60 * 60 * 1000


@jobs.actor(VALIDATE_ACTOR, queue_name=IMPORTS_QUEUE, time_limit=_HOUR_MS)
async def validate_import(merchant_id: int, import_id: int) -> None:
    """Read and check an uploaded file, staging its valid rows."""
    await validation.validate(merchant_id, import_id)


@jobs.actor(APPLY_ACTOR, queue_name=IMPORTS_QUEUE, time_limit=2 * _HOUR_MS)
async def apply_import(merchant_id: int, import_id: int) -> None:
    """Import the staged rows: customers matched or created, balances posted."""
    await applying.apply(merchant_id, import_id)


@jobs.actor(REVERT_ACTOR, queue_name=IMPORTS_QUEUE, time_limit=2 * _HOUR_MS)
async def revert_import(merchant_id: int, import_id: int) -> None:
    """Take back what an import did."""
    await applying.revert(merchant_id, import_id)


# a large shop's history takes a while: bulk operations run for minutes on Shopify
@jobs.actor(BACKFILL_ACTOR, queue_name=IMPORTS_QUEUE, time_limit=2 * _HOUR_MS, max_retries=0)
async def backfill_shopify_history(merchant_id: int, run_id: int) -> None:
    """Run or resume the backfill ``run_id`` (see ``backfill_flows.run_backfill``); a run
    that has ended is left as it is."""
    run = await backfill_flows.run_backfill(merchant_id, run_id)
    if run is not None:
        log.info(
            "shopify backfill ended",
            extra={
                "merchant_id": merchant_id,
                "run_id": run_id,
                "status": run.status,
                "customers": run.customers_imported,
                "orders": run.orders_imported,
            },
        )


# a customer export: its files written from the shop's customers, a batch at a time
@jobs.actor(EXPORT_ACTOR, queue_name=IMPORTS_QUEUE, time_limit=2 * _HOUR_MS)
async def export_customers(merchant_id: int, export_id: int) -> None:
    """Write the export ``export_id`` (see ``export_flows.run_export``: a run that
    ended is left alone; one running under a live worker is retried later)."""
    await export_flows.run_export(merchant_id, export_id)


# hourly: an expired export's files go within the hour (its links stopped at once)
@jobs.periodic(every_seconds=3600)
@jobs.actor(PURGE_EXPORTS_ACTOR, queue_name=IMPORTS_QUEUE)
async def purge_expired_exports() -> None:
    expired, removed = await export_flows.purge_expired_exports()
    if expired or removed:
        log.info("expired customer exports purged", extra={"exports": expired, "files": removed})
