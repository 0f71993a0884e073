"""GraphQL types of program analytics and the charts, built from ``analytics.api`` DTOs.
Charts are Chart.js-shaped: ``labels`` (the x axis) and ``series`` (one value per label)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import strawberry
from strawberry.scalars import JSON

from loyalnest.contexts.analytics import api as analytics
from loyalnest.contexts.campaigns import api as campaigns_api
from loyalnest.contexts.referrals import api as referrals_api
from loyalnest.graphql.analytics.rfm.types import RfmSegment
from loyalnest.graphql.campaigns.types import Campaign, CampaignResults
from loyalnest.graphql.core.ids import encode_id
from loyalnest.graphql.core.scalars import BigInt
from loyalnest.graphql.referrals.types import ReferralAnalytics


@strawberry.type(description="One line of a chart: a value per label of its chart.")
class ChartSeries:
    key: str = strawberry.field(
        description="A stable key for the line (e.g. `members`, a source, a segment)."
    )
    label: str = strawberry.field(description="A readable name for the legend (English; keys are stable).")
    # JSON, not [Float!]: a year of daily series is thousands of numbers, and completing
    # each as its own Float cost more than the rest of the query (it pushed a year's
    # dashboard past the 100 ms target); a scalar is serialized in one call
    data: JSON = strawberry.field(
        description="One number per label of the chart, in order (a JSON array of numbers)."
    )

    @classmethod
    def from_dto(cls, dto: analytics.ChartSeriesDTO) -> ChartSeries:
        return cls(key=dto.key, label=dto.label, data=JSON(list(dto.data)))


@strawberry.type(description="Data for a chart, shaped for Chart.js-style consumers.")
class Chart:
    labels: list[str] = strawberry.field(description="The x axis (days as YYYY-MM-DD, or category names).")
    series: list[ChartSeries] = strawberry.field(
        description="The lines (datasets), each one value per label."
    )

    @classmethod
    def from_dto(cls, dto: analytics.ChartDTO) -> Chart:
        return cls(labels=list(dto.labels), series=[ChartSeries.from_dto(s) for s in dto.series])


@strawberry.type(description="Points issued from one source over the range.")
class PointsBySource:
    source: str = strawberry.field(
        description="Where they came from: purchase, signup, newsletter, birthday, review, custom, campaign, "
        "tier_bonus, referral, import, adjust, or the name of another earning rule."
    )
    points: BigInt = strawberry.field(description="Points issued from it in the range.")


@strawberry.type(description="How many customers stand in a tier now.")
class TierShare:
    tier_id: strawberry.ID = strawberry.field(description="The tier's global id.")
    name: str = strawberry.field(description="The tier's name in its default locale.")
    customers: int = strawberry.field(description="Customers in the tier now.")


@strawberry.type(
    description="Totals of a range. members, activeMembers and outstandingPoints are as of the range's last "
    "day; the others are sums over the range."
)
class ProgramTotals:
    members: int = strawberry.field(
        description="Members at the end of the range: customers with at least one ledger entry by then."
    )
    new_members: int = strawberry.field(description="Customers whose first ledger entry fell in the range.")
    active_members: int = strawberry.field(
        description="Members who earned or spent points in the 30 days ending on the range's last day."
    )
    points_issued: BigInt = strawberry.field(description="Points credited by earnings of every source.")
    points_redeemed: BigInt = strawberry.field(description="Points spent on rewards.")
    points_expired: BigInt = strawberry.field(description="Points that expired.")
    points_returned: BigInt = strawberry.field(
        description="Points given back for redemptions whose code was never used or failed."
    )
    points_reversed: BigInt = strawberry.field(description="Points taken back by refunds and cancellations.")
    outstanding_points: BigInt = strawberry.field(
        description="Points customers hold at the end of the range."
    )
    liability: Decimal | None = strawberry.field(
        description="outstandingPoints x pointValue in shop currency; null when the shop has no live "
        "fixed-amount reward to value a point."
    )
    redemption_rate: Decimal | None = strawberry.field(
        description="pointsRedeemed / pointsIssued (0-1, 4 places); null when nothing was issued."
    )
    revenue: Decimal = strawberry.field(
        description="Net merchandise revenue of the orders placed in the range (refunds deducted, cancelled "
        "orders left out)."
    )
    code_orders: int = strawberry.field(description="Orders in the range that used a LoyalNest reward code.")
    code_revenue: Decimal = strawberry.field(description="Net revenue of those orders.")
    member_orders: int = strawberry.field(
        description="Orders by members (customers with a points account when counted)."
    )
    non_member_orders: int = strawberry.field(
        description="Orders by everyone else, guest checkouts included."
    )
    member_repeat_rate: Decimal | None = strawberry.field(
        description="Share of member orders that were the customer's second or later order (0-1); null "
        "without member orders."
    )
    non_member_repeat_rate: Decimal | None = strawberry.field(
        description="The same for non-member orders (a guest order is never a repeat); null without any."
    )

    @classmethod
    def from_dto(cls, dto: analytics.ProgramTotalsDTO) -> ProgramTotals:
        return cls(
            members=dto.members,
            new_members=dto.new_members,
            active_members=dto.active_members,
            points_issued=dto.points_issued,
            points_redeemed=dto.points_redeemed,
            points_expired=dto.points_expired,
            points_returned=dto.points_returned,
            points_reversed=dto.points_reversed,
            outstanding_points=dto.outstanding_points,
            liability=dto.liability,
            redemption_rate=dto.redemption_rate,
            revenue=dto.revenue,
            code_orders=dto.code_orders,
            code_revenue=dto.code_revenue,
            member_orders=dto.member_orders,
            non_member_orders=dto.nonmember_orders,
            member_repeat_rate=dto.member_repeat_rate,
            non_member_repeat_rate=dto.nonmember_repeat_rate,
        )


@strawberry.type(description="A campaign and its results.")
class CampaignOutcome:
    campaign: Campaign = strawberry.field(description="The campaign.")
    results: CampaignResults = strawberry.field(description="What it has done so far.")


def lenient_window(start: date, end: date) -> tuple[datetime, datetime]:
    """The instants of "ran during the range", a day wider on each side: campaign times
    are instants and a day's edges in the shop's timezone are hours from UTC's."""
    return (
        datetime.combine(start, datetime.min.time(), tzinfo=UTC) - timedelta(days=1),
        datetime.combine(end, datetime.min.time(), tzinfo=UTC) + timedelta(days=2),
    )


