"""The RFM configuration as GraphQL input (for updateRfmConfig and previewRfmConfig)."""

from __future__ import annotations

from decimal import Decimal

import strawberry

from loyalnest.contexts.analytics import api as analytics
from loyalnest.graphql.analytics.rfm.types import RfmMode, RfmPreset


@strawberry.input(description="Changes to the RFM configuration: omitted (or null) fields keep their value.")
class RfmConfigInput:
    mode: RfmMode | None = strawberry.field(default=None, description="How R, F and M are scored.")
    preset: RfmPreset | None = strawberry.field(
        default=None, description="Fill the three threshold rows from a preset (rows given too win)."
    )
    recency_days: list[int] | None = strawberry.field(
        default=None, description="4 ascending day counts: upper bounds of R5, R4, R3, R2."
    )
    frequency_max: list[int] | None = strawberry.field(
        default=None, description="4 ascending order counts: upper bounds of F1, F2, F3, F4."
    )
    monetary_ratios: list[Decimal] | None = strawberry.field(
        default=None, description="4 ascending multiples of the average order value: bounds of M1..M4."
    )
    lookback_days: int | None = strawberry.field(
        default=None, description="Window of counted orders (30-3650)."
    )
    time_weighting: bool | None = strawberry.field(
        default=None, description="Weight recent orders more in F and M."
    )
    half_life_days: int | None = strawberry.field(
        default=None, description="Age at which an order weighs half (7-3650)."
    )


def to_update(data: RfmConfigInput) -> analytics.RfmConfigUpdate:
    return analytics.RfmConfigUpdate(
        mode=None if data.mode is None else str(data.mode.value),
        preset=None if data.preset is None else str(data.preset.value),
        recency_days=None if data.recency_days is None else tuple(data.recency_days),
        frequency_max=None if data.frequency_max is None else tuple(data.frequency_max),
        monetary_ratios=None if data.monetary_ratios is None else tuple(data.monetary_ratios),
        lookback_days=data.lookback_days,
        time_weighting=data.time_weighting,
        half_life_days=data.half_life_days,
    )
