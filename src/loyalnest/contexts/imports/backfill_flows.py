"""The backfill itself, spanning many transactions and outside calls: for each phase
(customers, then orders) start a bulk query on Shopify (or pick up the one the run
already started), wait for it, stream its JSONL and import it in batches of
``BATCH_SIZE`` root objects, each batch one transaction with the run's progress (the
lines done), so a run stopped anywhere resumes where its last batch committed, and a
batch run twice changes nothing twice (customers upserted by Shopify id, orders
recorded once per order id by analytics and earning)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

from loyalnest.contexts.imports import backfill_commands as commands
from loyalnest.contexts.imports import backfill_repository as repository
from loyalnest.contexts.imports import backfill_rules as rules
from loyalnest.contexts.imports.backfill_dto import ShopifyBackfillDTO, to_dto
from loyalnest.contexts.imports.backfill_repository import RunRow
from loyalnest.integrations.shopify_admin import bulk
from loyalnest.integrations.shopify_admin.api import ShopifyAdminError
from loyalnest.platform.db import read_session
from loyalnest.platform.uow import unit_of_work

log = logging.getLogger(__name__)

# bounded wait for one bulk operation (Shopify's take minutes for large shops)
MAX_WAIT_SECONDS = 45 * 60.0


async def _batches(objects: AsyncIterator[dict[str, Any]]) -> AsyncIterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    async for obj in objects:
        batch.append(obj)
        if len(batch) >= rules.BATCH_SIZE:
            yield batch
            batch = []
    if batch:
        yield batch


async def _operation_of(run: RunRow, phase: str) -> str:
    """The phase's bulk operation: the one the run started (a resumed run), or a new one."""
    if run.phase == phase and run.bulk_operation_id is not None:
        return run.bulk_operation_id
    query = rules.CUSTOMERS_BULK_QUERY if phase == "customers" else rules.orders_bulk_query(run.since)
    operation = await bulk.start_bulk_query(run.merchant_id, query)
    async with unit_of_work() as uow:
        await repository.set_operation(
            uow.session, run.merchant_id, run.id, phase=phase, bulk_operation_id=operation.id
        )
    return operation.id


async def _import_phase(run: RunRow, phase: str, *, wait: dict[str, float]) -> None:
    operation_id = await _operation_of(run, phase)
    skip = run.lines_done if run.phase == phase and run.bulk_operation_id == operation_id else 0
    done = await bulk.wait_for_bulk_operation(run.merchant_id, operation_id, **wait)  # type: ignore[arg-type]
    if done.url is None:
        return  # nothing to import (Shopify gives no file for an empty result)
    async for batch in _batches(bulk.with_children(bulk.stream_jsonl(done.url, skip=skip))):
        async with unit_of_work() as uow:
            if phase == "customers":
                await commands.import_customers(uow, run.merchant_id, run.id, batch)
            else:
                await commands.import_orders(
                    uow, run.merchant_id, run.id, batch, award_points_days=run.award_points_days
                )


async def _fail(merchant_id: int, run_id: int, code: str, message: str) -> None:
    async with unit_of_work() as uow:
        await repository.finish_run(
            uow.session, merchant_id, run_id, status="failed", error_code=code, error_message=message
        )


async def run_backfill(
    merchant_id: int, run_id: int, *, wait: dict[str, float] | None = None
) -> ShopifyBackfillDTO | None:
    """Run (or resume) the backfill ``run_id``; None for a run that has already ended.
    A failure ends the run as failed with its code (the shop may ask again; what was
    imported stays, and a new run passes over it without change)."""
    async with unit_of_work() as uow:
        run = await repository.start_run(uow.session, merchant_id, run_id)
    if run is None:
        return None
    wait = {"max_wait_seconds": MAX_WAIT_SECONDS, **(wait or {})}
    try:
        for phase in rules.PHASES:
            if rules.PHASES.index(phase) < rules.PHASES.index(
                run.phase if run.phase in rules.PHASES else "orders"
            ):
                continue  # a resumed run: this phase is done
            await _import_phase(run, phase, wait=wait)
            async with read_session() as session:
                latest = await repository.get_run(session, merchant_id, run_id)
            assert latest is not None
            run = latest
    except (bulk.BulkOperationError, ShopifyAdminError) as exc:
        log.warning(
            "shopify backfill failed",
            extra={"merchant_id": merchant_id, "run_id": run_id, "code": exc.code},
        )
        await _fail(merchant_id, run_id, exc.code, exc.message)
    except Exception:
        # ended, not left running (which would refuse every later backfill of the shop)
        log.exception("shopify backfill failed", extra={"merchant_id": merchant_id, "run_id": run_id})
        await _fail(merchant_id, run_id, "INTERNAL_ERROR", "an unexpected error stopped the backfill")
    else:
        async with unit_of_work() as uow:
            await repository.finish_run(uow.session, merchant_id, run_id, status="completed")
    async with read_session() as session:
        final = await repository.get_run(session, merchant_id, run_id)
    return None if final is None else to_dto(final)
