"""Integration events of the imports context.

``HistoricalOrderImported`` (an order of the shop's history, which the backfill
publishes) is declared with the other Shopify order facts in ``webhooks.events``: the
contexts that handle it (earning, analytics) sit below tiers and referrals, which an
import writes through, so an event declared here would close a cycle."""

from __future__ import annotations

from loyalnest.contexts.webhooks.events import HistoricalOrderImported

__all__ = ["HistoricalOrderImported"]