@strawberry.type(
    description="The loyalty program's results over a range of shop-local days, from daily rollups refreshed "
    "every minute."
)
class ProgramAnalytics:
    from_: date = strawberry.field(name="from", description="The first day (shop's timezone).")
    to: date = strawberry.field(description="The last day, included.")
    currency: str = strawberry.field(description="The shop's currency (ISO 4217) of every amount.")
    point_value: Decimal | None = strawberry.field(
        description="What a point is worth: the best value per point among the shop's live fixed-amount "
        "rewards; null without one."
    )
    totals: ProgramTotals = strawberry.field(description="Totals of the range.")
    issued_by_source: list[PointsBySource] = strawberry.field(
        description="Points issued in the range per source, in a fixed source order."
    )
    daily: Chart = strawberry.field(
        description="One value per day: members, newMembers, activeMembers, activeMembers30d, "
        "outstandingPoints, memberOrders, nonMemberOrders, revenue, codeRevenue, pointsIssued, "
        "pointsRedeemed, pointsExpired, pointsReturned, pointsReversed, pointsAdjustedOut."
    )
    issued_daily: Chart = strawberry.field(description="Points issued per day, one series per source.")
    tiers: list[TierShare] = strawberry.field(
        description="Customers per tier now, lowest tier first (empty without tiers)."
    )
    merchant_id: strawberry.Private[int]

    # the campaigns' and referrals' results are read from their contexts only when asked
    # for (the dashboard's rollups never wait on them)
    @strawberry.field(
        description="The campaigns that ran at some point of the range (up to 100, oldest first) with their "
        "results so far (campaign results are kept per campaign, not per day)."
    )
    async def campaigns(self) -> list[CampaignOutcome]:
        page = await campaigns_api.list_campaigns(self.merchant_id, first=100)
        window_start, window_end = lenient_window(self.from_, self.to)
        ran = [
            c
            for c in page.items
            if c.starts_at < window_end and (c.ends_at is None or c.ends_at >= window_start)
        ]
        results = await campaigns_api.get_results(self.merchant_id, [c.id for c in ran])
        return [
            CampaignOutcome(campaign=Campaign.from_dto(c), results=CampaignResults.from_dto(results[c.id]))
            for c in ran
            if c.id in results
        ]

    @strawberry.field(
        description="What the referral program did over the same days (clicks, claims, conversions, revenue, "
        "cost, ROI)."
    )
    async def referrals(self) -> ReferralAnalytics:
        dto = await referrals_api.referral_analytics(self.merchant_id, start=self.from_, end=self.to)
        return ReferralAnalytics.from_dto(dto)

    @classmethod
    def from_dto(cls, dto: analytics.ProgramAnalyticsDTO, merchant_id: int) -> ProgramAnalytics:
        return cls(
            merchant_id=merchant_id,
            from_=dto.start,
            to=dto.end,
            currency=dto.currency,
            point_value=dto.point_value,
            totals=ProgramTotals.from_dto(dto.totals),
            issued_by_source=[PointsBySource(source=s.source, points=s.points) for s in dto.issued_by_source],
            daily=Chart.from_dto(dto.daily),
            issued_daily=Chart.from_dto(dto.issued_daily),
            tiers=[
                TierShare(tier_id=encode_id("Tier", t.tier_id), name=t.name, customers=t.customers)
                for t in dto.tiers
            ],
        )


