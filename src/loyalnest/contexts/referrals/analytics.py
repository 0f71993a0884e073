"""Referral analytics for staff (``referralAnalytics(from, to)``).

The range is shop-local days, ``start`` to ``end`` inclusive, in the shop's timezone:

- ``clicks`` / ``unique_visitors``: from ``referral_clicks_daily`` (unique visitors are
  counted per advocate per day, then summed: one person clicking on two days, or two
  advocates' links, counts twice). Flushed every minute, so up to a minute behind.
- ``claims``: friends who claimed with their email in the range.
- ``conversions``: referrals whose friend's qualifying first order was placed in the
  range and still stands (pending, completed or rewarded: a cancelled, fully refunded
  or rejected one does not count); ``revenue`` is those orders' subtotals less partial
  refunds, in the shop's currency.
- ``click_to_order_rate``: conversions / clicks (0 without clicks), 4 places.
- ``reward_cost``: the advocates' rewards posted in the range (points at the shop's
  point value; a catalog reward at its fixed amount, or its points cost) plus the
  friends' discounts on the range's converted orders. Neither the discount nor the
  point value is stored per order, so both are estimated: a fixed-amount offer costs its
  amount, a percentage offer ``subtotal * p / (100 - p)`` (the subtotal is after the
  discount), free shipping is not priced (0); one point is worth the best money-per-point
  of the shop's fixed-amount catalog rewards (0.01 when it has none). Milestone bonuses
  are not included.
- ``roi``: (revenue - reward cost) / reward cost, 4 places; None when nothing cost
  anything.
- ``top_advocates``: the 10 with the most conversions (then revenue, then clicks).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from loyalnest.contexts.merchants import api as merchants
from loyalnest.contexts.referrals.dto import AdvocateStatDTO, AnalyticsDTO
from loyalnest.contexts.referrals.repository import analytics as repository
from loyalnest.contexts.referrals.repository import clicks as clicks_repository
from loyalnest.contexts.rewards import api as rewards
from loyalnest.platform.db import read_session
from loyalnest.platform.errors import NotFound, ValidationFailed

MAX_DAYS = 366
TOP_ADVOCATES = 10
# what a point is worth when the catalog has no fixed-amount reward to value it by
DEFAULT_POINT_VALUE = Decimal("0.01")
_RATE = Decimal("0.0001")
_CENTS = Decimal("0.01")


async def referral_analytics(merchant_id: int, *, start: date, end: date) -> AnalyticsDTO:
    """Analytics of the shop's referral program over ``start``..``end`` (inclusive)."""
    if end < start:
        raise ValidationFailed("the range ends before it starts", field="to")
    if (end - start).days + 1 > MAX_DAYS:
        raise ValidationFailed(f"a range is at most {MAX_DAYS} days", field="to")
    merchant = await merchants.get_merchant(merchant_id)
    if merchant is None:
        raise NotFound("shop not found")
    zone = ZoneInfo(merchant.iana_timezone)
    since = datetime.combine(start, time.min, zone)
    until = datetime.combine(end + timedelta(days=1), time.min, zone)
    async with read_session() as session:
        clicks = await clicks_repository.clicks_in_range(session, merchant_id, start, end)
        claims = await repository.count_claims(session, merchant_id, since, until)
        converted = await repository.conversions_by_advocate(session, merchant_id, since, until)
        points_posted, rewards_granted = await repository.rewarded_in(session, merchant_id, since, until)
        terms = await repository.program_cost_terms(session, merchant_id)

    point_value = await _point_value(merchant_id)
    cost = Decimal(points_posted) * point_value
    if terms is not None:
        cost += rewards_granted * await _catalog_reward_cost(
            merchant_id, terms.advocate_reward_id, point_value
        )
        cost += sum((_friend_discount(terms, c) for c in converted), Decimal(0))
    cost = cost.quantize(_CENTS)

    stats: dict[int, list[int | Decimal]] = defaultdict(lambda: [0, Decimal(0), 0])
    for row in converted:
        stats[row.advocate_customer_id][0] = row.conversions
        stats[row.advocate_customer_id][1] = row.revenue
    for advocate, advocate_clicks, _ in clicks:
        stats[advocate][2] = advocate_clicks
    top = sorted(
        (AdvocateStatDTO(a, int(s[0]), Decimal(s[1]).quantize(_CENTS), int(s[2])) for a, s in stats.items()),
        key=lambda s: (-s.conversions, -s.revenue, -s.clicks, s.customer_id),
    )[:TOP_ADVOCATES]

    total_clicks = sum(c for _, c, _ in clicks)
    conversions = sum(c.conversions for c in converted)
    revenue = sum((c.revenue for c in converted), Decimal(0)).quantize(_CENTS)
    return AnalyticsDTO(
        start=start,
        end=end,
        clicks=total_clicks,
        unique_visitors=sum(u for _, _, u in clicks),
        claims=claims,
        conversions=conversions,
        click_to_order_rate=(Decimal(conversions) / total_clicks).quantize(_RATE)
        if total_clicks
        else Decimal("0.0000"),
        revenue=revenue,
        reward_cost=cost,
        roi=((revenue - cost) / cost).quantize(_RATE) if cost else None,
        top_advocates=tuple(top),
    )


def _friend_discount(terms: repository.ProgramCostTerms, row: repository.AdvocateConversions) -> Decimal:
    if not row.discounted or terms.friend_value is None:
        return Decimal(0)
    if terms.friend_kind == "fixed_amount":
        return terms.friend_value * row.discounted
    if terms.friend_kind == "percentage" and terms.friend_value < 100:
        return row.discounted_revenue * terms.friend_value / (Decimal(100) - terms.friend_value)
    return Decimal(0)  # free shipping: the shipping line is not recorded


async def _point_value(merchant_id: int) -> Decimal:
    page = await rewards.list_rewards(merchant_id, after_id=None, first=100)
    rates = [
        r.value / r.points_cost
        for r in page.items
        if r.kind == "fixed_amount" and r.value is not None and r.points_cost > 0
    ]
    return max(rates) if rates else DEFAULT_POINT_VALUE


async def _catalog_reward_cost(merchant_id: int, reward_id: int | None, point_value: Decimal) -> Decimal:
    if reward_id is None:
        return Decimal(0)
    reward = (await rewards.get_rewards(merchant_id, [reward_id])).get(reward_id)
    if reward is None:
        return Decimal(0)
    if reward.kind == "fixed_amount" and reward.value is not None:
        return reward.value
    return reward.points_cost * point_value
