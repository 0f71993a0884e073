"""The imports context's mutation roots."""

from __future__ import annotations

from loyalnest.graphql.imports.backfill_mutations import ShopifyBackfillMutation

MUTATIONS = (ShopifyBackfillMutation,)
