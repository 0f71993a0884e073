"""The facts the earning triggers read off a customer: the birthday's month-day blind
index and when the birthday was set (never the date in clear), and the first time a
customer webhook showed marketing consent on. All written by the one upsert statement."""

from __future__ import annotations

from datetime import date

from loyalnest.contexts.customers import api as customers
from loyalnest.contexts.webhooks import payloads as shopify_payloads
from loyalnest.platform.uow import unit_of_work
from tests import payloads
from tests.contexts.support import rows

_ids = iter(range(70_000, 10**9))


async def _send(shop, drain, topic: str, body: dict) -> None:
    response = await shop.webhook(topic, body)
    assert response.status_code == 200, response.text
    await drain()


async def _facts(shop, sid: int) -> dict:
    [row] = await rows(
        "select id, birthday_enc, birthday_md_bidx, birthday_set_at, accepts_marketing, marketing_opt_in_at,"
        " updated_at from customers where merchant_id = :m and shopify_customer_id = :s",
        m=shop.id,
        s=sid,
    )
    return row


def _body(
    sid: int, *, birthday: str | None = "1987-06-05", day: int = 1, marketing: str = "subscribed"
) -> dict:
    return payloads.customer(
        sid, birthday=birthday, marketing=marketing, updated_at=f"2026-11-{day:02d}T10:00:00Z"
    )


async def test_birthday_index_is_per_shop_and_holds_no_date(make_shop, drain):
    a, b = await make_shop(), await make_shop()
    sid = next(_ids)
    await _send(a, drain, "customers/create", _body(sid))
    await _send(b, drain, "customers/create", _body(sid))
    fa, fb = await _facts(a, sid), await _facts(b, sid)
    assert len(fa["birthday_md_bidx"]) == 64
    assert fa["birthday_md_bidx"] != fb["birthday_md_bidx"]  # same day, two shops: unrelated tokens
    for value in (fa["birthday_md_bidx"], fa["birthday_enc"]):
        assert "06-05" not in value
        assert "1987" not in value
    assert fa["birthday_set_at"] is not None


async def test_birthday_set_time_moves_only_when_the_day_moves(shop, drain):
    sid = next(_ids)
    await _send(shop, drain, "customers/create", _body(sid))
    first = await _facts(shop, sid)
    # same birthday again, then the year corrected: same day of the year, same set time
    await _send(shop, drain, "customers/update", _body(sid, day=2))
    await _send(shop, drain, "customers/update", _body(sid, birthday="1988-06-05", day=3))
    same_day = await _facts(shop, sid)
    assert same_day["birthday_md_bidx"] == first["birthday_md_bidx"]
    assert same_day["birthday_set_at"] == first["birthday_set_at"]
    assert same_day["birthday_enc"] != first["birthday_enc"]
    # an update that says nothing of the birthday keeps it all
    silent = payloads.customer(sid, updated_at="2026-11-04T10:00:00Z")
    await _send(shop, drain, "customers/update", silent)
    assert (await _facts(shop, sid))["birthday_set_at"] == first["birthday_set_at"]
    # moved to another day: set anew
    await _send(shop, drain, "customers/update", _body(sid, birthday="1988-06-20", day=5))
    moved = await _facts(shop, sid)
    assert moved["birthday_md_bidx"] != first["birthday_md_bidx"]
    assert moved["birthday_set_at"] > first["birthday_set_at"]


async def test_marketing_opt_in_is_recorded_once_by_customer_webhooks_only(shop, drain):
    sid = next(_ids)
    # first seen in an order, subscribed: consent kept, opt-in not recorded
    order = payloads.order(next(_ids), customer_body=_body(sid))
    await _send(shop, drain, "orders/create", order)
    seen = await _facts(shop, sid)
    assert (seen["accepts_marketing"], seen["marketing_opt_in_at"]) == (True, None)
    await _send(shop, drain, "customers/create", _body(sid, day=2))
    opted = await _facts(shop, sid)
    assert opted["marketing_opt_in_at"] == opted["updated_at"]
    # off and on again: the first opt-in stays
    await _send(shop, drain, "customers/update", _body(sid, day=3, marketing="unsubscribed"))
    await _send(shop, drain, "customers/update", _body(sid, day=4))
    again = await _facts(shop, sid)
    assert again["accepts_marketing"] is True
    assert again["marketing_opt_in_at"] == opted["marketing_opt_in_at"]


async def test_record_customer_webhook_says_when_it_recorded_the_opt_in(shop, drain):
    sid = next(_ids)

    async def record(body: dict) -> bool:
        async with unit_of_work() as uow:
            written = await customers.record_customer_webhook(
                uow, shop.id, shopify_payloads.parse_customer(body)
            )
        return written.marketing_opted_in

    assert await record(_body(sid, marketing="not_subscribed")) is False
    assert await record(_body(sid, day=2)) is True
    assert await record(_body(sid, day=3)) is False  # already recorded
    assert await record(_body(sid, day=1)) is False  # stale: nothing written


async def test_set_birthday_validates_writes_and_indexes(shop, drain):
    sid = next(_ids)
    await _send(shop, drain, "customers/create", _body(sid, birthday=None))
    customer_id = (await _facts(shop, sid))["id"]
    async with unit_of_work() as uow:
        dto = await customers.set_birthday(
            uow, merchant_id=shop.id, customer_id=customer_id, birthday=date(1990, 3, 4), actor="staff:1"
        )
    assert dto.birthday == date(1990, 3, 4)
    facts = await _facts(shop, sid)
    assert facts["birthday_md_bidx"] is not None
    assert facts["birthday_set_at"] is not None
    async with unit_of_work() as uow:
        cleared = await customers.set_birthday(
            uow, merchant_id=shop.id, customer_id=customer_id, birthday=None, actor="staff:1"
        )
    assert cleared.birthday is None
    facts = await _facts(shop, sid)
    assert (facts["birthday_enc"], facts["birthday_md_bidx"], facts["birthday_set_at"]) == (None, None, None)


async def test_customer_found_by_email_through_the_blind_index(make_shop, drain):
    a, b = await make_shop(), await make_shop()
    sid = next(_ids)
    await _send(a, drain, "customers/create", payloads.customer(sid, email="Find.Me@Example.com"))
    found = await customers.customer_id_by_email(a.id, "  find.me@example.COM ")
    assert found == (await _facts(a, sid))["id"]
    assert await customers.customer_id_by_email(b.id, "find.me@example.com") is None
    assert await customers.customer_id_by_email(a.id, "") is None


async def test_the_customer_locale_is_stored_and_kept_by_payloads_without_it(shop, drain):
    """customers/create carries Shopify's locale; an order's customer object without the
    key keeps it (notifications read it to pick the customer's language)."""
    sid = next(_ids)
    await _send(shop, drain, "customers/create", payloads.customer(sid, locale="pt-BR"))
    partial = {"id": sid, "state": "enabled", "updated_at": "2026-11-05T10:00:00Z"}
    await _send(shop, drain, "customers/update", partial)
    [row] = await rows(
        "select locale from customers where merchant_id = :m and shopify_customer_id = :s", m=shop.id, s=sid
    )
    assert row["locale"] == "pt-BR"
    found = await customers.get_by_shopify_id(shop.id, sid)
    assert found is not None
    assert found.locale == "pt-BR"
