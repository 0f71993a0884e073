"""What analytics adds to the staff Customer and storefront Me types, gathered from its
concerns."""

from __future__ import annotations

from loyalnest.graphql.analytics import nudges, products, program, rfm, segments

CUSTOMER_FIELDS: tuple[type, ...] = (
    *rfm.CUSTOMER_FIELDS,
    *segments.CUSTOMER_FIELDS,
    *program.CUSTOMER_FIELDS,
    *nudges.CUSTOMER_FIELDS,
    *products.CUSTOMER_FIELDS,
)
ME_FIELDS: tuple[type, ...] = (
    *rfm.ME_FIELDS,
    *segments.ME_FIELDS,
    *program.ME_FIELDS,
    *nudges.ME_FIELDS,
    *products.ME_FIELDS,
)
