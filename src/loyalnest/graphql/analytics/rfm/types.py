"""GraphQL types of the RFM concern: the segment enum every analytics helper shares, the
shop's scoring configuration, a customer's scores and segment history."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Annotated

import strawberry
from strawberry.types import Info

from loyalnest.contexts.analytics import api as analytics


@strawberry.enum(
    description="A named RFM segment. Customers are matched against the rules in this order; "
    "the first match wins and a customer matching none is OTHER."
)
class RfmSegment(Enum):
    CHAMPIONS = strawberry.enum_value(
        "champions", description="Bought recently, buy often and spend the most (R 4-5, F 4-5, M 4-5)."
    )
    LOYAL = strawberry.enum_value("loyal", description="Buy regularly and spend well (R 2-5, F 3-5, M 3-5).")
    NEW_CUSTOMERS = strawberry.enum_value(
        "new_customers", description="Bought very recently, for the first time (R 4-5, F 1, M 1)."
    )
    PROMISING = strawberry.enum_value(
        "promising", description="Fairly recent one-time shoppers with low spend (R 3-4, F 1, M 1)."
    )
    POTENTIAL_LOYALIST = strawberry.enum_value(
        "potential_loyalist",
        description="Recent customers with a few orders and average spend (R 3-5, F 1-3, M 1-3).",
    )
    NEED_ATTENTION = strawberry.enum_value(
        "need_attention",
        description="Middling recency, frequency and spend; about to slip (R 2-3, F 2-3, M 2-3).",
    )
    ABOUT_TO_SLEEP = strawberry.enum_value(
        "about_to_sleep",
        description="Below-average recency with few orders and low spend (R 2-3, F 1-2, M 1-2).",
    )
    CANT_LOSE_THEM = strawberry.enum_value(
        "cant_lose_them",
        description="Former best customers who have not come back for the longest time (R 1, F 4-5, M 4-5).",
    )
    AT_RISK = strawberry.enum_value(
        "at_risk",
        description="Used to buy often and spend well but have not bought for a long time "
        "(R 1-2, F 2-5, M 2-5).",
    )
    HIBERNATING = strawberry.enum_value(
        "hibernating",
        description="Last bought long ago, with few orders and low spend (R 2, F 1-2, M 1-2). "
        "ABOUT_TO_SLEEP, matched first, covers this whole range, so no scored customer is in it; "
        "it stays for custom segments' rules and Shopify's DORMANT group.",
    )
    LOST = strawberry.enum_value(
        "lost", description="Lowest recency, frequency and spend (R 1, F 1-2, M 1-2)."
    )
    OTHER = strawberry.enum_value(
        "other",
        description="Matches no named segment, or has no scored order in the lookback window.",
    )


@strawberry.enum(description="How a shop scores R, F and M.")
class RfmMode(Enum):
    QUINTILES = strawberry.enum_value(
        "quintiles",
        description="1-5 by quintiles within the shop, recomputed daily and on demand (equal values "
        "share a score).",
    )
    THRESHOLDS = strawberry.enum_value(
        "thresholds", description="The shop's fixed boundaries (see RfmThresholds)."
    )


@strawberry.enum(description="Threshold presets by business type.")
class RfmPreset(Enum):
    DEFAULT = strawberry.enum_value(
        "default", description="General store: R <=7/30/60/90 days, F 1/2-3/4-6/7-10/>10, M 0.5/1/2/5 x AOV."
    )
    SUBSCRIPTION = strawberry.enum_value(
        "subscription", description="Monthly renewals: R5 within 14 days, more orders per F score."
    )
    APPAREL = strawberry.enum_value("apparel", description="Seasonal buying: recency bands follow seasons.")
    ELECTRONICS = strawberry.enum_value(
        "electronics", description="Rare big tickets: long recency bands, few orders per F score."
    )
    PET_SUPPLIES = strawberry.enum_value(
        "pet_supplies", description="Replenishment every 3-6 weeks: a missed refill shows in R."
    )


@strawberry.type(description="Fixed boundaries of THRESHOLDS mode (4 ascending numbers each).")
class RfmThresholds:
    recency_days: list[int] = strawberry.field(
        description="Upper bounds in days since the last order of R5, R4, R3, R2 (beyond the last: R1)."
    )
    frequency_max: list[int] = strawberry.field(
        description="Upper bounds in orders of F1, F2, F3, F4 (beyond the last: F5)."
    )
    monetary_ratios: list[Decimal] = strawberry.field(
        description="Upper bounds (exclusive) of M1, M2, M3, M4 as multiples of the shop's average order "
        "value (from the last one: M5)."
    )


@strawberry.type(description="The shop's RFM scoring configuration and the state of its boundaries.")
class RfmConfig:
    mode: RfmMode = strawberry.field(description="How R, F and M are scored.")
    preset: RfmPreset | None = strawberry.field(
        description="The preset the thresholds come from; null once edited by hand."
    )
    thresholds: RfmThresholds = strawberry.field(description="The THRESHOLDS mode boundaries.")
    lookback_days: int = strawberry.field(description="Only orders of the last N days count (30-3650).")
    time_weighting: bool = strawberry.field(
        description="Whether recent orders weigh more in F and M (exponential decay)."
    )
    half_life_days: int = strawberry.field(
        description="With time weighting: the age at which an order counts half (7-3650)."
    )
    average_order_value: Decimal | None = strawberry.field(
        description="The shop's average net order value (shop currency) of the last full pass; "
        "null before it."
    )
    recency_cuts: list[datetime] | None = strawberry.field(
        description="QUINTILES: last-order times separating R1|R2|R3|R4|R5; null before the first pass."
    )
    frequency_cuts: list[float] | None = strawberry.field(
        description="QUINTILES: order counts (or log-space weighted counts) separating F1..F5."
    )
    monetary_cuts: list[float] | None = strawberry.field(
        description="QUINTILES: net spend (or log-space weighted spend) separating M1..M5."
    )
    last_recomputed_at: datetime | None = strawberry.field(
        description="When the last full recompute finished; null: never."
    )
    recompute_pending: bool = strawberry.field(
        description="A recompute was asked for (recomputeRfm, a configuration change) and has not finished."
    )

    @classmethod
    def from_dto(cls, dto: analytics.RfmConfigDTO) -> RfmConfig:
        c = dto.config
        return cls(
            mode=RfmMode(c.mode),
            preset=None if c.preset is None else RfmPreset(c.preset),
            thresholds=RfmThresholds(
                recency_days=list(c.thresholds.recency_days),
                frequency_max=list(c.thresholds.frequency_max),
                monetary_ratios=list(c.thresholds.monetary_ratios),
            ),
            lookback_days=c.lookback_days,
            time_weighting=c.time_weighting,
            half_life_days=c.half_life_days,
            average_order_value=dto.average_order_value,
            recency_cuts=None if dto.recency_cuts is None else list(dto.recency_cuts),
            frequency_cuts=None if dto.frequency_cuts is None else list(dto.frequency_cuts),
            monetary_cuts=None if dto.monetary_cuts is None else list(dto.monetary_cuts),
            last_recomputed_at=dto.last_recomputed_at,
            recompute_pending=dto.recompute_pending,
        )


@strawberry.type(description="How many customers a segment holds.")
class RfmSegmentSize:
    segment: RfmSegment = strawberry.field(description="The segment.")
    customers: int = strawberry.field(description="Customers in it.")


@strawberry.type(description="Segment sizes under a proposed configuration (nothing saved).")
class RfmPreview:
    segments: list[RfmSegmentSize] = strawberry.field(description="Every segment, in match order.")
    total: int = strawberry.field(description="Customers scored.")
    milliseconds: float = strawberry.field(description="How long the preview took to compute.")


@strawberry.type(description="A change of a customer's RFM segment.")
class RfmSegmentChange:
    from_segment: RfmSegment | None = strawberry.field(
        name="from", description="The segment before; null for the customer's first."
    )
    to_segment: RfmSegment = strawberry.field(name="to", description="The segment after.")
    changed_at: datetime = strawberry.field(description="When it changed.")


@strawberry.type(description="A customer's RFM scores and segment, from their orders in the lookback window.")
class CustomerRfm:
    local_id: strawberry.Private[int]
    recency: int = strawberry.field(description="R, 1-5 (5 = most recent).")
    frequency: int = strawberry.field(description="F, 1-5 (5 = most frequent).")
    monetary: int = strawberry.field(description="M, 1-5 (5 = highest net spend).")
    score: str = strawberry.field(description='The three scores as "R-F-M", e.g. "5-4-5".')
    segment: RfmSegment = strawberry.field(description="The named segment the scores fall in.")
    shopify_rfm_group: str = strawberry.field(
        description="The segment as Shopify's CustomerRfmGroup value (e.g. CHAMPIONS, AT_RISK)."
    )
    segment_since: datetime = strawberry.field(description="Since when the customer is in this segment.")
    first_order_at: datetime = strawberry.field(description="The first counted order in the window.")
    last_order_at: datetime = strawberry.field(description="The last counted order.")
    order_count: int = strawberry.field(
        description="Counted orders in the window (not cancelled or fully refunded)."
    )
    net_spend: Decimal = strawberry.field(
        description="Net spend in the window, shop currency, after refunds."
    )

    @strawberry.field(description="The customer's latest segment changes, newest first (batched).")
    async def history(
        self,
        info: Info,
        first: Annotated[int, strawberry.argument(description="How many (1-100).")] = 10,
    ) -> list[RfmSegmentChange]:
        size = max(1, min(first, 100))
        changes = await info.context.loaders.get("analytics.rfm_history", size).load(self.local_id)
        return [
            RfmSegmentChange(
                from_segment=None if c.from_segment is None else RfmSegment(c.from_segment),
                to_segment=RfmSegment(c.to_segment),
                changed_at=c.changed_at,
            )
            for c in changes
        ]

    @classmethod
    def from_dto(cls, dto: analytics.CustomerRfmDTO) -> CustomerRfm:
        return cls(
            local_id=dto.customer_id,
            recency=dto.recency,
            frequency=dto.frequency,
            monetary=dto.monetary,
            score=dto.score,
            segment=RfmSegment(dto.segment),
            shopify_rfm_group=analytics.SHOPIFY_RFM_GROUP[dto.segment],
            segment_since=dto.segment_since,
            first_order_at=dto.first_order_at,
            last_order_at=dto.last_order_at,
            order_count=dto.order_count,
            net_spend=dto.net_spend,
        )
