"""Reactions of the analytics context to other contexts' events, in the publisher's
transaction. Import order is handler order: the RFM summaries first (nudges read the
segment an order leaves the customer in)."""

from loyalnest.contexts.analytics.handlers import rfm, segments, program, nudges, erasure, consents  # noqa: I001

__all__ = ["consents", "erasure", "nudges", "program", "rfm", "segments"]
