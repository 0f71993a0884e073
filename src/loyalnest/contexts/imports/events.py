"""Integration events of the imports context."""

from __future__ import annotations

from dataclasses import dataclass

from loyalnest.contexts.webhooks.events import OrderPlaced
from loyalnest.platform.events import Event


@dataclass(frozen=True, slots=True)
class HistoricalOrderImported(Event):
    """An order of the shop's Shopify history, fetched by a backfill (bulk query),
    published in batches of a few hundred in the backfill's transaction.

    ``order`` is the order as its orders/create would have told it (customer resolved
    to ours; amounts in shop money, after refunds: Shopify's ``current*`` amounts).
    Analytics keeps it for RFM; earning records it (spend and order count for tiers, and
    so a later webhook of the same order is a replay) and awards its points only when
    ``award_points`` (an order of the last ``awardPointsDays`` days). Referral
    attribution, reward codes and nudge conversions do not react to history."""

    order: OrderPlaced
    award_points: bool = False
    run_id: int = 0
