"""The program dashboard, read from the daily rollups only (a year is 365 rows of
``analytics_daily_program`` and a few thousand of ``analytics_daily_points``): never
the ledger."""

from __future__ import annotations

import asyncio
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from loyalnest.contexts.analytics.dto.program import (
    ChartDTO,
    ChartSeriesDTO,
    ProgramAnalyticsDTO,
    ProgramTotalsDTO,
    SourcePointsDTO,
    TierShareDTO,
)
from loyalnest.contexts.analytics.repository import program as repository
from loyalnest.contexts.analytics.rules import program as rules
from loyalnest.contexts.merchants import api as merchants
from loyalnest.contexts.points import api as points
from loyalnest.contexts.rewards import api as rewards
from loyalnest.contexts.tiers import api as tiers
from loyalnest.platform.db import plain_connection, read_session
from loyalnest.platform.errors import NotFound

# series of ``daily``: (key, label, column of analytics_daily_program)
_DAILY = (
    ("members", "Members", "members"),
    ("newMembers", "New members", "new_members"),
    ("activeMembers", "Active members (that day)", "active_members"),
    ("activeMembers30d", "Active members (30 days)", "active_members_30d"),
    ("outstandingPoints", "Outstanding points", "outstanding_points"),
    ("memberOrders", "Member orders", "member_orders"),
    ("nonMemberOrders", "Non-member orders", "nonmember_orders"),
    ("revenue", "Revenue", "revenue"),
    ("codeRevenue", "Revenue of orders with LoyalNest codes", "code_revenue"),
)
# running figures: a day without a row (before the first pass) keeps the day before's
_CARRIED = ("members", "outstanding_points")
_OUTFLOWS = (
    ("pointsRedeemed", "Points redeemed", rules.REDEEMED),
    ("pointsExpired", "Points expired", rules.EXPIRED),
    ("pointsReturned", "Points returned", rules.RETURNED),
    ("pointsReversed", "Points reversed", rules.REVERSED),
    ("pointsAdjustedOut", "Points adjusted out", rules.ADJUSTED_OUT),
)


async def _tiers(merchant_id: int) -> tuple[TierShareDTO, ...]:
    ladder, counts = await asyncio.gather(
        tiers.list_tiers(merchant_id), tiers.tier_member_counts(merchant_id)
    )
    return tuple(TierShareDTO(t.id, t.name(), counts.get(t.id, 0)) for t in ladder)


async def _series(
    merchant_id: int, start: date, end: date
) -> tuple[dict[str, list[Any]], tuple[int, int] | None, dict[str, list[int]]]:
    async with plain_connection() as conn:
        program = await repository.program_series(conn, merchant_id, start, end)
        before = await repository.running_totals_before_range(conn, merchant_id, start)
        points = await repository.point_series(conn, merchant_id, start, end)
    return program, before, points


def _carry(values: list[Any], before: int) -> list[int]:
    out, last = [], before
    for value in values:
        last = last if value is None else int(value)
        out.append(last)
    return out


def _zeros(values: list[Any]) -> list[Any]:
    return [0 if value is None else value for value in values]


async def program_analytics(merchant_id: int, start: date, end: date) -> ProgramAnalyticsDTO:
    """The shop's program results over ``start``..``end`` (shop-local days, inclusive)."""
    rules.validate_range(start, end)
    # four short reads at once, each on its own connection
    merchant, (program, before, points), point_value, tier_shares = await asyncio.gather(
        merchants.get_merchant(merchant_id),
        _series(merchant_id, start, end),
        rewards.point_value(merchant_id),
        _tiers(merchant_id),
    )
    if merchant is None:
        raise NotFound("shop")
    columns: dict[str, list[Any]] = {}
    for name, values in program.items():
        if name in _CARRIED:
            columns[name] = _carry(values, 0 if before is None else before[_CARRIED.index(name)])
        else:
            columns[name] = _zeros(values)

    sources = rules.ordered_sources(rules.issue_source(b) for b in points if rules.is_issued(b))
    issued = {s: points[rules.ISSUED_PREFIX + s] for s in sources}
    issued_total = [sum(day) for day in zip(*issued.values(), strict=True)] if issued else []
    no_points = [0] * len(next(iter(program.values())))
    issued_total = issued_total or no_points
    outflows = {bucket: points.get(bucket, no_points) for _, _, bucket in _OUTFLOWS}

    labels = tuple(d.isoformat() for d in rules.days(start, end))
    series = [ChartSeriesDTO(key, label, tuple(map(float, columns[column]))) for key, label, column in _DAILY]
    series.append(ChartSeriesDTO("pointsIssued", "Points issued", tuple(map(float, issued_total))))
    series += [
        ChartSeriesDTO(key, label, tuple(map(float, outflows[bucket]))) for key, label, bucket in _OUTFLOWS
    ]
    issued_daily = ChartDTO(
        labels, tuple(ChartSeriesDTO(s, s, tuple(map(float, issued[s]))) for s in sources)
    )

    member_orders = sum(columns["member_orders"])
    nonmember_orders = sum(columns["nonmember_orders"])
    outstanding = columns["outstanding_points"][-1]
    points_issued = sum(issued_total)
    redeemed = sum(outflows[rules.REDEEMED])
    totals = ProgramTotalsDTO(
        members=columns["members"][-1],
        new_members=sum(columns["new_members"]),
        active_members=int(columns["active_members_30d"][-1]),
        points_issued=points_issued,
        points_redeemed=redeemed,
        points_expired=sum(outflows[rules.EXPIRED]),
        points_returned=sum(outflows[rules.RETURNED]),
        points_reversed=sum(outflows[rules.REVERSED]),
        outstanding_points=outstanding,
        liability=rules.liability(outstanding, point_value),
        redemption_rate=rules.ratio(redeemed, points_issued),
        revenue=sum(map(Decimal, columns["revenue"]), Decimal(0)),
        code_orders=sum(columns["code_orders"]),
        code_revenue=sum(map(Decimal, columns["code_revenue"]), Decimal(0)),
        member_orders=member_orders,
        nonmember_orders=nonmember_orders,
        member_repeat_rate=rules.ratio(sum(columns["member_repeat_orders"]), member_orders),
        nonmember_repeat_rate=rules.ratio(sum(columns["nonmember_repeat_orders"]), nonmember_orders),
    )
    return ProgramAnalyticsDTO(
        start=start,
        end=end,
        currency=merchant.currency,
        point_value=point_value,
        totals=totals,
        issued_by_source=tuple(SourcePointsDTO(s, sum(issued[s])) for s in sources),
        daily=ChartDTO(labels, tuple(series)),
        issued_daily=issued_daily,
        tiers=tier_shares,
    )


async def shops_due_for_refresh(now: datetime) -> list[tuple[int, str]]:
    """(merchant id, timezone) of the shops whose rollups may be behind: a ledger head
    moved since their last pass, their shop-local day changed, or the last pass is older
    than ``rules.REFRESH_AT_LEAST_EVERY`` (orders move without ledger entries)."""
    heads = await points.ledger_heads()
    if not heads:
        return []
    timezones = await merchants.get_timezones(sorted(heads))
    async with read_session() as session:
        states = await repository.states(session, sorted(timezones))
    due = []
    for merchant_id, timezone in sorted(timezones.items()):
        state = states.get(merchant_id)
        if (
            state is None
            or state.head_id != heads[merchant_id]
            or state.last_day != rules.local_day(now, timezone)
            or now - state.refreshed_at >= rules.REFRESH_AT_LEAST_EVERY
        ):
            due.append((merchant_id, timezone))
    return due
