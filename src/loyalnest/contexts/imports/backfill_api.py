"""Public door of the Shopify history backfill (the imports context's; to be re-exported
by ``api.py`` once the context has one).

    from loyalnest.contexts.imports import backfill_api as backfill
"""

from __future__ import annotations

from loyalnest.contexts.imports.backfill_commands import BACKFILL_ACTOR, BackfillInProgress, request_backfill
from loyalnest.contexts.imports.backfill_dto import ShopifyBackfillDTO
from loyalnest.contexts.imports.backfill_flows import run_backfill
from loyalnest.contexts.imports.backfill_queries import latest_backfill
from loyalnest.contexts.imports.backfill_rules import MAX_AWARD_POINTS_DAYS

__all__ = [
    "BACKFILL_ACTOR",
    "MAX_AWARD_POINTS_DAYS",
    "BackfillInProgress",
    "ShopifyBackfillDTO",
    "latest_backfill",
    "request_backfill",
    "run_backfill",
]
