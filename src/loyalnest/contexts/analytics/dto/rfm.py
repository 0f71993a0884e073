"""DTOs of the RFM concern (frozen; what GraphQL and other contexts see).

A customer with no counted order (placed, not cancelled, not fully refunded) in the
lookback window, or who withdrew RFM tracking, has no score: ``CustomerRfmDTO`` is None
for them and they count in segment ``other``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from loyalnest.contexts.analytics.rules.rfm import RfmConfig


@dataclass(frozen=True, slots=True)
class RfmConfigDTO:
    """The shop's configuration, the boundaries of the last full pass, and its status."""

    merchant_id: int
    config: RfmConfig
    # quintile cut points (None before the first pass or after a configuration change)
    recency_cuts: tuple[datetime, ...] | None
    frequency_cuts: tuple[float, ...] | None
    monetary_cuts: tuple[float, ...] | None
    average_order_value: Decimal | None
    last_recomputed_at: datetime | None
    recompute_requested_at: datetime | None

    @property
    def recompute_pending(self) -> bool:
        requested, done = self.recompute_requested_at, self.last_recomputed_at
        return requested is not None and (done is None or requested > done)


@dataclass(frozen=True, slots=True)
class RfmConfigUpdate:
    """A change of configuration: None keeps the current value. A preset fills the
    three threshold rows (explicit rows given with it win)."""

    mode: str | None = None
    preset: str | None = None
    recency_days: tuple[int, ...] | None = None
    frequency_max: tuple[int, ...] | None = None
    monetary_ratios: tuple[Decimal, ...] | None = None
    lookback_days: int | None = None
    time_weighting: bool | None = None
    half_life_days: int | None = None


@dataclass(frozen=True, slots=True)
class CustomerRfmDTO:
    customer_id: int
    recency: int
    frequency: int
    monetary: int
    segment: str
    segment_since: datetime
    first_order_at: datetime
    last_order_at: datetime
    order_count: int
    net_spend: Decimal

    @property
    def score(self) -> str:
        """ "R-F-M", e.g. "5-4-5"."""
        return f"{self.recency}-{self.frequency}-{self.monetary}"


@dataclass(frozen=True, slots=True)
class SegmentChangeDTO:
    id: int
    customer_id: int
    from_segment: str | None
    to_segment: str
    changed_at: datetime


@dataclass(frozen=True, slots=True)
class RecomputeReport:
    merchant_id: int
    customers_scored: int
    segments_changed: int
    custom_segment_members: int
    seconds: float


@dataclass(frozen=True, slots=True)
class RfmPreviewDTO:
    """Segment sizes under a proposed configuration (nothing saved)."""

    counts: dict[str, int]
    total: int
