"""GraphQL of analytics' nudges concern. Exports the root parts and fields it adds."""

from __future__ import annotations

QUERIES: tuple[type, ...] = ()
MUTATIONS: tuple[type, ...] = ()
SUBSCRIPTIONS: tuple[type, ...] = ()
CUSTOMER_FIELDS: tuple[type, ...] = ()
ME_FIELDS: tuple[type, ...] = ()
