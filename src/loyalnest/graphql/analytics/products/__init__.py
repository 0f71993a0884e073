"""GraphQL of analytics' products concern: product RFM (productRfm, topProductsOfSegment,
productsSlipping) and segment exports (exportSegment, segmentExport,
segmentExportProgress). Exports the root parts and fields it adds."""

from __future__ import annotations

from loyalnest.graphql.analytics.products.mutations import MUTATIONS as _MUTATIONS
from loyalnest.graphql.analytics.products.queries import QUERIES as _QUERIES
from loyalnest.graphql.analytics.products.subscriptions import SUBSCRIPTIONS as _SUBSCRIPTIONS

QUERIES: tuple[type, ...] = _QUERIES
MUTATIONS: tuple[type, ...] = _MUTATIONS
SUBSCRIPTIONS: tuple[type, ...] = _SUBSCRIPTIONS
CUSTOMER_FIELDS: tuple[type, ...] = ()
ME_FIELDS: tuple[type, ...] = ()
