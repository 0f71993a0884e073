"""GraphQL of analytics' program concern: ``programAnalytics``, the charts (``rfmHeatmap``,
``rfmScatter``, ``segmentSizes``, ``segmentTransitionMatrix``) and the
``analyticsUpdated`` subscription."""

from __future__ import annotations

from loyalnest.graphql.analytics.program.queries import ProgramQuery
from loyalnest.graphql.analytics.program.subscriptions import ProgramSubscription

QUERIES: tuple[type, ...] = (ProgramQuery,)
MUTATIONS: tuple[type, ...] = ()
SUBSCRIPTIONS: tuple[type, ...] = (ProgramSubscription,)
CUSTOMER_FIELDS: tuple[type, ...] = ()
ME_FIELDS: tuple[type, ...] = ()
