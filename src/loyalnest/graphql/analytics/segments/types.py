"""GraphQL types of analytics' segments: the built-in segments' counts and trends,
transitions between segments, and the shop's custom segments."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from loyalnest.contexts.analytics import api as analytics
from loyalnest.graphql.analytics.rfm.types import RfmSegment
from loyalnest.graphql.core.ids import encode_id
from loyalnest.graphql.core.node import Node

LOCALE_ARGUMENT = strawberry.argument(
    description="A BCP 47 tag (de, pt-BR, zh-CN...). Without it the shop's default locale. A locale "
    "LoyalNest does not ship falls back to its language, then to English."
)


@strawberry.type(description="A built-in RFM segment's size now and how it changed.")
class RfmSegmentCount:
    segment: RfmSegment = strawberry.field(description="The segment.")
    slug: str = strawberry.field(description="The segment's stable slug (champions, at_risk...).")
    customers: int = strawberry.field(description="Scored customers in the segment now.")
    share: float = strawberry.field(
        description="Its customers as a fraction (0-1) of every scored customer; 0 when none is scored."
    )
    change_7_days: int | None = strawberry.field(
        description="Customers now minus the count 7 shop-local days ago; null when no daily count "
        "exists for that day (scoring started later)."
    )
    change_30_days: int | None = strawberry.field(
        description="Customers now minus the count 30 shop-local days ago; null when no daily count "
        "exists for that day."
    )
    shopify_rfm_group: str = strawberry.field(
        description="The Shopify CustomerRfmGroup value this segment corresponds to (CHAMPIONS, "
        "AT_RISK, DORMANT...)."
    )
    default_locale: strawberry.Private[str]

    @strawberry.field(description="The segment's name in a locale (22 shipped).")
    def name(self, locale: Annotated[str | None, LOCALE_ARGUMENT] = None) -> str:
        return analytics.segment_name(self.slug, locale or self.default_locale)

    @classmethod
    def from_dto(cls, dto: analytics.SegmentCountDTO, default_locale: str) -> RfmSegmentCount:
        return cls(
            segment=RfmSegment(dto.slug),
            slug=dto.slug,
            customers=dto.customers,
            share=dto.share,
            change_7_days=dto.change_7_days,
            change_30_days=dto.change_30_days,
            shopify_rfm_group=analytics.SHOPIFY_RFM_GROUP[dto.slug],
            default_locale=default_locale,
        )


@strawberry.type(description="The shop's customers by built-in RFM segment.")
class RfmSegments:
    total_customers: int = strawberry.field(description="Every scored customer of the shop.")
    segments: list[RfmSegmentCount] = strawberry.field(
        description="Every built-in segment in match order (Champions first, Other last), empty ones "
        "included."
    )

    @classmethod
    def from_dtos(cls, dtos: list[analytics.SegmentCountDTO], default_locale: str) -> RfmSegments:
        return cls(
            total_customers=sum(d.customers for d in dtos),
            segments=[RfmSegmentCount.from_dto(d, default_locale) for d in dtos],
        )


@strawberry.type(description="Customers who moved from one segment to another over a date range.")
class SegmentTransition:
    from_segment: RfmSegment = strawberry.field(
        description="Their segment when the range began (before their first change in it; OTHER for "
        "customers scored for the first time in the range)."
    )
    to_segment: RfmSegment = strawberry.field(description="Their segment when the range ended.")
    customers: int = strawberry.field(description="How many customers moved so.")

    @classmethod
    def from_dto(cls, dto: analytics.SegmentTransitionDTO) -> SegmentTransition:
        return cls(
            from_segment=RfmSegment(dto.from_segment),
            to_segment=RfmSegment(dto.to_segment),
            customers=dto.customers,
        )


@strawberry.type(
    description="A segment the shop defined with a rule, e.g. "
    "`segment = champions and points_balance >= 500`. "
    "A customer may be in several custom segments and in a built-in one."
)
class CustomSegment(Node):
    name: str = strawberry.field(description="The segment's name (1-100 characters).")
    description: str | None = strawberry.field(description="What the segment is for; null: none.")
    rule: str = strawberry.field(description="The rule as written.")
    canonical_rule: str = strawberry.field(
        description="The rule as the parser understood it (canonical spacing, quoting and parentheses)."
    )
    members: int = strawberry.field(description="Customers in the segment at its last refresh.")
    refreshed_at: datetime | None = strawberry.field(
        description="When its members were last computed; null while the first computation is queued. "
        "Members are recomputed after each change of the rule and after every full RFM recompute."
    )
    created_at: datetime = strawberry.field(description="When the segment was created.")
    updated_at: datetime = strawberry.field(description="When the segment was last changed.")

    @classmethod
    def from_dto(cls, dto: analytics.CustomSegmentDTO) -> CustomSegment:
        return cls(
            id=encode_id("CustomSegment", dto.id),
            name=dto.name,
            description=dto.description,
            rule=dto.rule,
            canonical_rule=dto.canonical_rule,
            members=dto.members,
            refreshed_at=dto.refreshed_at,
            created_at=dto.created_at,
            updated_at=dto.updated_at,
        )
