"""The one-click unsubscribe behind the link: signed per shop, customer, type and
channel; forged or replayed tokens change nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlparse

from loyalnest.contexts.notifications import api as notifications
from loyalnest.contexts.notifications import tokens
from loyalnest.platform.uow import unit_of_work
from tests.contexts.notifications.support import make_customer
from tests.contexts.support import rows


def _token(url: str) -> str:
    return parse_qs(urlparse(url).query)["t"][0]


async def _subscribed(shop_id: int, customer: int, type_name: str = "points_expiring") -> bool:
    prefs = await notifications.get_preferences(shop_id, customer)
    return next(p.subscribed for p in prefs if (p.type, p.channel) == (type_name, "email"))


async def test_the_link_unsubscribes_from_that_type_only(shop) -> None:
    customer = await make_customer(shop.id)
    url = notifications.unsubscribe_url(shop.id, customer, "points_expiring", "email")
    result = await notifications.unsubscribe(_token(url))
    assert (result.ok, result.outcome) == (True, "unsubscribed")
    assert not await _subscribed(shop.id, customer)
    assert await _subscribed(shop.id, customer, "reward_issued")
    # twice is fine (mail clients retry the one-click POST)
    assert (await notifications.unsubscribe(_token(url))).outcome == "already_unsubscribed"
    audit = await rows(
        "select action from audit_entries where merchant_id = :m and action = 'notification.unsubscribed'",
        m=shop.id,
    )
    assert len(audit) == 1


async def test_forged_tokens_change_nothing(make_shop) -> None:
    a, b = await make_shop(), await make_shop()
    customer = await make_customer(a.id)
    good = _token(notifications.unsubscribe_url(a.id, customer, "points_expiring", "email"))
    payload, signature = good.split(".")
    # another shop's id under the same signature
    forged_payload = tokens._b64(tokens._unb64(payload).replace(f"|{a.id}|".encode(), f"|{b.id}|".encode()))
    for forged in (
        f"{forged_payload}.{signature}",
        f"{payload}.{signature[:-2]}AA",
        "garbage",
        "",
        good + "x" * 600,
    ):
        result = await notifications.unsubscribe(forged)
        assert (result.ok, result.outcome) == (False, "invalid"), forged
    assert await _subscribed(a.id, customer)


async def test_a_link_issued_before_a_resubscribe_is_refused(shop) -> None:
    customer = await make_customer(shop.id)
    old = tokens.sign(
        shop.id, customer, "points_expiring", "email", issued_at=datetime.now(UTC) - timedelta(days=3)
    )
    assert (await notifications.unsubscribe(old)).ok
    async with unit_of_work() as uow:
        await notifications.set_preferences(
            uow,
            merchant_id=shop.id,
            customer_id=customer,
            changes=[notifications.PreferenceChange("points_expiring", "email", True)],
        )
    replayed = await notifications.unsubscribe(old)
    assert (replayed.ok, replayed.outcome) == (False, "replayed")
    assert await _subscribed(shop.id, customer)
    # a link from a message sent after the re-subscribe works
    fresh = _token(notifications.unsubscribe_url(shop.id, customer, "points_expiring", "email"))
    assert (await notifications.unsubscribe(fresh)).ok
    assert not await _subscribed(shop.id, customer)
