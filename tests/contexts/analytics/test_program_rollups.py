"""The program rollups against a direct computation: a shop's ledger is generated through
the real posting code (spread over past days by moving ``created_at`` back, a test cannot
wait), then the backfill and the incremental pass must give, day by day, exactly what a
plain Python pass over the ledger rows gives; a pass run twice changes nothing; orders
count members vs non-members, repeats and LoyalNest-code revenue."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from loyalnest.contexts.analytics import api as analytics
from loyalnest.contexts.analytics.rules import program as rules
from loyalnest.contexts.merchants import api as merchants
from loyalnest.contexts.points import api as points
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import unit_of_work
from tests.contexts.points.helpers import execute
from tests.contexts.support import rows

TZ = "America/New_York"
EARNINGS = (
    ("earn", "order"),
    ("earn", "signup"),
    ("earn", "review"),
    ("campaign", "order"),
    ("tier_bonus", "order"),
    ("referral", "referral"),
    ("adjust", "staff"),
)
_keys = iter(range(1, 10**9))


async def install(timezone: str = TZ) -> int:
    async with unit_of_work() as uow:
        merchant = await merchants.install_shop(
            uow,
            shop_domain=f"p{random.getrandbits(48):x}.myshopify.com",
            name="Program Shop",
            currency="USD",
            plan="free",
            starter_program=False,
            iana_timezone=timezone,
        )
    return merchant.id


async def post_on(merchant_id: int, at: datetime, postings: list[points.Posting]) -> None:
    """Post through the real ledger code, then date the new rows ``at``."""
    async with unit_of_work() as uow:
        results = await points.post_many(uow, merchant_id, postings)
    ids = [r.entry.id for r in results]
    await execute(
        "update points_ledger set created_at = :at where merchant_id = :m and id = any(:ids)",
        at=at,
        m=merchant_id,
        ids=ids,
    )


def posting(customer: int, delta: int, kind: str, source: str) -> points.Posting:
    return points.Posting(
        customer_id=customer, delta=delta, kind=kind, source=source, idempotency_key=f"t:{next(_keys)}"
    )


async def generate(
    merchant_id: int, rng: random.Random, start: datetime, days: int, balances: dict[int, int]
) -> None:
    """A few batches a day of earnings of every kind, spends, staff removals and expiries."""
    for day in range(days):
        for batch in range(rng.randint(0, 3)):
            at = start + timedelta(days=day, hours=rng.randint(0, 23), minutes=batch)
            batch_postings = []
            for _ in range(rng.randint(1, 6)):
                customer = rng.randint(1, 40)
                if balances.get(customer, 0) > 50 and rng.random() < 0.35:
                    kind = rng.choice(("redeem", "adjust", "expire"))
                    source = {"redeem": "reward", "adjust": "staff", "expire": "expiry"}[kind]
                    amount = rng.randint(1, balances[customer] // 2)
                    balances[customer] -= amount
                    batch_postings.append(posting(customer, -amount, kind, source))
                else:
                    kind, source = rng.choice(EARNINGS)
                    amount = rng.randint(5, 200)
                    balances[customer] = balances.get(customer, 0) + amount
                    batch_postings.append(posting(customer, amount, kind, source))
            # one posting per customer and batch: a batch sees balances in order anyway
            seen: set[int] = set()
            unique = [p for p in batch_postings if not (p.customer_id in seen or seen.add(p.customer_id))]
            for p in batch_postings:
                if p not in unique:
                    balances[p.customer_id] -= p.delta
            await post_on(merchant_id, at, unique)


async def expected(merchant_id: int, today: date) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The rollups as a plain Python pass over every ledger row computes them."""
    zone = ZoneInfo(TZ)
    ledger = await rows(
        "select id, customer_id, delta, kind, source, created_at from points_ledger"
        " where merchant_id = :m order by id",
        m=merchant_id,
    )
    buckets: dict[tuple[date, str], list[int]] = defaultdict(lambda: [0, 0])
    first_day: dict[int, date] = {}
    active: dict[date, set[int]] = defaultdict(set)
    net: dict[date, int] = defaultdict(int)
    first_id: dict[date, int] = {}
    for r in ledger:
        day = r["created_at"].astimezone(zone).date()
        slot = buckets[(day, rules.bucket_of(r["kind"], r["source"], r["delta"] > 0))]
        slot[0] += abs(r["delta"])
        slot[1] += 1
        first_day.setdefault(r["customer_id"], day)
        net[day] += r["delta"]
        first_id.setdefault(day, r["id"])
        first_id[day] = min(first_id[day], r["id"])
        if (r["delta"] > 0 and r["kind"] in points_earning()) or (r["delta"] < 0 and r["kind"] == "redeem"):
            active[day].add(r["customer_id"])
    start = min(min(first_day.values()), today - timedelta(days=1))
    program = []
    members = outstanding = 0
    for day in rules.days(start, today):
        new = sum(1 for d in first_day.values() if d == day)
        members += new
        outstanding += net.get(day, 0)
        window = set().union(*(active.get(day - timedelta(days=n), set()) for n in range(30)))
        program.append(
            (
                day,
                new,
                members,
                len(active.get(day, set())),
                len(window),
                net.get(day, 0),
                outstanding,
                first_id.get(day),
            )
        )
    point_rows = sorted((d, b, p, n) for (d, b), (p, n) in buckets.items())
    return program, point_rows


