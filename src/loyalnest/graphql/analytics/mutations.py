"""Analytics' root mutations parts, gathered from its concerns."""

from __future__ import annotations

from loyalnest.graphql.analytics import nudges, products, program, rfm, segments

MUTATIONS: tuple[type, ...] = (
    *rfm.MUTATIONS,
    *segments.MUTATIONS,
    *program.MUTATIONS,
    *nudges.MUTATIONS,
    *products.MUTATIONS,
)
