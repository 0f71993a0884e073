"""The rollup pass of program analytics, per shop.

Days before ``live_from`` are frozen. Each pass re-aggregates the live days (today and
yesterday in shop time, or more if passes were missed) from the ledger entries with id
>= ``scan_from_id`` (a primary-key range scan through ``points.aggregate_ledger_days``),
recounts their orders, and rewrites those days whole: running it twice changes nothing,
and an entry committed late for a live day is picked up by the next pass. The first pass
of a shop is the backfill: it reads the whole ledger once.

The pass reads other contexts through their api (each on its own read session) and
writes only the analytics tables, in the caller's unit of work, after taking the shop's
state row (or, on a first pass, an advisory lock) so that two passes of one shop queue."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from loyalnest.contexts.analytics.repository import program as repository
from loyalnest.contexts.analytics.repository.program import StateRow
from loyalnest.contexts.analytics.rules import program as rules
from loyalnest.contexts.merchants import api as merchants
from loyalnest.contexts.points import api as points
from loyalnest.contexts.rewards import api as rewards
from loyalnest.platform.errors import NotFound
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import UnitOfWork, unit_of_work


async def refresh_program_rollups(
    uow: UnitOfWork, merchant_id: int, *, timezone: str, now: datetime | None = None, backfill: bool = False
) -> bool:
    """Bring the shop's rollups up to date (``backfill``: rebuild every day from the
    whole ledger). Returns whether any rolled-up figure changed; if so, nudges
    ``rules.program_channel`` after commit."""
    now = now or utcnow()
    today = rules.local_day(now, timezone)
    session = uow.session
    await repository.lock_shop(session, merchant_id)
    state = None if backfill else await repository.lock_state(session, merchant_id)
    from_id = 0 if state is None else state.scan_from_id
    first_day = None if state is None else min(state.live_from, today - timedelta(days=rules.LIVE_DAYS - 1))

    ledger = await points.aggregate_ledger_days(
        merchant_id, timezone=timezone, from_id=from_id, first_day=first_day
    )
    if first_day is None:
        seen = [d.day for d in ledger.days]
        first_day = min([*seen, today - timedelta(days=rules.LIVE_DAYS - 1)])
    members_before, outstanding_before = await repository.running_totals_before(
        session, merchant_id, first_day
    )

    # active members of a day look back ACTIVE_WINDOW_DAYS: scan from the first entry of
    # the earliest day that window reaches (rolled up already, or in this scan)
    window_start = first_day - timedelta(days=rules.ACTIVE_WINDOW_DAYS - 1)
    earlier = await repository.first_ledger_id_since(session, merchant_id, window_start)
    active_from = min(x for x in (earlier, from_id) if x is not None)
    active = await points.active_customers_by_day(
        merchant_id,
        timezone=timezone,
        from_id=active_from,
        first_day=first_day,
        last_day=today,
        window_days=rules.ACTIVE_WINDOW_DAYS,
    )

    orders = await repository.orders_since(
        session, merchant_id, timezone=timezone, since=rules.local_midnight(first_day, timezone)
    )
    customer_ids = sorted({o.customer_id for o in orders if o.customer_id is not None})
    members = await points.customers_with_accounts(merchant_id, customer_ids)
    code_orders = await rewards.orders_using_codes(merchant_id, [o.shopify_order_id for o in orders])

    program_rows = rules.assemble_days(
        first_day,
        today,
        members_before=members_before,
        outstanding_before=outstanding_before,
        ledger={
            d.day: rules.LedgerDay(d.day, d.first_id, d.net_points, d.active_customers, d.new_customers)
            for d in ledger.days
        },
        active_30d=active,
        orders=orders,
        members=members,
        code_orders=code_orders,
    )
    totals: dict[tuple[date, str], list[int]] = {}
    for b in ledger.buckets:
        if b.day < first_day:
            continue
        slot = totals.setdefault((b.day, rules.bucket_of(b.kind, b.source, b.positive)), [0, 0])
        slot[0] += abs(b.points)
        slot[1] += b.entries
    point_rows = sorted((day, bucket, p, n) for (day, bucket), (p, n) in totals.items())

    before = (
        await repository.program_values_since(session, merchant_id, first_day),
        await repository.point_values_since(session, merchant_id, first_day),
    )
    changed = before != ([row.values() for row in program_rows], point_rows)
    if changed:
        await repository.replace_days(session, merchant_id, first_day, program_rows, point_rows)
        uow.publish(rules.program_channel(merchant_id), {"merchant_id": merchant_id})

    live_from = today - timedelta(days=rules.LIVE_DAYS - 1)
    live_ids = [d.first_id for d in ledger.days if d.day >= live_from]
    if live_ids:
        scan_from_id = min(live_ids)
    elif ledger.max_id is not None and ledger.max_id >= from_id:
        scan_from_id = ledger.max_id + 1
    else:
        scan_from_id = from_id
    await repository.save_state(
        session,
        merchant_id,
        StateRow(
            live_from=live_from,
            scan_from_id=scan_from_id,
            head_id=ledger.max_id or 0,
            last_day=today,
            refreshed_at=now,
        ),
    )
    return changed


async def backfill_program_rollups(merchant_id: int, *, now: datetime | None = None) -> bool:
    """Rebuild every rolled-up day of one shop from its whole ledger, in a transaction of
    its own (the CLI, the backfill actor and the bench call it)."""
    timezones = await merchants.get_timezones([merchant_id])
    if merchant_id not in timezones:
        raise NotFound("shop")
    async with unit_of_work() as uow:
        return await refresh_program_rollups(
            uow, merchant_id, timezone=timezones[merchant_id], now=now, backfill=True
        )
