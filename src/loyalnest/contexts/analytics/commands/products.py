"""Product-level RFM: the set-based refresh of a shop's product stats.

Run daily for every shop with orders and after a full RFM recompute (the segments its
buyers are in change then); idempotent: each run rebuilds the shop's rows from the
orders, so running it twice writes the same thing."""

from __future__ import annotations

import time
from datetime import timedelta

from loyalnest.contexts.analytics.dto.products import ProductStatsRefresh
from loyalnest.contexts.analytics.repository import products as repository
from loyalnest.contexts.analytics.rules.products import SLIPPING_SEGMENTS, SLIPPING_WINDOW_DAYS
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import UnitOfWork

REFRESH_PRODUCT_STATS_ACTOR = "analytics.refresh_product_stats"
REFRESH_ALL_PRODUCT_STATS_ACTOR = "analytics.refresh_all_product_stats"


async def refresh_product_stats(uow: UnitOfWork, merchant_id: int) -> ProductStatsRefresh:
    """Rebuild the shop's product stats and per-segment buyer counts (a lock, a setting and 3 statements)."""
    started = time.perf_counter()
    now = utcnow()
    products = await repository.refresh_product_stats(
        uow.session,
        merchant_id,
        slipping_since=now - timedelta(days=SLIPPING_WINDOW_DAYS),
        slipping_segments=SLIPPING_SEGMENTS,
        now=now,
    )
    return ProductStatsRefresh(merchant_id, products, time.perf_counter() - started)
