"""Actors of the imports context, thin and idempotent."""

from __future__ import annotations

import logging

from loyalnest.contexts.imports import backfill_flows

# Until the context has its own models.py / handlers.py (which ``contexts.load`` imports),
# the backfill's table and handlers are registered from here, loaded by the same pass.
from loyalnest.contexts.imports import backfill_handlers as _backfill_handlers  # noqa: F401
from loyalnest.contexts.imports import backfill_models as _backfill_models  # noqa: F401
from loyalnest.contexts.imports.backfill_commands import BACKFILL_ACTOR, IMPORTS_QUEUE
from loyalnest.platform import jobs

log = logging.getLogger(__name__)


# a large shop's history takes a while: bulk operations run for minutes on Shopify
@jobs.actor(BACKFILL_ACTOR, queue_name=IMPORTS_QUEUE, time_limit=2 * 60 * 60 * 1000, max_retries=0)
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
