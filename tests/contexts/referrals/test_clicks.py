"""Referral link clicks: counted in Redis per advocate per shop-local day (clicks and
unique visitors), a visitor over the per-minute limit redirected but not counted, no raw
address kept, and the real ``referrals.flush_clicks`` actor moving the counts into
``referral_clicks_daily`` without ever counting a click twice."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

from loyalnest.contexts.referrals import api as referrals
from loyalnest.contexts.referrals import clicks
from loyalnest.platform import redis as platform_redis
from tests.contexts.points.helpers import execute
from tests.contexts.referrals.link_support import (
    daily,
    flush,
    forget_cached_links,
    program_with_advocate,
    progress_events,
    set_program,
)

__all__ = ["progress_events"]

NOON = datetime(2026, 3, 2, 12, 0, 30, tzinfo=UTC)


async def _target(shop, code):
    target = await referrals.resolve_link(shop.domain, code)
    assert target is not None
    assert target.enabled
    return target


async def test_clicks_and_unique_visitors_reach_the_day_row(shop, drain, progress_events):
    advocate_id, code = await program_with_advocate(shop)
    target = await _target(shop, code.lower())  # codes match whatever the case
    outcomes = [
        await referrals.record_click(target, client_ip=ip, user_agent="Firefox", now=NOON)
        for ip in ("198.51.100.1", "198.51.100.1", "198.51.100.2")
    ]
    assert all(o.counted for o in outcomes)
    assert outcomes[0].location == f"https://{shop.domain}/?ref={code}"  # no link discount yet

    await flush(drain)

    assert await daily(shop) == [
        {"advocate_customer_id": advocate_id, "day": date(2026, 3, 2), "clicks": 3, "unique_visitors": 2}
    ]
    # (the flush also writes what other tests' shops clicked: only this shop's matter)
    assert [e.advocate_customer_id for e in progress_events if e.merchant_id == shop.id] == [advocate_id]


async def test_a_thousand_clicks_from_one_visitor_in_a_minute_count_once(shop, drain, settings):
    _advocate_id, code = await program_with_advocate(shop)
    target = await _target(shop, code)
    counted = [
        (
            await referrals.record_click(
                target, client_ip="203.0.113.9", user_agent="bot", now=NOON + timedelta(milliseconds=i)
            )
        ).counted
        for i in range(1000)
    ]
    limit = settings.referral_click_limit_per_minute
    assert counted == [True] * limit + [False] * (1000 - limit)

    await flush(drain)
    [row] = await daily(shop)
    assert (row["clicks"], row["unique_visitors"]) == (limit, 1)

    # the next minute, the same visitor counts again (up to the limit)
    later = await referrals.record_click(
        target, client_ip="203.0.113.9", user_agent="bot", now=NOON + timedelta(minutes=1)
    )
    assert later.counted


async def test_a_flush_repeated_after_a_crash_counts_nothing_twice(shop, drain, progress_events):
    advocate_id, code = await program_with_advocate(shop)
    target = await _target(shop, code)
    for i in range(5):
        await referrals.record_click(target, client_ip=f"192.0.2.{i}", user_agent="x", now=NOON)
    await flush(drain)
    assert [r["clicks"] for r in await daily(shop)] == [5]

    # a flush that committed its rows but died before clearing its marks: the marks
    # are still there for the next run
    redis = platform_redis.get_async_redis()
    await redis.hset(platform_redis.key("referrals:clicks:dirty"), f"{shop.id}:{advocate_id}:2026-03-02", 99)
    await flush(drain)
    await flush(drain)
    [row] = await daily(shop)
    assert (row["clicks"], row["unique_visitors"]) == (5, 5)
    mine = [e for e in progress_events if e.merchant_id == shop.id]
    assert len(mine) == 1  # the repeats changed nothing, so told nobody

    # clicks after a flush are added by the next one
    for i in range(2):
        await referrals.record_click(target, client_ip=f"192.0.2.{i}", user_agent="x", now=NOON)
    await flush(drain)
    [row] = await daily(shop)
    assert (row["clicks"], row["unique_visitors"]) == (7, 5)
    assert len([e for e in progress_events if e.merchant_id == shop.id]) == 2


async def test_clicks_fall_on_the_shop_local_day(shop, drain):
    await execute("update merchants set iana_timezone = 'America/Los_Angeles' where id = :m", m=shop.id)
    forget_cached_links()
    _, code = await program_with_advocate(shop)
    target = await _target(shop, code)
    # 05:00 UTC on 2 March is 21:00 on 1 March in Los Angeles
    await referrals.record_click(
        target, client_ip="192.0.2.1", user_agent="x", now=datetime(2026, 3, 2, 5, 0, tzinfo=UTC)
    )
    await flush(drain)
    assert [r["day"] for r in await daily(shop)] == [date(2026, 3, 1)]


async def test_no_raw_address_or_user_agent_is_kept(shop, make_shop, drain):
    _, code = await program_with_advocate(shop)
    target = await _target(shop, code)
    address, agent = "203.0.113.77", "Mozilla/5.0 UniqueAgent-4711"
    await referrals.record_click(target, client_ip=address, user_agent=agent, now=NOON)
    await flush(drain)

    redis = platform_redis.get_async_redis()
    keys = [k.decode() async for k in redis.scan_iter(match=platform_redis.key("referrals:*"), count=1000)]
    marks = await redis.hgetall(platform_redis.key("referrals:clicks:dirty"))
    stored = " ".join(keys) + " ".join(f.decode() for f in marks)
    assert address not in stored
    assert "UniqueAgent" not in stored
    for key in keys:
        if (await redis.type(key)) == b"string":
            value = await redis.get(key)
            assert address.encode() not in value
            assert b"UniqueAgent" not in value

    # the visitor id is keyed with each shop's own salt: the same person is not the
    # same id in two shops
    other = await make_shop()
    _, other_code = await program_with_advocate(other, 502)
    other_target = await _target(other, other_code)
    assert clicks.visitor_id(target.visitor_salt, address, agent) != clicks.visitor_id(
        other_target.visitor_salt, address, agent
    )


async def test_a_switched_off_program_resolves_but_counts_nothing(shop, drain):
    _, code = await program_with_advocate(shop)
    await set_program(shop, enabled=False)
    forget_cached_links()
    target = await referrals.resolve_link(shop.domain, code)
    assert target is not None
    assert not target.enabled
    outcome = await referrals.record_click(target, client_ip="192.0.2.1", user_agent="x", now=NOON)
    assert not outcome.counted
    await flush(drain)
    assert await daily(shop) == []


async def test_a_code_resolves_only_in_its_own_shop(shop, make_shop):
    _, code = await program_with_advocate(shop)
    other = await make_shop()
    await program_with_advocate(other, 502)
    assert await referrals.resolve_link(other.domain, code) is None
    assert await referrals.resolve_link(shop.domain, "NOTACODE0") is None  # 0 is not in the alphabet
    assert await referrals.resolve_link(shop.domain, "ZZZZZZZ") is None


async def test_concurrent_clicks_sent_together_keep_every_rule(shop, drain, settings):
    """Clicks arriving together go to Redis in one call: the limit still holds per
    visitor, every other click counts once, and each caller gets its own answer."""
    _, code = await program_with_advocate(shop)
    target = await _target(shop, code)
    same_visitor = [
        referrals.record_click(target, client_ip="203.0.113.5", user_agent="bot", now=NOON)
        for _ in range(100)
    ]
    distinct = [
        referrals.record_click(target, client_ip=f"198.51.100.{i}", user_agent="x", now=NOON)
        for i in range(50)
    ]
    outcomes = await asyncio.gather(*same_visitor, *distinct)
    limit = settings.referral_click_limit_per_minute
    assert sum(o.counted for o in outcomes[:100]) == limit
    assert all(o.counted for o in outcomes[100:])
    await flush(drain)
    [row] = await daily(shop)
    assert row["clicks"] == limit + 50
    # 51 visitors, as a HyperLogLog estimates them (standard error 0.81 %)
    assert 50 <= row["unique_visitors"] <= 52