def points_earning() -> frozenset[str]:
    return frozenset({"earn", "adjust", "import", "referral", "campaign", "tier_bonus"})


async def stored(merchant_id: int) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    program = await rows(
        "select day, new_members, members, active_members, active_members_30d, net_points,"
        " outstanding_points, first_ledger_id from analytics_daily_program"
        " where merchant_id = :m order by day",
        m=merchant_id,
    )
    point_rows = await rows(
        "select day, bucket, points, entries from analytics_daily_points where merchant_id = :m"
        " order by day, bucket",
        m=merchant_id,
    )
    return [tuple(r.values()) for r in program], [tuple(r.values()) for r in point_rows]


@pytest.mark.usefixtures("broker")
async def test_backfill_then_incremental_passes_match_a_direct_computation():
    rng = random.Random(12)
    merchant_id = await install()
    other = await install()
    now = utcnow()
    today = now.astimezone(ZoneInfo(TZ)).date()
    balances: dict[int, int] = {}
    await generate(merchant_id, rng, now - timedelta(days=45), 40, balances)
    await generate(other, random.Random(5), now - timedelta(days=10), 5, {})

    assert await analytics.backfill_program_rollups(merchant_id, now=now) is True
    assert await stored(merchant_id) == await expected(merchant_id, today)

    # more entries yesterday and today; the periodic pass picks them up from its watermark
    await generate(merchant_id, rng, now - timedelta(days=1, hours=3), 2, balances)
    async with unit_of_work() as uow:
        assert await analytics.refresh_program_rollups(uow, merchant_id, timezone=TZ, now=now) is True
    want = await expected(merchant_id, today)
    assert await stored(merchant_id) == want

    # idempotent: a second pass (Dramatiq is at-least-once) changes nothing
    async with unit_of_work() as uow:
        assert await analytics.refresh_program_rollups(uow, merchant_id, timezone=TZ, now=now) is False
    assert await stored(merchant_id) == want
    # and a backfill from scratch agrees with the incremental result
    assert await analytics.backfill_program_rollups(merchant_id, now=now) is False
    assert await stored(merchant_id) == want
    # the other shop's ledger never counted here
    assert (await stored(other))[0] == []


@pytest.mark.usefixtures("broker")
async def test_the_day_rolls_over_and_old_days_freeze():
    merchant_id = await install()
    now = utcnow()
    await post_on(merchant_id, now - timedelta(days=3), [posting(1, 100, "earn", "order")])
    await analytics.backfill_program_rollups(merchant_id, now=now - timedelta(days=3))
    # three days later: the pass writes the days in between (members carried, none active today)
    async with unit_of_work() as uow:
        await analytics.refresh_program_rollups(uow, merchant_id, timezone=TZ, now=now)
    program, _ = await stored(merchant_id)
    # rows from the day before the entry (a first pass keeps yesterday live) to today
    assert [r[2] for r in program] == [0, 1, 1, 1, 1]
    assert [r[6] for r in program][-1] == 100
    state = (await rows("select * from analytics_program_state where merchant_id = :m", m=merchant_id))[0]
    assert state["live_from"] == now.astimezone(ZoneInfo(TZ)).date() - timedelta(days=1)
    assert state["scan_from_id"] > 0


