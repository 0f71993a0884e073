"""Birthday points: the customers whose birthday is the shop's today (in its timezone),
once per year, Feb 29 on Feb 28 in other years, and a birthday set less than 30 days
before it falls waiting for the next year. The birthday itself is only ever read from
its ciphertext; the day is found through its blind index."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import text

from loyalnest.contexts.earning import api as earning
from loyalnest.contexts.earning import rules
from loyalnest.contexts.merchants import api as merchants
from loyalnest.platform.db import get_sessionmaker
from loyalnest.platform.errors import ValidationFailed
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import unit_of_work
from tests import payloads
from tests.conftest import Shop
from tests.contexts.earning.conftest import earnings, set_rule
from tests.contexts.support import rows
from tests.graphql.conftest import customer_gid

_ids = iter(range(80_000, 10**9))


async def _execute(sql: str, **params) -> None:
    async with get_sessionmaker()() as session, session.begin():
        await session.execute(text(sql), params)


async def _customer(shop, drain, birthday: str) -> int:
    sid = next(_ids)
    body = payloads.customer(sid, email=f"b{sid}@example.com", birthday=birthday, marketing="not_subscribed")
    response = await shop.webhook("customers/create", body)
    assert response.status_code == 200
    await drain()
    return sid


async def _set_at(shop, sid: int, when: datetime) -> None:
    await _execute(
        "update customers set birthday_set_at = :t where merchant_id = :m and shopify_customer_id = :s",
        t=when,
        m=shop.id,
        s=sid,
    )


async def _birthdays(shop, sid: int) -> list[tuple[str, int]]:
    return [e for e in await earnings(shop.id, sid) if e[0] == "birthday"]


async def _shop_in(http, settings, zone: str) -> Shop:
    async with unit_of_work() as uow:
        merchant = await merchants.install_shop(
            uow,
            shop_domain=f"z{uuid.uuid4().hex[:16]}.myshopify.com",
            name="Zone Shop",
            currency="USD",
            iana_timezone=zone,
        )
    return Shop(merchant, http, settings)


LONG_AGO = datetime(2020, 1, 1, tzinfo=UTC)


async def test_todays_birthdays_earn_once(program_shop, drain):
    today = rules.shop_today(utcnow(), "UTC")
    born = today.replace(year=1992)  # a leap year: any day of the year exists in it
    sids = [await _customer(program_shop, drain, born.isoformat()) for _ in range(3)]
    other = await _customer(program_shop, drain, (today - timedelta(days=3)).replace(year=1988).isoformat())
    for sid in [*sids, other]:
        await _set_at(program_shop, sid, LONG_AGO)
    assert await earning.award_shop_birthdays(program_shop.id) == 3
    assert await earning.award_shop_birthdays(program_shop.id) == 0  # the hourly pass again
    for sid in sids:
        assert await _birthdays(program_shop, sid) == [("birthday", 200)]
    assert await _birthdays(program_shop, other) == []
    refs = await rows(
        "select distinct source_ref from points_ledger where merchant_id = :m and source = 'birthday'",
        m=program_shop.id,
    )
    assert refs == [{"source_ref": f"birthday:{today.year}"}]


async def test_a_birthday_set_less_than_30_days_before_it_falls_waits(program_shop, drain):
    day = rules.shop_today(utcnow(), "UTC") - timedelta(days=2)  # a past day, run late
    sid = await _customer(program_shop, drain, day.replace(year=1992).isoformat())
    cutoff = rules.birthday_set_before(day, "UTC")  # midnight starting the 29th day before
    await _set_at(program_shop, sid, cutoff)  # set 29 days before: too late this year
    assert await earning.award_shop_birthdays(program_shop.id, on=day) == 0
    await _set_at(program_shop, sid, cutoff - timedelta(seconds=1))  # 30 days before
    assert await earning.award_shop_birthdays(program_shop.id, on=day) == 1
    assert await _birthdays(program_shop, sid) == [("birthday", 200)]


async def test_a_birthday_set_today_for_today_waits(program_shop, drain):
    today = rules.shop_today(utcnow(), "UTC")
    sid = await _customer(program_shop, drain, today.replace(year=1992).isoformat())
    assert await earning.award_shop_birthdays(program_shop.id) == 0
    assert await _birthdays(program_shop, sid) == []


async def test_feb_29_is_celebrated_on_feb_28_in_other_years(program_shop, drain):
    leapling = await _customer(program_shop, drain, "2000-02-29")
    feb_28 = await _customer(program_shop, drain, "1999-02-28")
    for sid in (leapling, feb_28):
        await _set_at(program_shop, sid, LONG_AGO)
    assert await earning.award_shop_birthdays(program_shop.id, on=date(2024, 2, 28)) == 1  # leap year
    assert await earning.award_shop_birthdays(program_shop.id, on=date(2024, 2, 29)) == 1
    assert await earning.award_shop_birthdays(program_shop.id, on=date(2025, 2, 28)) == 2
    assert await earning.award_shop_birthdays(program_shop.id, on=date(2025, 3, 1)) == 0
    ledger = await rows(
        "select c.shopify_customer_id as sid, l.source_ref from points_ledger l join customers c"
        " on c.merchant_id = l.merchant_id and c.id = l.customer_id"
        " where l.merchant_id = :m and l.source = 'birthday' order by l.id",
        m=program_shop.id,
    )
    assert [(r["sid"], r["source_ref"]) for r in ledger] == [
        (feb_28, "birthday:2024"),
        (leapling, "birthday:2024"),
        (leapling, "birthday:2025"),
        (feb_28, "birthday:2025"),
    ]


async def test_today_is_the_shops_own(http, settings, drain):
    """Kiritimati (UTC+14) and Pago Pago (UTC-11) are never on the same calendar day."""
    ahead = await _shop_in(http, settings, "Pacific/Kiritimati")
    behind = await _shop_in(http, settings, "Pacific/Pago_Pago")
    ahead_today = rules.shop_today(utcnow(), "Pacific/Kiritimati")
    born = ahead_today.replace(year=1992)  # 1992 is a leap year: Feb 29 exists
    sids = {}
    for shop in (ahead, behind):
        sids[shop.id] = await _customer(shop, drain, born.isoformat())
        await _set_at(shop, sids[shop.id], LONG_AGO)
    assert await earning.award_shop_birthdays(ahead.id) == 1
    assert await earning.award_shop_birthdays(behind.id) == 0
    assert await _birthdays(ahead, sids[ahead.id]) == [("birthday", 200)]


async def test_a_day_the_shop_has_not_reached_is_refused(program_shop):
    tomorrow = rules.shop_today(utcnow(), "UTC") + timedelta(days=1)
    with pytest.raises(ValidationFailed, match="has not begun"):
        await earning.award_shop_birthdays(program_shop.id, on=tomorrow)


async def test_rule_off_or_bare_program_awards_nothing(program_shop, shop, drain):
    await set_rule(program_shop, "BIRTHDAY", enabled=False)
    for target in (program_shop, shop):
        sid = await _customer(target, drain, "1980-05-05")
        await _set_at(target, sid, LONG_AGO)
        assert await earning.award_shop_birthdays(target.id, on=date(2025, 5, 5)) == 0
        assert await _birthdays(target, sid) == []
    await set_rule(program_shop, "BIRTHDAY", enabled=True, points=321)
    assert await earning.award_shop_birthdays(program_shop.id, on=date(2025, 5, 5)) == 1
    assert [p for _, p in await earnings(program_shop.id) if _ == "birthday"] == [321]


async def test_once_per_year_even_when_the_birthday_moves(program_shop, drain):
    sid = await _customer(program_shop, drain, "1980-05-05")
    await _set_at(program_shop, sid, LONG_AGO)
    assert await earning.award_shop_birthdays(program_shop.id, on=date(2025, 5, 5)) == 1
    # moved to a later day of the same year (and backdated, as if long known): no second award
    await _execute(
        "update customers set birthday_md_bidx = ("
        " select birthday_md_bidx from customers where merchant_id = :m and shopify_customer_id = :o)"
        " where merchant_id = :m and shopify_customer_id = :s",
        m=program_shop.id,
        s=sid,
        o=await _customer(program_shop, drain, "1970-05-20"),
    )
    assert await earning.award_shop_birthdays(program_shop.id, on=date(2025, 5, 20)) == 0
    assert await _birthdays(program_shop, sid) == [("birthday", 200)]


SET_BIRTHDAY = """
mutation ($c: ID!, $b: Date) {
  setCustomerBirthday(customerId: $c, birthday: $b) { customer { birthday } userErrors { code } }
}
"""


async def test_a_birthday_set_through_graphql_is_celebrated_and_moving_it_restarts_the_wait(
    program_shop, drain
):
    sid = await _customer(program_shop, drain, "1980-01-01")
    gid = await customer_gid(program_shop, sid)
    today = rules.shop_today(utcnow(), "UTC")
    earlier = today - timedelta(days=100)  # never today's day of the year
    result = await program_shop.gql(SET_BIRTHDAY, {"c": gid, "b": earlier.replace(year=1984).isoformat()})
    assert result["data"]["setCustomerBirthday"]["userErrors"] == []
    await _set_at(program_shop, sid, LONG_AGO)
    # the year changed, not the day: still set long ago
    await program_shop.gql(SET_BIRTHDAY, {"c": gid, "b": earlier.replace(year=1988).isoformat()})
    assert await earning.award_shop_birthdays(program_shop.id, on=earlier) == 1
    # moved to another day: set now, so that day waits for the next year
    await program_shop.gql(SET_BIRTHDAY, {"c": gid, "b": today.replace(year=1992).isoformat()})
    assert await earning.award_shop_birthdays(program_shop.id) == 0
    assert await _birthdays(program_shop, sid) == [("birthday", 200)]
