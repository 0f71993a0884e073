"""GraphQL of analytics' nudges concern. Exports the root parts and fields it adds."""

from __future__ import annotations

from loyalnest.graphql.analytics.nudges.customer_fields import ME_FIELDS as ME_FIELDS
from loyalnest.graphql.analytics.nudges.mutations import MUTATIONS as MUTATIONS
from loyalnest.graphql.analytics.nudges.queries import QUERIES as QUERIES

SUBSCRIPTIONS: tuple[type, ...] = ()
CUSTOMER_FIELDS: tuple[type, ...] = ()
