"""GraphQL of analytics' segments concern: built-in segment counts, members and
transitions, custom segments (queries, mutations, Customer.customSegments) and the
rfmSegmentsChanged subscription."""

from __future__ import annotations

from loyalnest.graphql.analytics.segments.customer_fields import CustomerCustomSegments
from loyalnest.graphql.analytics.segments.mutations import SegmentsMutation
from loyalnest.graphql.analytics.segments.queries import SegmentsQuery
from loyalnest.graphql.analytics.segments.subscriptions import SegmentsSubscription

QUERIES: tuple[type, ...] = (SegmentsQuery,)
MUTATIONS: tuple[type, ...] = (SegmentsMutation,)
SUBSCRIPTIONS: tuple[type, ...] = (SegmentsSubscription,)
CUSTOMER_FIELDS: tuple[type, ...] = (CustomerCustomSegments,)
ME_FIELDS: tuple[type, ...] = ()