@pytest.mark.usefixtures("broker")
async def test_orders_members_repeats_and_code_revenue():
    merchant_id = await install("UTC")
    now = utcnow().replace(hour=12, minute=0)
    member, nonmember = 501, 502
    await post_on(merchant_id, now - timedelta(days=5), [posting(member, 10, "earn", "signup")])
    placed = now - timedelta(hours=1)

    async def order(
        order_id: int, customer: int | None, amount: str, *, refunded: str = "0", cancelled: bool = False
    ) -> None:
        await execute(
            "insert into analytics_orders (merchant_id, shopify_order_id, customer_id, placed_at, amount,"
            " refunded, cancelled) values (:m, :o, :c, :p, cast(:a as numeric), cast(:r as numeric), :x)",
            m=merchant_id,
            o=order_id,
            c=customer,
            p=placed + timedelta(minutes=order_id % 50),
            a=amount,
            r=refunded,
            x=cancelled,
        )

    await order(1, member, "50.00")
    await order(2, member, "30.00", refunded="10.00")  # a repeat
    await order(3, nonmember, "20.00")
    await order(4, None, "15.00")  # a guest
    await order(5, nonmember, "99.00", cancelled=True)  # counts nowhere
    await code_used_by(merchant_id, member, order_id=2)

    await analytics.backfill_program_rollups(merchant_id, now=now)
    dto = await analytics.program_analytics(merchant_id, now.date() - timedelta(days=6), now.date())
    t = dto.totals
    assert (t.member_orders, t.nonmember_orders) == (2, 2)
    assert t.member_repeat_rate == Decimal("0.5000")
    assert t.nonmember_repeat_rate == Decimal("0.0000")
    assert t.revenue == Decimal("105.00")
    assert (t.code_orders, t.code_revenue) == (1, Decimal("20.00"))
    assert t.members == 1
    assert t.new_members == 1
    assert t.points_issued == 10
    assert t.outstanding_points == 10
    assert t.liability == Decimal("0.50")  # 10 points at 5.00 / 100 points
    assert t.redemption_rate == Decimal("0.0000")
    assert [s.source for s in dto.issued_by_source] == ["signup"]
    assert dto.daily.labels[0] == (now.date() - timedelta(days=6)).isoformat()
    assert len(dto.daily.labels) == 7


async def code_used_by(merchant_id: int, customer_id: int, *, order_id: int) -> None:
    """A fixed-amount reward (5.00 for 100 points) and a redemption an order fulfilled."""
    await execute(
        "insert into rewards (merchant_id, kind, points_cost, value, default_locale, titles)"
        " values (:m, 'fixed_amount', 100, 5.00, 'en', cast(:t as jsonb))",
        m=merchant_id,
        t='{"en": "5 off"}',
    )
    reward = await rows("select id from rewards where merchant_id = :m", m=merchant_id)
    await execute(
        "insert into reward_redemptions (merchant_id, customer_id, reward_id, status, points_spent, kind,"
        " value, title, code_enc, code_bidx, expires_at, actor, shopify_order_id, used_at)"
        " values (:m, :c, :r, 'fulfilled', 0, 'fixed_amount', 5.00, '5 off', 'x', :b,"
        " now() + interval '1 day', 'test', :o, now())",
        m=merchant_id,
        c=customer_id,
        r=reward[0]["id"],
        b=f"bidx-{merchant_id}-{order_id}",
        o=order_id,
    )


def test_buckets_and_ranges():
    assert rules.bucket_of("earn", "order", True) == "issued:purchase"
    assert rules.bucket_of("earn", "birthday", True) == "issued:birthday"
    assert rules.bucket_of("tier_bonus", "tier_entry", True) == "issued:tier_bonus"
    assert rules.bucket_of("adjust", "staff", False) == "adjusted_out"
    assert rules.bucket_of("redeem", "reward", False) == "redeemed"
    assert rules.bucket_of("redeem_return", "reward", True) == "returned"
    assert rules.bucket_of("reversal", "order", False) == "reversed"
    assert rules.bucket_of("expire", "expiry", False) == "expired"
    assert rules.ordered_sources(["zeta", "referral", "purchase"]) == ["purchase", "referral", "zeta"]
    rules.validate_range(date(2025, 1, 1), date(2026, 12, 31))
    with pytest.raises(Exception, match="ends before"):
        rules.validate_range(date(2026, 1, 2), date(2026, 1, 1))
    with pytest.raises(Exception, match="at most"):
        rules.validate_range(date(2024, 1, 1), date(2026, 1, 2))
    assert rules.ratio(1, 3) == Decimal("0.3333")
    assert rules.ratio(1, 0) is None
    assert datetime(2026, 1, 1, 3, tzinfo=UTC).astimezone(ZoneInfo(TZ)).date() == date(2025, 12, 31)
