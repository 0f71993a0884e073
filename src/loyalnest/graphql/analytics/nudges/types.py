"""GraphQL types of nudges, built from ``analytics.api`` DTOs."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import Enum

import strawberry

from loyalnest.contexts.analytics import api as analytics
from loyalnest.graphql.core.ids import encode_id
from loyalnest.graphql.core.node import Node
from loyalnest.graphql.core.pagination import Connection, Count, connection

NUDGE = "Nudge"
NUDGE_VARIANT = "NudgeVariant"
NUDGE_EMAIL_RUN = "NudgeEmailRun"


@strawberry.enum(description="Who a nudge is for.")
class NudgeType(Enum):
    AT_RISK = strawberry.enum_value(
        "at_risk", description="Customers in the At Risk and Can't Lose Them RFM segments."
    )
    LOYAL = strawberry.enum_value("loyal", description="Customers in the Champions and Loyal RFM segments.")
    NEW = strawberry.enum_value("new", description="Customers in the New Customers RFM segment.")
    INACTIVE = strawberry.enum_value(
        "inactive", description="Customers in the About to Sleep, Hibernating and Lost RFM segments."
    )
    TIER_DROPPED = strawberry.enum_value(
        "tier_dropped", description="Customers whose VIP tier went down in the last 30 days."
    )
    SEGMENT = strawberry.enum_value(
        "segment",
        description="The customers of one segment, named by `segment`: a built-in RFM segment's slug "
        "(e.g. `champions`) or a custom segment as `custom:<id>`.",
    )


@strawberry.enum(description="What a storefront customer did with a nudge.")
class NudgeEventKind(Enum):
    VIEW = strawberry.enum_value("view", description="The nudge was shown.")
    CLICK = strawberry.enum_value(
        "click", description="The call to action was followed (an order within 7 days converts)."
    )
    DISMISS = strawberry.enum_value(
        "dismiss", description="The customer closed it: hidden for the nudge's `hideDays`."
    )


@strawberry.enum(description="Where an email nudge run stands.")
class NudgeEmailStatus(Enum):
    QUEUED = strawberry.enum_value("queued", description="Waiting for a worker.")
    RUNNING = strawberry.enum_value("running", description="Going through the segment, page by page.")
    DONE = strawberry.enum_value("done", description="Every customer of the segment was looked at.")


@strawberry.type(description="A text in one locale.")
class NudgeText:
    locale: str = strawberry.field(description="A BCP 47 tag (`en`, `fr-CA`).")
    text: str = strawberry.field(description="The text.")


def texts(pairs: tuple[tuple[str, str], ...] | None) -> list[NudgeText] | None:
    return None if pairs is None else [NudgeText(locale=locale, text=text) for locale, text in pairs]


@strawberry.type(description="One A/B variant of a nudge.")
class NudgeVariant:
    id: strawberry.ID = strawberry.field(description="The variant's global id.")
    name: str = strawberry.field(description="The merchant's name for it (unique within the nudge).")
    weight: int = strawberry.field(
        description="Its share of customers relative to the other variants' weights (1-10,000)."
    )
    control: bool = strawberry.field(description="The control: every other variant's p-value is against it.")
    titles: list[NudgeText] | None = strawberry.field(
        description="Titles replacing the nudge's, per locale; null: the nudge's own."
    )
    bodies: list[NudgeText] | None = strawberry.field(
        description="Texts replacing the nudge's, per locale; null: the nudge's own."
    )
    cta_labels: list[NudgeText] | None = strawberry.field(
        description="Call-to-action labels replacing the nudge's, per locale; null: the nudge's own."
    )

    @classmethod
    def from_dto(cls, dto: analytics.NudgeVariantDTO) -> NudgeVariant:
        return cls(
            id=encode_id(NUDGE_VARIANT, dto.id),
            name=dto.name,
            weight=dto.weight,
            control=dto.control,
            titles=texts(dto.titles),
            bodies=texts(dto.bodies),
            cta_labels=texts(dto.cta_labels),
        )


@strawberry.type(
    description="A nudge: a message shown in the storefront (and optionally emailed) to a segment."
)
class Nudge(Node):
    name: str = strawberry.field(description="The merchant's name for it (not shown to customers).")
    type: NudgeType = strawberry.field(description="Who it is for.")
    segment: str | None = strawberry.field(
        description="With type SEGMENT: the segment (a built-in slug or `custom:<id>`); else null."
    )
    default_locale: str = strawberry.field(
        description="The locale whose texts are used when the customer's has none."
    )
    titles: list[NudgeText] = strawberry.field(description="The title per locale.")
    bodies: list[NudgeText] = strawberry.field(description="The text per locale.")
    cta_labels: list[NudgeText] = strawberry.field(description="The call to action's label per locale.")
    cta_url: str = strawberry.field(
        description="Where the call to action leads (https, or a path of the shop)."
    )
    enabled: bool = strawberry.field(description="Whether the storefront shows it.")
    hide_days: int = strawberry.field(description="Days a dismissed nudge stays hidden from that customer.")
    archived_at: datetime | None = strawberry.field(
        description="When it was archived (it is off for good; results stay readable); null: live."
    )
    created_at: datetime = strawberry.field(description="When it was created.")
    updated_at: datetime = strawberry.field(description="When it last changed.")
    variants: list[NudgeVariant] = strawberry.field(
        description="Its live A/B variants in order; customers are split by their weights."
    )

    @classmethod
    def from_dto(cls, dto: analytics.NudgeDTO) -> Nudge:
        return cls(
            id=encode_id(NUDGE, dto.id),
            name=dto.name,
            type=NudgeType(dto.kind),
            segment=dto.segment,
            default_locale=dto.default_locale,
            titles=texts(dto.titles) or [],
            bodies=texts(dto.bodies) or [],
            cta_labels=texts(dto.cta_labels) or [],
            cta_url=dto.cta_url,
            enabled=dto.enabled,
            hide_days=dto.hide_days,
            archived_at=dto.archived_at,
            created_at=dto.created_at,
            updated_at=dto.updated_at,
            variants=[NudgeVariant.from_dto(v) for v in dto.variants],
        )


def nudge_connection(page: analytics.NudgePage, after_given: bool, count: Count) -> Connection[Nudge]:
    return connection(
        [Nudge.from_dto(dto) for dto in page.items],
        ids=[dto.id for dto in page.items],
        has_next_page=page.has_next,
        has_previous_page=after_given,
        count=count,
    )


@strawberry.type(description="How one variant did.")
class NudgeVariantResult:
    variant_id: strawberry.ID = strawberry.field(description="The variant's global id.")
    name: str = strawberry.field(description="Its name.")
    control: bool = strawberry.field(description="Whether it is the control.")
    weight: int = strawberry.field(description="Its weight.")
    removed: bool = strawberry.field(description="Left out of the variant list since (its numbers stay).")
    views: int = strawberry.field(description="Customers who saw it.")
    clicks: int = strawberry.field(description="Customers who followed its call to action.")
    ctr: float | None = strawberry.field(description="clicks / views (0-1); null without views.")
    conversions: int = strawberry.field(description="Orders placed within 7 days after a click on it.")
    converted_customers: int = strawberry.field(description="Customers who placed those orders.")
    revenue: Decimal = strawberry.field(description="Those orders' subtotal after discounts, shop currency.")
    conversion_rate: float | None = strawberry.field(
        description="convertedCustomers / views (0-1); null without views."
    )
    p_value: float | None = strawberry.field(
        description="Two-sided p-value of a two-proportion z-test of its conversion rate against the "
        "control's; null for the control, or when undefined (no views, or no variance)."
    )
    significant: bool = strawberry.field(
        description="pValue < 0.05: the difference from the control is significant at 95%."
    )
    ctr_p_value: float | None = strawberry.field(
        description="The same test on the click-through rate; null as pValue."
    )

    @classmethod
    def from_dto(cls, dto: analytics.VariantResultDTO) -> NudgeVariantResult:
        return cls(
            variant_id=encode_id(NUDGE_VARIANT, dto.variant_id),
            name=dto.name,
            control=dto.control,
            weight=dto.weight,
            removed=dto.removed,
            views=dto.views,
            clicks=dto.clicks,
            ctr=dto.ctr,
            conversions=dto.conversions,
            converted_customers=dto.converted_customers,
            revenue=dto.revenue,
            conversion_rate=dto.conversion_rate,
            p_value=dto.p_value,
            significant=dto.significant,
            ctr_p_value=dto.ctr_p_value,
        )


@strawberry.type(
    description="A nudge's A/B results, per variant (views and clicks count distinct customers)."
)
class NudgeResults:
    nudge_id: strawberry.ID = strawberry.field(description="The nudge's global id.")
    control_variant_id: strawberry.ID | None = strawberry.field(
        description="The control variant's global id; null: none live."
    )
    variants: list[NudgeVariantResult] = strawberry.field(
        description="Every variant that ever ran, live ones first in their order."
    )

    @classmethod
    def from_dto(cls, dto: analytics.NudgeResultsDTO) -> NudgeResults:
        return cls(
            nudge_id=encode_id(NUDGE, dto.nudge_id),
            control_variant_id=None
            if dto.control_variant_id is None
            else encode_id(NUDGE_VARIANT, dto.control_variant_id),
            variants=[NudgeVariantResult.from_dto(v) for v in dto.variants],
        )


@strawberry.type(description="An email nudge sent to a segment, and its progress.")
class NudgeEmailRun:
    id: strawberry.ID = strawberry.field(description="The run's global id (for nudgeEmailRun).")
    nudge_id: strawberry.ID = strawberry.field(description="The nudge's global id.")
    segment: str = strawberry.field(
        description="Its audience: `type:<nudge type>` (the nudge's own, e.g. `type:at_risk`), a "
        "built-in segment slug (`loyal`) or `custom:<id>`."
    )
    status: NudgeEmailStatus = strawberry.field(description="Where it stands.")
    seen: int = strawberry.field(description="Customers of the segment looked at so far.")
    queued: int = strawberry.field(description="Emails handed to the notifications context so far.")
    skipped: int = strawberry.field(
        description="Customers left out: no marketing consent or no email, or emailed this nudge "
        "within 30 days."
    )
    created_at: datetime = strawberry.field(description="When it was asked for.")
    finished_at: datetime | None = strawberry.field(description="When it finished; null: not yet.")

    @classmethod
    def from_dto(cls, dto: analytics.EmailRunDTO) -> NudgeEmailRun:
        return cls(
            id=encode_id(NUDGE_EMAIL_RUN, dto.id),
            nudge_id=encode_id(NUDGE, dto.nudge_id),
            segment=dto.segment,
            status=NudgeEmailStatus(dto.status),
            seen=dto.seen,
            queued=dto.queued,
            skipped=dto.skipped,
            created_at=dto.created_at,
            finished_at=dto.finished_at,
        )


@strawberry.type(description="A nudge for you, in your variant and language.")
class MyNudge:
    nudge_id: strawberry.ID = strawberry.field(description="Pass it to recordNudgeEvent.")
    variant_id: strawberry.ID = strawberry.field(description="Pass it to recordNudgeEvent.")
    type: NudgeType = strawberry.field(description="Why it is shown to you.")
    title: str = strawberry.field(description="Its title.")
    body: str = strawberry.field(description="Its text.")
    cta_label: str = strawberry.field(description="The call to action's label.")
    cta_url: str = strawberry.field(
        description="Where the call to action leads (https, or a path of the shop)."
    )

    @classmethod
    def from_dto(cls, dto: analytics.MyNudgeDTO) -> MyNudge:
        return cls(
            nudge_id=encode_id(NUDGE, dto.nudge_id),
            variant_id=encode_id(NUDGE_VARIANT, dto.variant_id),
            type=NudgeType(dto.kind),
            title=dto.title,
            body=dto.body,
            cta_label=dto.cta_label,
            cta_url=dto.cta_url,
        )
