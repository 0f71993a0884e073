"""Signup and newsletter points from Shopify's customers/create|update webhooks, through
the real route and worker: once per customer, whatever the replays, the order the
webhooks arrive in, or the consent going off and on again."""

from __future__ import annotations

import uuid

from loyalnest.contexts.webhooks import api as webhooks
from tests import payloads
from tests.contexts.earning.conftest import earnings, set_rule
from tests.contexts.support import broker_unreachable, inbox_rows

_ids = iter(range(60_000, 10**9))


async def _send(shop, drain, topic: str, body: dict, event_id: str | None = None) -> None:
    response = await shop.webhook(topic, body, event_id=event_id)
    assert response.status_code == 200, response.text
    await drain()


def _customer(sid: int, *, marketing: str = "subscribed", updated_at: str = "2026-11-01T10:00:00Z") -> dict:
    return payloads.customer(sid, email=f"c{sid}@example.com", marketing=marketing, updated_at=updated_at)


async def test_a_new_subscribed_customer_earns_signup_and_newsletter(program_shop, drain):
    sid = next(_ids)
    await _send(program_shop, drain, "customers/create", _customer(sid))
    assert await earnings(program_shop.id, sid) == [("signup", 200), ("newsletter", 100)]


async def test_a_new_customer_without_consent_earns_signup_only(program_shop, drain):
    sid = next(_ids)
    await _send(program_shop, drain, "customers/create", _customer(sid, marketing="not_subscribed"))
    assert await earnings(program_shop.id, sid) == [("signup", 200)]


async def test_replays_and_redeliveries_award_nothing_more(program_shop, drain):
    sid = next(_ids)
    event_id = uuid.uuid4().hex
    body = _customer(sid)
    await _send(program_shop, drain, "customers/create", body, event_id=event_id)
    # the same delivery again (same event id): a duplicate at intake
    response = await program_shop.webhook("customers/create", body, event_id=event_id)
    assert response.json() == {"status": "duplicate"}
    # the same event delivered under a new id, and an update saying the same
    await _send(program_shop, drain, "customers/create", body)
    await _send(program_shop, drain, "customers/update", _customer(sid, updated_at="2026-11-02T10:00:00Z"))
    assert await earnings(program_shop.id, sid) == [("signup", 200), ("newsletter", 100)]
    assert {r["outcome"] for r in await inbox_rows(program_shop.id)} == {"processed"}


async def test_consent_turning_on_later_earns_the_newsletter_once_ever(program_shop, drain):
    sid = next(_ids)
    await _send(program_shop, drain, "customers/create", _customer(sid, marketing="not_subscribed"))
    await _send(program_shop, drain, "customers/update", _customer(sid, updated_at="2026-11-02T10:00:00Z"))
    assert await earnings(program_shop.id, sid) == [("signup", 200), ("newsletter", 100)]
    # off, then on again: no second newsletter signup
    for day, state in ((3, "unsubscribed"), (4, "subscribed"), (5, "unsubscribed"), (6, "subscribed")):
        body = _customer(sid, marketing=state, updated_at=f"2026-11-0{day}T10:00:00Z")
        await _send(program_shop, drain, "customers/update", body)
    assert await earnings(program_shop.id, sid) == [("signup", 200), ("newsletter", 100)]


async def test_an_update_without_consent_in_it_changes_nothing(program_shop, drain):
    sid = next(_ids)
    await _send(program_shop, drain, "customers/create", _customer(sid, marketing="not_subscribed"))
    silent = _customer(sid, updated_at="2026-11-02T10:00:00Z")
    del silent["email_marketing_consent"]
    await _send(program_shop, drain, "customers/update", silent)
    assert await earnings(program_shop.id, sid) == [("signup", 200)]


async def test_orders_create_arriving_first_does_not_cost_the_new_customer_anything(program_shop, drain):
    """At checkout Shopify sends orders/create and customers/create in no set order: the
    order's customer object creates the profile (consent on), the customers/create that
    follows still earns signup and newsletter."""
    sid = next(_ids)
    order = payloads.order(next(_ids), subtotal="20.00", customer_body=_customer(sid))
    await _send(program_shop, drain, "orders/create", order)
    assert await earnings(program_shop.id, sid) == [("order", 200)]
    await _send(program_shop, drain, "customers/create", _customer(sid))
    assert await earnings(program_shop.id, sid) == [("order", 200), ("signup", 200), ("newsletter", 100)]


async def test_an_order_never_awards_signup_or_newsletter(program_shop, drain):
    sid = next(_ids)
    await _send(program_shop, drain, "customers/create", _customer(sid, marketing="not_subscribed"))
    # consent turned on at checkout, seen first in the order's customer object
    order = payloads.order(
        next(_ids), subtotal="5.00", customer_body=_customer(sid, updated_at="2026-11-02T10:00:00Z")
    )
    await _send(program_shop, drain, "orders/create", order)
    assert await earnings(program_shop.id, sid) == [("signup", 200), ("order", 50)]
    # the customers/update Shopify sends for the consent change earns it
    await _send(program_shop, drain, "customers/update", _customer(sid, updated_at="2026-11-02T10:00:00Z"))
    assert await earnings(program_shop.id, sid) == [("signup", 200), ("order", 50), ("newsletter", 100)]


async def test_a_late_older_update_earns_nothing(program_shop, drain):
    sid = next(_ids)
    await _send(program_shop, drain, "customers/create", _customer(sid, marketing="not_subscribed"))
    newer = _customer(sid, marketing="unsubscribed", updated_at="2026-11-05T10:00:00Z")
    older = _customer(sid, marketing="subscribed", updated_at="2026-11-03T10:00:00Z")
    await _send(program_shop, drain, "customers/update", newer)
    await _send(program_shop, drain, "customers/update", older)
    assert await earnings(program_shop.id, sid) == [("signup", 200)]


async def test_rules_switched_off_award_nothing_and_points_follow_the_rule(program_shop, drain):
    await set_rule(program_shop, "SIGNUP", enabled=False)
    await set_rule(program_shop, "NEWSLETTER", points=250)
    sid = next(_ids)
    await _send(program_shop, drain, "customers/create", _customer(sid))
    assert await earnings(program_shop.id, sid) == [("newsletter", 250)]
    await set_rule(program_shop, "SIGNUP", enabled=True, points=75)
    await set_rule(program_shop, "NEWSLETTER", enabled=False)
    other = next(_ids)
    await _send(program_shop, drain, "customers/create", _customer(other))
    assert await earnings(program_shop.id, other) == [("signup", 75)]


async def test_the_bare_test_program_earns_nothing_from_customers(shop, drain):
    sid = next(_ids)
    await _send(shop, drain, "customers/create", _customer(sid))
    await _send(shop, drain, "customers/update", _customer(sid, updated_at="2026-11-02T10:00:00Z"))
    assert await earnings(shop.id) == []


async def test_a_batch_of_customer_webhooks_awards_each_once(program_shop, drain, broker):
    """Many customers/create rows of one shop are processed in one transaction: each
    customer still earns exactly once."""
    sids = [next(_ids) for _ in range(12)]
    with broker_unreachable():  # stored now, processed together below
        for sid in sids:
            await program_shop.webhook("customers/create", _customer(sid))
            await program_shop.webhook("customers/create", _customer(sid))  # redelivered
    first = min(r["id"] for r in await inbox_rows(program_shop.id))
    assert await webhooks.process_webhook(program_shop.id, first) == 24
    for sid in sids:
        assert await earnings(program_shop.id, sid) == [("signup", 200), ("newsletter", 100)]
