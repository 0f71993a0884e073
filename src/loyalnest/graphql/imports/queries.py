"""The imports context's query roots."""

from __future__ import annotations

from loyalnest.graphql.imports.backfill_queries import ShopifyBackfillQuery

QUERIES = (ShopifyBackfillQuery,)
