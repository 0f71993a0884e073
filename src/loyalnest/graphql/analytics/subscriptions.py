"""Analytics' root subscriptions parts, gathered from its concerns."""

from __future__ import annotations

from loyalnest.graphql.analytics import nudges, products, program, rfm, segments

SUBSCRIPTIONS: tuple[type, ...] = (
    *rfm.SUBSCRIPTIONS,
    *segments.SUBSCRIPTIONS,
    *program.SUBSCRIPTIONS,
    *nudges.SUBSCRIPTIONS,
    *products.SUBSCRIPTIONS,
)
