"""The erasure of one customer's personal data, as an event every context reacts to.

Published by the privacy context (Shopify's ``customers/redact``) in one transaction;
each context that keeps anything personal about customers handles it in its own
``handlers.py`` and erases or anonymises what it holds, in that transaction, so the
erasure commits whole or not at all. Handlers are idempotent (a second event for the
same customer finds nothing left) and keep what accounting needs without the person:
amounts, dates and our own ids (the customer's id stays, naming nobody).

It lives in the shared kernel rather than in the privacy context because every
context handles it while privacy needs some of them (the customers' own reads): an
event owned by privacy would make that a cycle.
"""

from __future__ import annotations

from dataclasses import dataclass

import orjson

from loyalnest.platform.events import Event


@dataclass(frozen=True, slots=True)
class CustomerErased(Event):
    merchant_id: int
    customer_id: int
    # the id Shopify knows the customer by (its webhooks' payloads name it)
    shopify_customer_id: int | None = None
    # what the customer was known by, read before the erasure, for free text and JSON
    # that may quote it (audit details, a note): emails, phone, names, birthday.
    # In memory only: never stored or logged.
    known_as: tuple[str, ...] = ()

    def __repr__(self) -> str:  # a traceback or a log line never shows ``known_as``
        return f"CustomerErased(merchant_id={self.merchant_id}, customer_id={self.customer_id})"


# Shorter values ("Al", "Li") would match inside other words and JSON keys: free text
# is searched for what the customer was known by only from this length on.
MIN_SEARCHED_LENGTH = 3


def searched_values(event: CustomerErased) -> list[str]:
    """The values of ``known_as`` worth looking for in free text and JSON, longest first
    (an email before the name inside it)."""
    found = {v for v in event.known_as if len(v) >= MIN_SEARCHED_LENGTH}
    return sorted(found, key=lambda v: (-len(v), v))


def json_fragment(value: str) -> str:
    """``value`` as it appears inside a JSON string (escaped, without its quotes)."""
    return orjson.dumps(value).decode()[1:-1]
