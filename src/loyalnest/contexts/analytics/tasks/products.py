"""Actors of the products concern, thin and idempotent: the product stats refresh (per
shop, and the daily fan-out over every shop with orders), the segment export, and the
purge of expired exports."""

from __future__ import annotations

import logging

from loyalnest.contexts.analytics.commands import exports, products
from loyalnest.contexts.analytics.commands.exports import EXPORTS_QUEUE
from loyalnest.contexts.analytics.repository import products as product_repository
from loyalnest.platform import jobs, queue
from loyalnest.platform.db import read_session
from loyalnest.platform.uow import unit_of_work

log = logging.getLogger(__name__)

REFRESH_PRODUCT_STATS_ACTOR = products.REFRESH_PRODUCT_STATS_ACTOR
REFRESH_ALL_PRODUCT_STATS_ACTOR = products.REFRESH_ALL_PRODUCT_STATS_ACTOR


@jobs.actor(REFRESH_PRODUCT_STATS_ACTOR, queue_name=EXPORTS_QUEUE)
async def refresh_product_stats(merchant_id: int) -> None:
    """Rebuild one shop's product stats (idempotent: a rebuild from the orders)."""
    async with unit_of_work() as uow:
        report = await products.refresh_product_stats(uow, merchant_id)
    log.info(
        "product stats refreshed",
        extra={"merchant_id": merchant_id, "products": report.products, "seconds": round(report.seconds, 3)},
    )


# daily: product RFM moves with days and orders, not minutes (a full RFM recompute
# refreshes it too)
@jobs.periodic(every_seconds=24 * 3600)
@jobs.actor(REFRESH_ALL_PRODUCT_STATS_ACTOR, queue_name=EXPORTS_QUEUE)
async def refresh_all_product_stats() -> None:
    """One refresh job per shop with orders (each shop in its own transaction)."""
    async with read_session() as session:
        shops = await product_repository.shops_with_orders(session)
    for merchant_id in shops:
        queue.send(REFRESH_PRODUCT_STATS_ACTOR, EXPORTS_QUEUE, {"merchant_id": merchant_id})


@jobs.actor(exports.RUN_SEGMENT_EXPORT_ACTOR, queue_name=EXPORTS_QUEUE, time_limit=60 * 60 * 1000)
async def run_segment_export(merchant_id: int, export_id: int) -> None:
    """Write one export (see commands/exports.py: idempotent, restartable)."""
    from loyalnest.settings import get_settings

    await exports.run_segment_export(merchant_id, export_id, ttl_hours=get_settings().export_link_ttl_hours)


# hourly: an expired export's content goes within the hour (its links stopped at once)
@jobs.periodic(every_seconds=3600)
@jobs.actor(exports.PURGE_EXPORTS_ACTOR, queue_name=EXPORTS_QUEUE)
async def purge_expired_exports() -> None:
    async with unit_of_work() as uow:
        purged = await exports.purge_expired_exports(uow)
    if purged:
        log.info("expired segment exports purged", extra={"exports": purged})
