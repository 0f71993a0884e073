"""GraphQL of analytics' rfm concern. Exports the root parts and fields it adds."""

from __future__ import annotations

from loyalnest.graphql.analytics.rfm.customer_fields import CustomerRfmField
from loyalnest.graphql.analytics.rfm.mutations import MUTATIONS as MUTATIONS
from loyalnest.graphql.analytics.rfm.queries import QUERIES as QUERIES

SUBSCRIPTIONS: tuple[type, ...] = ()
CUSTOMER_FIELDS: tuple[type, ...] = (CustomerRfmField,)
ME_FIELDS: tuple[type, ...] = ()
