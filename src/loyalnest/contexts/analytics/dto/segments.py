"""Frozen DTOs of analytics' segments (re-exported by ``api``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class CustomSegmentDTO:
    id: int
    merchant_id: int
    name: str
    description: str | None
    # the rule as written by the merchant
    rule: str
    # the rule in canonical form (what the parser understood)
    canonical_rule: str
    members: int
    # when members were last materialised; None while the first refresh is queued
    refreshed_at: datetime | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class SegmentCountDTO:
    """A built-in segment's size now and how it changed."""

    slug: str
    customers: int
    # customers / all scored customers (0 when the shop has none)
    share: float
    # customers now minus the daily count 7 / 30 shop-local days ago (None: no count that day)
    change_7_days: int | None
    change_30_days: int | None


@dataclass(frozen=True, slots=True)
class SegmentTransitionDTO:
    """Customers whose first state in a range was ``from_segment`` and last state ``to_segment``."""

    from_segment: str
    to_segment: str
    customers: int


@dataclass(frozen=True, slots=True)
class CustomSegmentInput:
    name: str
    rule: str
    description: str | None = None
