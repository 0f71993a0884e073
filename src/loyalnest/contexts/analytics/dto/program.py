"""Frozen DTOs of program analytics and the charts (re-exported by ``analytics.api``).

Charts are shaped for Chart.js-style consumers: ``labels`` (the x axis) and ``series``,
each a key, a label and one value per label."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class ChartSeriesDTO:
    key: str
    label: str
    data: tuple[float, ...]


@dataclass(frozen=True)
class ChartDTO:
    labels: tuple[str, ...]
    series: tuple[ChartSeriesDTO, ...]


@dataclass(frozen=True)
class SourcePointsDTO:
    source: str
    points: int


@dataclass(frozen=True)
class TierShareDTO:
    tier_id: int
    name: str
    customers: int


@dataclass(frozen=True)
class ProgramTotalsDTO:
    """Totals of a range. ``members``, ``active_members`` and ``outstanding_points`` are
    as of the range's last day; the others are sums over the range."""

    members: int
    new_members: int
    active_members: int
    points_issued: int
    points_redeemed: int
    points_expired: int
    points_returned: int
    points_reversed: int
    outstanding_points: int
    # outstanding points x the point value; None when the shop has no fixed-amount reward
    liability: Decimal | None
    # points redeemed / points issued in the range (None: nothing issued)
    redemption_rate: Decimal | None
    revenue: Decimal
    code_orders: int
    code_revenue: Decimal
    member_orders: int
    nonmember_orders: int
    # share of the group's orders that were a customer's second or later order
    member_repeat_rate: Decimal | None
    nonmember_repeat_rate: Decimal | None


@dataclass(frozen=True)
class ProgramAnalyticsDTO:
    start: date
    end: date
    currency: str
    # money per point (``rewards.point_value``); None without a fixed-amount reward
    point_value: Decimal | None
    totals: ProgramTotalsDTO
    issued_by_source: tuple[SourcePointsDTO, ...]
    # members, activity, points and orders per day
    daily: ChartDTO
    # points issued per day, one series per source
    issued_daily: ChartDTO
    # customers per tier now (empty without tiers)
    tiers: tuple[TierShareDTO, ...]


@dataclass(frozen=True)
class HeatmapDTO:
    """RxF: ``labels`` R1..R5, one series per F (F1..F5) of customer counts, and the same
    grid of average net spend in ``average_monetary``."""

    counts: ChartDTO
    average_monetary: ChartDTO


@dataclass(frozen=True)
class ScatterPointDTO:
    customer_id: int
    recency_days: int
    monetary: Decimal
    segment: str


@dataclass(frozen=True)
class ScatterDTO:
    points: tuple[ScatterPointDTO, ...]
    # customers scored in all (the sample holds at most ``SCATTER_SAMPLE``)
    population: int


@dataclass(frozen=True)
class TransitionMatrixDTO:
    """``labels`` are segments; series ``from`` has, per ``to`` label, the customers who
    moved from segment ``from`` to it in the range (a first scoring comes from ``new``)."""

    labels: tuple[str, ...]
    series: tuple[ChartSeriesDTO, ...]
    total: int
