"""Integration events of the analytics context.

``SegmentChanged`` is published on the unit of work that moved a customer from one RFM
segment to another (an order, refund or cancellation in real time, or the daily /
on-demand full recompute), for every change, so reactions (nudges) commit with it.
After commit, each shop whose segments changed gets one signal on
``segments_changed_channel`` (Redis pub/sub, at most once per unit of work): the
``rfmSegmentsChanged`` subscription refetches counts from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from loyalnest.platform.events import Event


def segments_changed_channel(merchant_id: int) -> str:
    """Redis pub/sub channel signalling that a shop's segment membership changed."""
    return f"analytics.segments_changed:{merchant_id}"


@dataclass(frozen=True, slots=True)
class SegmentChanged(Event):
    """A customer's RFM segment changed. ``from_segment`` is None for a customer's first
    segment; ``to_segment`` is ``"other"`` when they left scoring (no order left in the
    lookback window, or tracking withdrawn)."""

    merchant_id: int
    customer_id: int
    from_segment: str | None
    to_segment: str
    occurred_at: datetime