@strawberry.type(
    description="The RxF grid: customers per recency and frequency score, with their average spend."
)
class RfmHeatmap:
    counts: Chart = strawberry.field(
        description="labels R1..R5 (recency); one series per frequency score F1..F5 of customer counts."
    )
    average_monetary: Chart = strawberry.field(
        description="The same grid of the customers' average net spend (shop currency; 0 for an empty cell)."
    )


@strawberry.type(description="One customer of the recency/monetary scatter.")
class RfmScatterPoint:
    customer_id: strawberry.ID = strawberry.field(description="The customer's global id.")
    recency_days: int = strawberry.field(description="Days since the customer's last order.")
    monetary: Decimal = strawberry.field(description="Net spend in the lookback window (shop currency).")
    segment: RfmSegment = strawberry.field(description="The customer's segment now.")


@strawberry.type(description="Recency against monetary value for a stable sample of scored customers.")
class RfmScatter:
    points: list[RfmScatterPoint] = strawberry.field(
        description="At most 2,000 customers, the same sample on every request while they stay scored."
    )
    population: int = strawberry.field(description="Scored customers in all.")


@strawberry.type(
    description="Moves between segments: labels are the segments moved to; one series per segment moved from "
    "(key `new` for customers scored for the first time), one count per label."
)
class SegmentTransitionMatrix:
    labels: list[str] = strawberry.field(description="Segment slugs, in match order (the columns).")
    series: list[ChartSeries] = strawberry.field(description="One row per segment moved from.")
    total: int = strawberry.field(description="Moves in the range.")


def scatter_from_dto(dto: analytics.ScatterDTO) -> RfmScatter:
    return RfmScatter(
        points=[
            RfmScatterPoint(
                customer_id=encode_id("Customer", p.customer_id),
                recency_days=p.recency_days,
                monetary=p.monetary,
                segment=RfmSegment(p.segment),
            )
            for p in dto.points
        ],
        population=dto.population,
    )


def transitions_from_dto(dto: analytics.TransitionMatrixDTO) -> SegmentTransitionMatrix:
    return SegmentTransitionMatrix(
        labels=list(dto.labels), series=[ChartSeries.from_dto(s) for s in dto.series], total=dto.total
    )
