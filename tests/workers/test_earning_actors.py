"""The earning actors on the real Redis broker and Dramatiq worker: the hourly birthday
pass fans out one message per shop, awards each birthday once however often it runs,
indexes birthdays stored before the index existed, and is on the scheduler's list."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import text

from loyalnest.contexts.earning import api as earning
from loyalnest.contexts.earning import rules
from loyalnest.platform import queue
from loyalnest.platform.db import get_sessionmaker
from loyalnest.platform.timeutil import utcnow
from tests import payloads
from tests.contexts.earning.conftest import earnings
from tests.contexts.support import rows
from workers import scheduler

_ids = iter(range(95_000, 10**9))
LONG_AGO = datetime(2020, 1, 1, tzinfo=UTC)


async def _execute(sql: str, **params) -> None:
    async with get_sessionmaker()() as session, session.begin():
        await session.execute(text(sql), params)


async def _birthday_customer(shop, drain, birthday: date) -> int:
    sid = next(_ids)
    body = payloads.customer(sid, email=f"w{sid}@example.com", birthday=birthday.isoformat(), marketing="x")
    assert (await shop.webhook("customers/create", body)).status_code == 200
    await drain()
    await _execute(
        "update customers set birthday_set_at = :t where merchant_id = :m and shopify_customer_id = :s",
        t=LONG_AGO,
        m=shop.id,
        s=sid,
    )
    return sid


def _send_pass(on: date | None = None) -> None:
    queue.send(
        earning.AWARD_BIRTHDAYS_ACTOR, earning.EARNING_QUEUE, {} if on is None else {"on": on.isoformat()}
    )


async def _birthday_points(shop, sid: int) -> list[int]:
    return [p for source, p in await earnings(shop.id, sid) if source == "birthday"]


def test_the_scheduler_sends_the_birthday_pass_hourly():
    [job] = [j for j in scheduler.periodic_jobs() if j.actor_name == "earning.award_birthdays"]
    assert (job.queue_name, job.every_seconds, job.kwargs) == ("earning", 3600, {})


async def test_the_pass_awards_todays_birthdays_of_every_shop_once(make_shop, drain):
    a, b = await make_shop(shipped_program=True), await make_shop(shipped_program=True)
    today = rules.shop_today(utcnow(), "UTC")
    born = today.replace(year=1992)
    sid_a = await _birthday_customer(a, drain, born)
    sid_b = await _birthday_customer(b, drain, born)
    for _ in range(3):  # the hourly pass, sent again and again (and retried)
        _send_pass()
    await drain()
    assert await _birthday_points(a, sid_a) == [200]
    assert await _birthday_points(b, sid_b) == [200]
    [claimed] = await rows("select year from earning_birthday_awards where merchant_id = :m", m=a.id)
    assert claimed == {"year": today.year}


async def test_a_missed_day_can_be_awarded_later(make_shop, drain):
    shop = await make_shop(shipped_program=True)
    sid = await _birthday_customer(shop, drain, date(1990, 3, 14))
    _send_pass(on=date(2025, 3, 14))
    await drain()
    assert await _birthday_points(shop, sid) == [200]
    refs = await rows(
        "select source_ref from points_ledger where merchant_id = :m and source = 'birthday'", m=shop.id
    )
    assert refs == [{"source_ref": "birthday:2025"}]


async def test_birthdays_stored_before_the_index_are_indexed_and_celebrated(make_shop, drain):
    shop = await make_shop(shipped_program=True)
    sid = await _birthday_customer(shop, drain, date(1970, 10, 9))
    # as a row from before migration 0007: birthday encrypted, no index, no set time
    await _execute(
        "update customers set birthday_md_bidx = null, birthday_set_at = null"
        " where merchant_id = :m and shopify_customer_id = :s",
        m=shop.id,
        s=sid,
    )
    _send_pass(on=date(2025, 10, 9))
    await drain()
    [row] = await rows(
        "select birthday_md_bidx from customers where merchant_id = :m and shopify_customer_id = :s",
        m=shop.id,
        s=sid,
    )
    assert row["birthday_md_bidx"] is not None
    assert await _birthday_points(shop, sid) == [200]


async def test_a_day_not_begun_is_dropped_without_retries(make_shop, drain, broker):
    shop = await make_shop(shipped_program=True)
    sid = await _birthday_customer(shop, drain, date(1990, 1, 1))
    queue.send(
        earning.AWARD_SHOP_BIRTHDAYS_ACTOR,
        earning.EARNING_QUEUE,
        {"merchant_id": shop.id, "on": "2999-01-01"},
    )
    queue.send(earning.AWARD_BIRTHDAYS_ACTOR, earning.EARNING_QUEUE, {"on": "not a date"})
    # drain waits for delayed (retried) messages too: it returns because neither is retried
    await drain()
    assert broker.do_qsize(f"{earning.EARNING_QUEUE}.DQ") == 0
    assert await _birthday_points(shop, sid) == []
