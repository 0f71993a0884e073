"""Pure rules of program analytics: which bucket a ledger movement counts in, the days a
rollup pass rewrites, how a day's row follows from the ledger and the orders, and the
ratios the dashboard shows. No I/O."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from loyalnest.platform.errors import ValidationFailed

# Today and yesterday (shop time) stay live: each pass re-aggregates them from the ledger,
# so an entry committed late (its transaction began before midnight) still lands in its
# day; older days are frozen and never scanned again.
LIVE_DAYS = 2
# "Active members": members with their own activity (an earning or a spend) in the 30
# days ending that day, the window a dashboard calls monthly active.
ACTIVE_WINDOW_DAYS = 30
# A dashboard range covers at most about two years (731 days, a leap year included).
MAX_RANGE_DAYS = 731
# Order figures come from analytics_orders, which move without any ledger entry (guests):
# a shop whose ledger is quiet is still refreshed this often.
REFRESH_AT_LEAST_EVERY = timedelta(minutes=10)

CENTS = Decimal("0.01")

# Sources of issued points, in the order the dashboard lists them. An earning's source is
# its earning rule (``order`` is a purchase); parts added by tiers and campaigns and the
# other earning kinds are named by their kind.
ISSUE_SOURCES = (
    "purchase",
    "signup",
    "newsletter",
    "birthday",
    "review",
    "custom",
    "campaign",
    "tier_bonus",
    "referral",
    "import",
    "adjust",
)
ISSUED_PREFIX = "issued:"
REDEEMED = "redeemed"
EXPIRED = "expired"
# a redemption given back (its code expired unused, or Shopify refused it)
RETURNED = "returned"
# earnings taken back by refunds and cancellations
REVERSED = "reversed"
# points a staff member (or an import) took away
ADJUSTED_OUT = "adjusted_out"
OUTFLOWS = (REDEEMED, EXPIRED, RETURNED, REVERSED, ADJUSTED_OUT)


def bucket_of(kind: str, source: str, positive: bool) -> str:
    """The bucket of a ledger movement (``positive``: a credit)."""
    if kind == "redeem":
        return REDEEMED if not positive else RETURNED
    if kind == "redeem_return":
        return RETURNED
    if kind == "expire":
        return EXPIRED
    if kind == "reversal":
        return REVERSED
    if not positive:
        return ADJUSTED_OUT
    if kind == "earn":
        name = "purchase" if source == "order" else source
        return ISSUED_PREFIX + name
    return ISSUED_PREFIX + kind


def is_issued(bucket: str) -> bool:
    return bucket.startswith(ISSUED_PREFIX)


def issue_source(bucket: str) -> str:
    return bucket.removeprefix(ISSUED_PREFIX)


def ordered_sources(sources: Iterable[str]) -> list[str]:
    """Known sources in the dashboard's order, then any other (a new earning rule) by name."""
    present = set(sources)
    known = [s for s in ISSUE_SOURCES if s in present]
    return known + sorted(present - set(ISSUE_SOURCES))


def local_day(now: datetime, timezone: str) -> date:
    return now.astimezone(ZoneInfo(timezone)).date()


def local_midnight(day: date, timezone: str) -> datetime:
    """The instant a shop-local day starts."""
    return datetime.combine(day, datetime.min.time(), tzinfo=ZoneInfo(timezone))


def previous_week(now: datetime, timezone: str) -> tuple[date, date]:
    """The last whole week (Monday to Sunday, shop-local) before the one ``now`` is in."""
    today = local_day(now, timezone)
    monday = today - timedelta(days=today.weekday())
    return monday - timedelta(days=7), monday - timedelta(days=1)


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def validate_range(start: date, end: date) -> None:
    if end < start:
        raise ValidationFailed("the range ends before it starts", field="to")
    if (end - start).days + 1 > MAX_RANGE_DAYS:
        raise ValidationFailed(f"a range covers at most {MAX_RANGE_DAYS} days", field="from")


def ratio(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    """``part / whole`` to four places (None when ``whole`` is 0: no rate to speak of)."""
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def liability(outstanding_points: int, point_value: Decimal | None) -> Decimal | None:
    """What the points customers hold would cost if spent at the shop's point value."""
    if point_value is None:
        return None
    return (Decimal(outstanding_points) * point_value).quantize(CENTS, rounding=ROUND_HALF_UP)


# --- assembling a pass's rows ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OrderFact:
    """One order placed (not cancelled) on a shop-local day, as the pass counts it."""

    shopify_order_id: int
    customer_id: int | None
    day: date
    net: Decimal
    repeat: bool


@dataclass(slots=True)
class DayRow:
    """One ``analytics_daily_program`` row being built."""

    day: date
    new_members: int = 0
    members: int = 0
    active_members: int = 0
    active_members_30d: int = 0
    net_points: int = 0
    outstanding_points: int = 0
    first_ledger_id: int | None = None
    member_orders: int = 0
    member_repeat_orders: int = 0
    nonmember_orders: int = 0
    nonmember_repeat_orders: int = 0
    revenue: Decimal = field(default_factory=lambda: Decimal(0))
    code_orders: int = 0
    code_revenue: Decimal = field(default_factory=lambda: Decimal(0))

    def values(self) -> tuple[object, ...]:
        return (
            self.day,
            self.new_members,
            self.members,
            self.active_members,
            self.active_members_30d,
            self.net_points,
            self.outstanding_points,
            self.first_ledger_id,
            self.member_orders,
            self.member_repeat_orders,
            self.nonmember_orders,
            self.nonmember_repeat_orders,
            self.revenue,
            self.code_orders,
            self.code_revenue,
        )


@dataclass(frozen=True, slots=True)
class LedgerDay:
    day: date
    first_id: int
    net_points: int
    active_customers: int
    new_customers: int


def assemble_days(
    first: date,
    last: date,
    *,
    members_before: int,
    outstanding_before: int,
    ledger: Mapping[date, LedgerDay],
    active_30d: Mapping[date, int],
    orders: Sequence[OrderFact],
    members: set[int],
    code_orders: set[int],
) -> list[DayRow]:
    """The rows of ``first``..``last``: running members and outstanding points carried
    from the day before ``first``. A member order is one by a customer with a points
    account (guests never are); a repeat order is a customer's second or later order."""
    rows = {d: DayRow(d) for d in days(first, last)}
    for order in orders:
        row = rows.get(order.day)
        if row is None:
            continue
        row.revenue += order.net
        if order.customer_id is not None and order.customer_id in members:
            row.member_orders += 1
            row.member_repeat_orders += order.repeat
        else:
            row.nonmember_orders += 1
            row.nonmember_repeat_orders += order.repeat
        if order.shopify_order_id in code_orders:
            row.code_orders += 1
            row.code_revenue += order.net
    total_members, outstanding = members_before, outstanding_before
    for d in sorted(rows):
        row = rows[d]
        seen = ledger.get(d)
        if seen is not None:
            row.new_members = seen.new_customers
            row.active_members = seen.active_customers
            row.net_points = seen.net_points
            row.first_ledger_id = seen.first_id
        total_members += row.new_members
        outstanding += row.net_points
        row.members, row.outstanding_points = total_members, outstanding
        row.active_members_30d = active_30d.get(d, 0)
    return [rows[d] for d in sorted(rows)]


def program_channel(merchant_id: int) -> str:
    """The Redis pub/sub channel the rollup pass nudges after a commit that changed the
    shop's rollups (``analyticsUpdated`` listens to it)."""
    return f"analytics.program_updated:{merchant_id}"
