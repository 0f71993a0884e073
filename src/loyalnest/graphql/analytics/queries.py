"""Analytics' root queries parts, gathered from its concerns."""

from __future__ import annotations

from loyalnest.graphql.analytics import nudges, products, program, rfm, segments

QUERIES: tuple[type, ...] = (
    *rfm.QUERIES,
    *segments.QUERIES,
    *program.QUERIES,
    *nudges.QUERIES,
    *products.QUERIES,
)
